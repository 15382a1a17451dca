#!/usr/bin/env bash
# Alerts as code: `promtool check rules` and `promtool test rules` on the chart's alert rules
# (helm/excloud-buckets/files/prometheus-rules.yaml, tests in deploy/alerts/rules.test.yaml).
# promtool comes from Debian's `prometheus` package (.ci/run installs it). Writes a jest-shaped
# result to $1 (optional) so scripts/test.sh counts it.
set -uo pipefail
cd "$(dirname "$0")/.."
RULES=helm/excloud-buckets/files/prometheus-rules.yaml
passed=0 failed=0
run() {
  local name=$1; shift
  if out=$("$@" 2>&1); then passed=$((passed + 1)); echo "  ok   $name"; else failed=$((failed + 1)); echo "  FAIL $name"; echo "$out" | sed 's/^/       /' | tail -40; fi
}
echo "alert rules"
if ! command -v promtool >/dev/null 2>&1; then
  echo "  FAIL promtool is not installed (apt-get install prometheus)"
  failed=1
else
  run "promtool check rules" promtool check rules "$RULES"
  run "promtool test rules" promtool test rules deploy/alerts/rules.test.yaml
fi
echo "alert rules: $passed passed, $failed failed"
if [ -n "${1:-}" ]; then
  printf '{"numPassedTests":%d,"numFailedTests":%d,"numPendingTests":0,"numTodoTests":0}\n' "$passed" "$failed" >"$1"
fi
[ "$failed" -eq 0 ]
