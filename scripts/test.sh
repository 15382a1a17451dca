#!/usr/bin/env bash
# The whole test suite: the Helm chart and alert rules (scripts/helm-check.sh, alerts-check.sh), typecheck, unit and integration tests (real Postgres and Redis from
# DATABASE_URL / REDIS_URL, defaulting to 127.0.0.1), then end-to-end tests against a started stack.
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM_VERSION=10.34.9
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version)" = "$PNPM_VERSION" ]; then PNPM=(pnpm); else PNPM=(npx --yes "pnpm@$PNPM_VERSION"); fi
"${PNPM[@]}" install --frozen-lockfile --reporter=silent
rm -rf .test-results && mkdir -p .test-results
status=0
# Operations checks first: the Helm chart renders and validates (about 10 s, helm cached after the
# first run), and the alert rules pass promtool's unit tests.
bash scripts/helm-check.sh .test-results/helm-check.json || status=1
bash scripts/alerts-check.sh .test-results/alerts-check.json || status=1
"${PNPM[@]}" run --silent test || status=$?
node scripts/test-summary.js .test-results || true
exit $status
