#!/usr/bin/env bash
# Install what is missing and run the whole service on embedded defaults (needs only Node 20).
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM_VERSION=10.34.9
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version)" = "$PNPM_VERSION" ]; then PNPM=(pnpm); else PNPM=(npx --yes "pnpm@$PNPM_VERSION"); fi
"${PNPM[@]}" install --frozen-lockfile --reporter=silent
exec "${PNPM[@]}" run --silent local
