{{/* Environment per component. Secrets come from secretKeyRef, one key at a time: no pod sees another's keys. */}}
{{- define "excloud.env" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $c := .component -}}
{{- $svc := index $v $c -}}
{{- $secret := include "excloud.secretName" . -}}
- { name: PORT, value: {{ $svc.port | quote }} }
- { name: LOG_LEVEL, value: {{ $v.logLevel | quote }} }
- { name: SHUTDOWN_GRACE_MS, value: "25000" }
{{- if eq $c "gateway" }}
- { name: GATEWAY_OPS_PORT, value: {{ $svc.opsPort | quote }} }
- { name: GATEWAY_BASE_DOMAIN, value: {{ $v.baseDomain | quote }} }
- { name: GATEWAY_LOCAL_HOSTS_USE_KEY_ORG, value: "false" }
- { name: GATEWAY_REGION, value: {{ $v.region | quote }} }
- { name: GATEWAY_MAX_PUT_BYTES, value: {{ $svc.maxPutBytes | int64 | quote }} }
- { name: GATEWAY_AUTH_CACHE_TTL_MS, value: {{ $svc.authCacheTtlMs | quote }} }
- { name: GATEWAY_READ_AHEAD_ENTRIES, value: {{ $svc.readAheadEntries | int64 | quote }} }
- { name: GATEWAY_BLOB_CACHE_BYTES, value: {{ $svc.blobCacheBytes | int64 | quote }} }
{{- end }}
{{- if has $c (list "gateway" "janitor") }}
- { name: AUTH_URL, value: {{ include "excloud.url" (dict "root" $root "component" "auth") }} }
- { name: METADATA_URL, value: {{ include "excloud.url" (dict "root" $root "component" "metadata") }} }
- { name: BLOB_URL, value: {{ include "excloud.url" (dict "root" $root "component" "blob") }} }
{{ include "excloud.secretEnv" (dict "name" "INTERNAL_SERVICE_SECRET" "secret" $secret) }}
{{- end }}
{{- if has $c (list "metadata" "blob") }}
- { name: AUTH_URL, value: {{ include "excloud.url" (dict "root" $root "component" "auth") }} }
{{- end }}
{{- if has $c (list "gateway" "blob") }}
{{ include "excloud.secretEnv" (dict "name" "BLOB_CAPABILITY_KEYS" "secret" $secret) }}
{{- end }}
{{- if has $c (list "auth" "metadata") }}
{{ include "excloud.databaseEnv" $root }}
{{- end }}
{{- if eq $c "auth" }}
# The admin CLI (`kubectl exec ... -- excloud admin`) talks to the auth process in the same pod.
- { name: AUTH_URL, value: "http://127.0.0.1:{{ $svc.port }}" }
- { name: AUTH_TOKEN_TTL_SECONDS, value: {{ $svc.tokenTtlSeconds | quote }} }
- { name: AUTH_DB_POOL_SIZE, value: {{ $svc.dbPoolSize | quote }} }
# The control API manages buckets through metadata and shows customers their S3 endpoint.
- { name: METADATA_URL, value: {{ include "excloud.url" (dict "root" $root "component" "metadata") }} }
- { name: AUTH_S3_ENDPOINT, value: {{ printf "https://{org}.%s" $v.baseDomain | quote }} }
{{- range list "AUTH_SERVICE_CREDENTIALS" "AUTH_SECRET_KEY" "AUTH_TOKEN_PRIVATE_JWK" "AUTH_ADMIN_TOKEN" }}
{{ include "excloud.secretEnv" (dict "name" . "secret" $secret) }}
{{- end }}
{{- end }}
{{- if eq $c "metadata" }}
- { name: METADATA_DB_POOL_SIZE, value: {{ $svc.dbPoolSize | quote }} }
{{- end }}
{{- if eq $c "blob" }}
{{ include "excloud.secretEnv" (dict "name" "BLOB_MASTER_KEYS" "secret" $secret) }}
- { name: BLOB_BACKEND, value: {{ $svc.backend | quote }} }
- { name: BLOB_FSYNC, value: {{ $svc.fsync | quote }} }
{{- if eq $svc.backend "fs" }}
- { name: BLOB_FS_ROOT, value: /data/blobs }
{{- else }}
- { name: BLOB_S3_BUCKET, value: {{ required "blob.s3.bucket is required with blob.backend=s3" $svc.s3.bucket | quote }} }
- { name: BLOB_S3_REGION, value: {{ $svc.s3.region | quote }} }
- { name: BLOB_S3_FORCE_PATH_STYLE, value: {{ $svc.s3.forcePathStyle | quote }} }
{{- with $svc.s3.endpoint }}
- { name: BLOB_S3_ENDPOINT, value: {{ . | quote }} }
{{- end }}
{{- with $svc.s3.prefix }}
- { name: BLOB_S3_PREFIX, value: {{ . | quote }} }
{{- end }}
{{- $s3secret := $svc.s3.existingSecret | default (ternary $secret "" (not (empty $svc.s3.accessKeyId))) }}
{{- if $s3secret }}
{{ include "excloud.secretEnv" (dict "name" "AWS_ACCESS_KEY_ID" "secret" $s3secret) }}
{{ include "excloud.secretEnv" (dict "name" "AWS_SECRET_ACCESS_KEY" "secret" $s3secret) }}
{{- end }}
{{- end }}
{{- end }}
{{- if eq $c "janitor" }}
- { name: JANITOR_QUEUE_PREFIX, value: {{ $svc.queuePrefix | quote }} }
- { name: JANITOR_UPLOAD_MAX_AGE_SECONDS, value: {{ $svc.uploadMaxAgeSeconds | quote }} }
- { name: JANITOR_OUTBOX_GRACE_SECONDS, value: {{ $svc.outboxGraceSeconds | quote }} }
- { name: JANITOR_ORPHAN_GRACE_SECONDS, value: {{ $svc.orphanGraceSeconds | quote }} }
{{- if or $v.redis.url $v.redis.existingSecret }}
{{ include "excloud.secretEnv" (dict "name" "REDIS_URL" "secret" (include "excloud.redisSecret" $root) "key" $v.redis.existingSecretKey) }}
{{- end }}
{{- end }}
{{- with $svc.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}
