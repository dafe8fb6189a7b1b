#!/usr/bin/env bash
# Checks the container image where no Docker engine runs (these machines): builds the trimtab
# binary on the host with the Swift standard library linked statically, makes a Debian base with
# debootstrap (no base image can be pulled here), builds the Dockerfile's `runtime` stage with
# podman (vfs storage, chroot isolation) around that binary, exports the container's filesystem
# and runs `trimtab plan` inside it under chroot as the image's non-root user.
# Needs root (debootstrap, chroot). Takes 10-25 minutes on 2 cores (the release build dominates);
# too long for CI, so CI builds and validates the Kubernetes manifests but not the image.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${TRIMTAB_IMAGE_WORK:-/tmp/trimtab-image}
PODMAN=(podman --storage-driver vfs)
mkdir -p "$WORK"

missing=()
command -v podman >/dev/null || missing+=(podman)
command -v debootstrap >/dev/null || missing+=(debootstrap)
# FoundationNetworking linked statically needs libcurl to link against.
[ -e /usr/include/x86_64-linux-gnu/curl/curl.h ] || [ -e /usr/include/curl/curl.h ] || missing+=(libcurl4-openssl-dev)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

echo "== binary: swift build -c release --product trimtab --static-swift-stdlib"
swift build -c release --product trimtab --static-swift-stdlib
mkdir -p image-input
cp "$(swift build -c release --show-bin-path)/trimtab" image-input/trimtab
echo "dynamic libraries the binary needs:"
ldd image-input/trimtab | awk '{print "  " $1}'

if ! "${PODMAN[@]}" image exists localhost/trimtab-base:bookworm; then
  # The machine's own Debian mirror (from its apt sources), the suite the runtime stage names.
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list)
  echo "== base: debootstrap --variant=minbase bookworm (mirror from the apt sources)"
  rm -rf "$WORK/rootfs"
  debootstrap --variant=minbase bookworm "$WORK/rootfs" "$mirror" >"$WORK/debootstrap.log"
  tar -C "$WORK/rootfs" -c . | "${PODMAN[@]}" import - localhost/trimtab-base:bookworm
fi

echo "== image: podman build --format docker --target runtime (BINARY_FROM=prebuilt; docker format keeps the HEALTHCHECK)"
"${PODMAN[@]}" build --isolation chroot --format docker --target runtime \
  --build-arg RUNTIME_IMAGE=localhost/trimtab-base:bookworm --build-arg BINARY_FROM=prebuilt \
  -t localhost/trimtab:check .
"${PODMAN[@]}" image inspect --format 'user={{.Config.User}} entrypoint={{.Config.Entrypoint}} cmd={{.Config.Cmd}} healthcheck={{.Config.Healthcheck.Test}}' localhost/trimtab:check

echo "== run: trimtab plan inside the exported filesystem (chroot, user 10001)"
id=$("${PODMAN[@]}" create localhost/trimtab:check)
rm -rf "$WORK/export" && mkdir -p "$WORK/export"
"${PODMAN[@]}" export "$id" | tar -C "$WORK/export" -x
"${PODMAN[@]}" rm "$id" >/dev/null
# A container runtime mounts /proc (Foundation reads the arguments from /proc/self/cmdline).
mkdir -p "$WORK/export/proc"
mount -t proc proc "$WORK/export/proc"
trap 'umount "$WORK/export/proc" 2>/dev/null || true' EXIT
out=$(chroot --userspec=10001:10001 "$WORK/export" /bin/sh -c 'cd /opt/trimtab && id -u && /usr/local/bin/trimtab --version && /usr/local/bin/trimtab plan examples/slapp-app3.yaml')
umount "$WORK/export/proc"
echo "$out"
grep -q '^status: optimal' <<<"$out" || { echo "check-image: trimtab plan did not answer inside the image" >&2; exit 1; }
trap - EXIT
echo "== image check passed"
