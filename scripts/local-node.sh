#!/usr/bin/env bash
# Prints the Node binary local mode runs on: the host's when it is Node 24 or newer, else the
# images' Node 24 LTS fetched once from npm (scripts/fetch-node24.sh), whose V8 takes the collector
# tuning the data path relies on (tuneGarbageCollector in packages/service-kit/src/gc-tuning.ts).
# Offline, or without npm, it falls back to the host's Node (slower on large objects, still correct).
set -uo pipefail
cd "$(dirname "$0")/.."
host="$(command -v node)"
if [ "$("$host" -p 'process.versions.node.split(".")[0]')" -ge 24 ]; then echo "$host"; exit 0; fi
if node24="$(bash scripts/fetch-node24.sh 2>/dev/null)" && [ -x "$node24" ]; then echo "$node24"; exit 0; fi
echo "note: could not fetch Node 24 from npm; local mode runs on $("$host" --version)" >&2
echo "$host"
