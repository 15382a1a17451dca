#!/bin/sh
# excloud <gateway|auth|metadata|blob|janitor|migrate|admin|smoke> [args...]
# The image's entrypoint (installed as /app/bin/excloud, on PATH): runs the compiled JS of one
# service or tool. No tsx, no TypeScript at run time. SERVICE names the command when no argument does.
set -eu
APP="$(cd "$(dirname "$0")/.." && pwd)"
cmd="${1:-${SERVICE:-}}"
[ $# -gt 0 ] && shift
case "$cmd" in
  # --initial-/--max-old-space-size, --max-semi-space-size: SERVICE_NODE_FLAGS in packages/service-kit/src/gc-tuning.ts says why.
  gateway|auth|metadata|blob|janitor) exec node --enable-source-maps --initial-old-space-size=64 --max-old-space-size=160 --max-semi-space-size=16 "$APP/services/$cmd/dist/main.js" "$@" ;;
  migrate) exec node --enable-source-maps "$APP/scripts/migrate.js" "$@" ;;
  smoke) exec node --enable-source-maps "$APP/scripts/smoke.js" "$@" ;;
  admin) exec node --enable-source-maps "$APP/services/auth/dist/admin-cli.js" "$@" ;;
  *) echo "usage: excloud <gateway|auth|metadata|blob|janitor|migrate|admin|smoke> [args...]" >&2; exit 64 ;;
esac
