#!/usr/bin/env bash
# Builds build/dom0.cpio.gz: the dom0 initramfs.
#   busybox-static (all applets), the xen kernel modules dom0 needs (with their
#   dependencies), the project's dom0 programs staged under build/dom0-rootfs/ and
#   every shared library they link, plus our init configuration (rootfs/).
# Usage: build-dom0-image.sh BUILD_DIR
set -euo pipefail
build=$(realpath "${1:?usage: build-dom0-image.sh BUILD_DIR}")
here=$(cd "$(dirname "$0")" && pwd)
kver=$(cat "$build/cache/kernel/version")
ktree="$build/cache/kernel/root/lib/modules/$kver"
stage="$build/dom0-image"
out="$build/dom0.cpio.gz"

# Modules dom0 loads at boot; their dependencies are added automatically.
dom0_modules=(xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs)

rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,lib64,etc/lintel,proc,sys,dev,run,tmp,root,var/log,mnt}
cp -a "$here/rootfs/." "$stage/"

cp /bin/busybox "$stage/bin/busybox"
for applet in $("$stage/bin/busybox" --list-full); do
    [ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
done

mkdir -p "$stage/lib/modules/$kver"
python3 "$here/resolve-modules.py" "$ktree" "${dom0_modules[@]}" > "$stage/etc/lintel/modules.order"
while read -r rel; do
    install -D -m 0644 "$ktree/$rel" "$stage/lib/modules/$kver/$rel"
done < "$stage/etc/lintel/modules.order"
echo "$kver" > "$stage/etc/lintel/kernel-version"

# The project's programs, then the shared libraries of every dynamic ELF among them.
if [ -d "$build/dom0-rootfs" ]; then
    cp -a "$build/dom0-rootfs/." "$stage/"
fi
copy_libs() {
    ldd "$1" 2>/dev/null | awk '/=>/ {print $3} /^\s*\/lib/ {print $1}' | while read -r lib; do
        [ -n "$lib" ] && [ -e "$lib" ] || continue
        dest="$stage$(dirname "$lib")"
        mkdir -p "$dest"
        [ -e "$dest/$(basename "$lib")" ] || cp -L "$lib" "$dest/"
    done
}
find "$stage" -type f -perm -u+x | while read -r f; do
    if head -c 4 "$f" | grep -q "ELF" && ldd "$f" >/dev/null 2>&1; then
        copy_libs "$f"
    fi
done

(cd "$stage" && find . -print0 | sort -z | cpio --null -o -H newc --quiet) | gzip -6 > "$out.tmp"
mv "$out.tmp" "$out"
echo "dom0 image: $out ($(du -h "$out" | cut -f1), kernel modules for $kver)"
