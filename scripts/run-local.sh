#!/usr/bin/env bash
# Install what is missing and run the whole service on embedded defaults (needs only Node 20;
# the services then run on Node 24 from npm when the host's is older, see scripts/local-node.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM_VERSION=10.34.9
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version)" = "$PNPM_VERSION" ]; then PNPM=(pnpm); else PNPM=(npx --yes "pnpm@$PNPM_VERSION"); fi
"${PNPM[@]}" install --frozen-lockfile --reporter=silent
# `pnpm run local` (tsx scripts/local.ts) on the Node that scripts/local-node.sh picks.
exec "$(bash scripts/local-node.sh)" --import tsx scripts/local.ts
