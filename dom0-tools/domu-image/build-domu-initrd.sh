#!/usr/bin/env bash
# Builds the small initramfs the example guest (config/examples/debian-pv.cfg)
# and the split-driver tests boot with: busybox-static, an init that reports on
# the guest console, and the frontend modules (xen-blkfront, xen-netfront) with
# ext4, loaded at boot. With root=/dev/xvdX on the kernel command line, /init
# mounts that disk (ext4) and switches to it; otherwise the guest stays in the
# initramfs.
# Usage: build-domu-initrd.sh OUTPUT.cpio.gz [MODULE...]
#   MODULEs replace the default list; their dependencies are added.
#   The kernel's module tree is found under $BUILD/cache/kernel (BUILD defaults
#   to the repository's build/); without it the initrd has no modules.
#   EXTRA_ROOTFS=DIR adds DIR's files on top (benchmarks add their tools).
set -euo pipefail
out=$(realpath -m "${1:?usage: build-domu-initrd.sh OUTPUT.cpio.gz [MODULE...]}")
shift
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-$here/../../build}
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(xen-blkfront xen-netfront ext4 crc32c_generic)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,run,tmp,root,newroot,etc/lintel}
cp -a "$here/rootfs/." "$stage/"
[ -z "${EXTRA_ROOTFS:-}" ] || cp -a "$EXTRA_ROOTFS/." "$stage/"
cp /bin/busybox "$stage/bin/busybox"
for applet in $("$stage/bin/busybox" --list-full); do
    [ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
done

: > "$stage/etc/lintel/modules.order"
if [ -f "$build/cache/kernel/version" ]; then
    kver=$(cat "$build/cache/kernel/version")
    ktree="$build/cache/kernel/root/lib/modules/$kver"
    python3 "$here/../image/resolve-modules.py" "$ktree" "${modules[@]}" \
        > "$stage/etc/lintel/modules.order"
    while read -r rel; do
        install -D -m 0644 "$ktree/$rel" "$stage/lib/modules/$kver/$rel"
    done < "$stage/etc/lintel/modules.order"
    echo "$kver" > "$stage/etc/lintel/kernel-version"
else
    echo "build-domu-initrd: no kernel under $build/cache/kernel: building without modules" >&2
fi

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -print0 | sort -z | cpio --null -o -H newc --quiet) | gzip -6 > "$out.tmp"
mv "$out.tmp" "$out"
