#!/usr/bin/env bash
# The whole test suite: typecheck and lint (eslint.config.mjs; both cached by turbo), unit and integration tests (real Postgres and Redis from
# DATABASE_URL / REDIS_URL, defaulting to 127.0.0.1), then end-to-end tests against a started stack.
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM_VERSION=10.34.9
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version)" = "$PNPM_VERSION" ]; then PNPM=(pnpm); else PNPM=(npx --yes "pnpm@$PNPM_VERSION"); fi
"${PNPM[@]}" install --frozen-lockfile --reporter=silent
rm -rf .test-results && mkdir -p .test-results
status=0
"${PNPM[@]}" run --silent test || status=$?
node scripts/test-summary.js .test-results || true
exit $status
