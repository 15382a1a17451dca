{{/* Names: <release>-excloud-buckets, or the release name alone when it already contains the chart name. */}}
{{- define "excloud.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "excloud.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Component resource name: (dict "root" $ "component" "gateway") */}}
{{- define "excloud.component" -}}
{{- printf "%s-%s" (include "excloud.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels: the instance is always part of them, so two releases never share pods. */}}
{{- define "excloud.selectorLabels" -}}
app.kubernetes.io/name: {{ include "excloud.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{- define "excloud.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{ include "excloud.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: excloud-buckets
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end -}}

{{- define "excloud.image" -}}
{{- $img := .Values.image -}}
{{- if $img.digest -}}
{{ $img.repository }}@{{ $img.digest }}
{{- else -}}
{{ $img.repository }}:{{ default .Chart.AppVersion $img.tag }}
{{- end -}}
{{- end -}}

{{- define "excloud.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "excloud.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "excloud.url" -}}
http://{{ include "excloud.component" (dict "root" .root "component" .component) }}:{{ (index .root.Values .component).port }}
{{- end -}}

{{/* Name of the Secret holding a service's keys: its existingSecret or the one the chart creates. */}}
{{- define "excloud.secretName" -}}
{{- $svc := index .root.Values .component -}}
{{- default (include "excloud.component" .) $svc.existingSecret -}}
{{- end -}}

{{- define "excloud.databaseSecret" -}}
{{- default (include "excloud.component" (dict "root" . "component" "database")) .Values.database.existingSecret -}}
{{- end -}}

{{- define "excloud.redisSecret" -}}
{{- default (include "excloud.component" (dict "root" . "component" "redis")) .Values.redis.existingSecret -}}
{{- end -}}

{{- define "excloud.secretEnv" -}}
- name: {{ .name }}
  valueFrom: { secretKeyRef: { name: {{ .secret }}, key: {{ .key | default .name }} } }
{{- end -}}

{{- define "excloud.databaseEnv" -}}
{{ include "excloud.secretEnv" (dict "name" "DATABASE_URL" "secret" (include "excloud.databaseSecret" .) "key" .Values.database.existingSecretKey) }}
{{- end -}}

{{/*
A secret value that stays stable across upgrades: the value given in values.yaml, else the one in
the Secret already in the cluster, else a fresh one from the generator. Args: root, secret (name),
key, value, generate (string).
*/}}
{{- define "excloud.stableSecret" -}}
{{- if .value -}}
{{- .value -}}
{{- else -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace .secret -}}
{{- if and $existing (hasKey $existing.data .key) -}}
{{- index $existing.data .key | b64dec -}}
{{- else -}}
{{- .generate -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
A fresh EC P-256 private JWK. Sprig's genPrivateKey "ecdsa" gives a SEC1 PEM whose DER has a fixed
layout for P-256 (121 bytes): d at bytes 7..39, the uncompressed point 0x04||x||y at 56..121.
*/}}
{{- define "excloud.generateJwk" -}}
{{- $der := genPrivateKey "ecdsa" | regexFind "[A-Za-z0-9+/=\\s]{100,}" | nospace | b64dec -}}
{{- $url := dict -}}
{{- range $part := list (list "d" 7 39) (list "x" 57 89) (list "y" 89 121) -}}
{{- $_ := set $url (index $part 0) (substr (index $part 1) (index $part 2) $der | b64enc | replace "+" "-" | replace "/" "_" | trimSuffix "=" | trimSuffix "=") -}}
{{- end -}}
{{- $kid := printf "helm-%s" (sha256sum (printf "%s.%s" $url.x $url.y) | trunc 16) -}}
{{- dict "kty" "EC" "crv" "P-256" "d" $url.d "x" $url.x "y" $url.y "kid" $kid "alg" "ES256" | toJson -}}
{{- end -}}

{{- define "excloud.podSecurity" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets: {{- toYaml . | nindent 2 }}
{{- end }}
serviceAccountName: {{ include "excloud.serviceAccountName" . }}
automountServiceAccountToken: {{ .Values.serviceAccount.automountToken }}
securityContext: {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- end -}}
