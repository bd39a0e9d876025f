#!/usr/bin/env bash
# Builds the small initramfs the example guest (config/examples/debian-pv.cfg)
# boots with: busybox-static and an init that reports on the guest console.
# Usage: build-domu-initrd.sh OUTPUT.cpio.gz
set -euo pipefail
out=$(realpath -m "${1:?usage: build-domu-initrd.sh OUTPUT.cpio.gz}")
here=$(cd "$(dirname "$0")" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,run,tmp,root}
cp -a "$here/rootfs/." "$stage/"
cp /bin/busybox "$stage/bin/busybox"
for applet in $("$stage/bin/busybox" --list-full); do
    [ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
done
mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -print0 | sort -z | cpio --null -o -H newc --quiet) | gzip -6 > "$out.tmp"
mv "$out.tmp" "$out"
