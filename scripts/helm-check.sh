#!/usr/bin/env bash
# Renders and validates the Helm chart the way an operator's cluster would see it:
#   helm lint --strict and helm template with the default values and every ci/*.yaml override;
#   every rendered object against the Kubernetes (and Prometheus Operator) schemas, unknown fields
#   included; the chart's own promises (instance in selectors, securityContext, per-service
#   secrets); the key material generated on first install; and negative cases proving each check
#   can fail. Writes a jest-shaped result to $1 (optional) so scripts/test.sh counts it.
set -uo pipefail
cd "$(dirname "$0")/.."
CHART=helm/excloud-buckets
HELM="$(bash scripts/helm/fetch-helm.sh)" || { echo "helm-check: cannot fetch helm" >&2; exit 1; }
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "  ok   $1"; }
ko() { failed=$((failed + 1)); echo "  FAIL $1"; sed 's/^/       /' "$OUT/log" | tail -20; }
# expect pass|fail NAME COMMAND...: runs COMMAND, which must succeed (pass) or fail (fail).
expect() {
  local want=$1 name=$2; shift 2
  if "$@" >"$OUT/log" 2>&1; then got=pass; else got=fail; fi
  if [ "$got" = "$want" ]; then ok "$name"; else ko "$name (expected $want)"; fi
}
# expect_error NAME PATTERN COMMAND...: COMMAND must fail and say PATTERN (so it fails for the right reason).
expect_error() {
  local name=$1 pattern=$2; shift 2
  if "$@" >"$OUT/log" 2>&1; then ko "$name (expected failure)"; elif grep -qE -- "$pattern" "$OUT/log"; then ok "$name"; else ko "$name (wrong error, wanted /$pattern/)"; fi
}
render() { "$HELM" template rel "$CHART" --namespace excloud "$@"; }
validate() { node scripts/helm/validate-manifests.mjs "$1" && node scripts/helm/check-chart-policy.mjs "$1"; }

echo "helm chart ($("$HELM" version --template '{{.Version}}'))"
for values in default "$CHART"/ci/*.yaml; do
  name=$(basename "$values" .yaml)
  args=(); [ "$values" = default ] || args=(-f "$values")
  expect pass "lint --strict [$name]" "$HELM" lint --strict "$CHART" "${args[@]}"
  expect pass "template [$name]" sh -c "$(printf '%q ' "$HELM" template rel "$CHART" --namespace excloud "${args[@]}") > $OUT/$name.yaml"
  expect pass "kubernetes schemas and chart policy [$name]" validate "$OUT/$name.yaml"
done
expect pass "generated secrets parse as the services parse them" node scripts/helm/check-generated-secrets.mjs "$OUT/default.yaml"

# Negative cases: each must be rejected, for the reason named.
expect_error "values schema rejects a wrong type" "replicas: Invalid type" render --set gateway.replicas=three
expect_error "values schema rejects an unknown key" "Additional property replica is not allowed" render --set gateway.replica=3
expect_error "values schema rejects an unknown backend" "blob.backend" render --set blob.backend=gcs
expect_error "s3 backend requires a bucket" "blob.s3.bucket is required" render --set blob.backend=s3
sed -e '0,/replicas: 2/s//replicas: "2"/' -e '0,/runAsNonRoot: true/s//runAsNonroot: true/' "$OUT/default.yaml" >"$OUT/bad.yaml"
expect_error "schema validation rejects a wrong type" '/spec/replicas type' node scripts/helm/validate-manifests.mjs "$OUT/bad.yaml"
expect_error "schema validation rejects an unknown field" 'runAsNonroot is not a field' node scripts/helm/validate-manifests.mjs "$OUT/bad.yaml"
printf 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\n' >"$OUT/unknown.yaml"
expect_error "schema validation rejects a kind it has no schema for" 'no schema for' node scripts/helm/validate-manifests.mjs "$OUT/unknown.yaml"
sed -e 's/app.kubernetes.io\/instance: rel/app.kubernetes.io\/instance-x: rel/' -e '0,/readOnlyRootFilesystem: true/s//readOnlyRootFilesystem: false/' "$OUT/default.yaml" >"$OUT/weak.yaml"
expect_error "policy rejects selectors without the instance" 'lacks app.kubernetes.io/instance' node scripts/helm/check-chart-policy.mjs "$OUT/weak.yaml"
expect_error "policy rejects a writable root filesystem" 'root filesystem is writable' node scripts/helm/check-chart-policy.mjs "$OUT/weak.yaml"
awk '/name: BLOB_CAPABILITY_KEYS/ && !done { print; getline; print; print "            - name: BLOB_MASTER_KEYS"; print "              valueFrom: { secretKeyRef: { name: rel-excloud-buckets-blob, key: BLOB_MASTER_KEYS } }"; done=1; next } { print }' "$OUT/default.yaml" >"$OUT/leak.yaml"
expect_error "policy rejects a pod that gets another service's key" 'gateway: gets secret BLOB_MASTER_KEYS' node scripts/helm/check-chart-policy.mjs "$OUT/leak.yaml"

echo "helm chart: $passed passed, $failed failed"
if [ -n "${1:-}" ]; then
  printf '{"numPassedTests":%d,"numFailedTests":%d,"numPendingTests":0,"numTodoTests":0}\n' "$passed" "$failed" >"$1"
fi
[ "$failed" -eq 0 ]
