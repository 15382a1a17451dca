{{- define "excloud.env" -}}
- name: DATABASE_URL
  value: {{ required "databaseUrl is required" .Values.databaseUrl | quote }}
- name: REDIS_URL
  value: {{ .Values.redisUrl | quote }}
- name: AUTH_URL
  value: http://{{ .Release.Name }}-auth:{{ .Values.services.auth.port }}
- name: METADATA_URL
  value: http://{{ .Release.Name }}-metadata:{{ .Values.services.metadata.port }}
- name: BLOB_URL
  value: http://{{ .Release.Name }}-blob:{{ .Values.services.blob.port }}
- name: GATEWAY_BASE_DOMAIN
  value: {{ .Values.baseDomain | quote }}
- name: GATEWAY_LOCAL_HOSTS_USE_KEY_ORG
  value: "false"
- name: AUTH_S3_ENDPOINT
  value: {{ printf "https://{org}.%s" .Values.baseDomain | quote }}
- name: BLOB_BACKEND
  value: {{ .Values.blob.backend | quote }}
- name: BLOB_S3_ENDPOINT
  value: {{ .Values.blob.s3.endpoint | quote }}
- name: BLOB_S3_BUCKET
  value: {{ .Values.blob.s3.bucket | quote }}
- name: BLOB_S3_REGION
  value: {{ .Values.blob.s3.region | quote }}
- name: BLOB_S3_FORCE_PATH_STYLE
  value: {{ .Values.blob.s3.forcePathStyle | quote }}
envFrom:
- secretRef:
    name: {{ .Values.secretName }}
{{- end -}}
