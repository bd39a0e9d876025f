#!/usr/bin/env bash
# Builds build/dom0.cpio.gz: the dom0 initramfs.
#   busybox-static (all applets), the xen kernel modules dom0 needs (with their
#   dependencies), the project's dom0 programs staged under build/dom0-rootfs/ and
#   every shared library they link, plus our init configuration (rootfs/).
# With --xen-tools it builds build/dom0-xentools.cpio.gz instead: the same plus
# Debian's Xen 4.17 userspace (xl, xenstored, oxenstored, xentop, xenstore-utils),
# the anchor for comparisons on Xen 4.17 (kernel arg lintel.store= picks the store).
# Usage: build-dom0-image.sh BUILD_DIR [--xen-tools]
set -euo pipefail
build=$(realpath "${1:?usage: build-dom0-image.sh BUILD_DIR [--xen-tools]}")
variant=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
kver=$(cat "$build/cache/kernel/version")
ktree="$build/cache/kernel/root/lib/modules/$kver"
case "$variant" in
"")          stage="$build/dom0-image";          out="$build/dom0.cpio.gz" ;;
--xen-tools) stage="$build/dom0-xentools-image"; out="$build/dom0-xentools.cpio.gz" ;;
*)           echo "build-dom0-image: unknown option $variant" >&2; exit 2 ;;
esac

# Modules dom0 loads at boot; their dependencies are added automatically.
dom0_modules=(xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs tun bridge)

rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,usr/lib,lib64,etc/lintel,proc,sys,dev,run,tmp,root,var/log,var/lib,var/lock,mnt}
cp -a "$here/rootfs/." "$stage/"
ln -s /run "$stage/var/run"

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
if [ "$variant" = --xen-tools ]; then
    xt="$build/cache/xen-tools/root"
    [ -x "$xt/usr/lib/xen-4.17/bin/xl" ] || { echo "build-dom0-image: $xt lacks Xen's userspace (make artifacts)" >&2; exit 1; }
    mkdir -p "$stage/usr/lib"
    cp -a "$xt/usr/lib/xen-4.17" "$stage/usr/lib/"
    mkdir -p "$stage/usr/lib/x86_64-linux-gnu" "$stage/etc/xen"
    cp -a "$xt"/usr/lib/x86_64-linux-gnu/lib{xen,xl,yajl}* "$stage/usr/lib/x86_64-linux-gnu/"
    cp -a "$xt/etc/xen/." "$stage/etc/xen/"
    for tool in xl xentop xenstore-read xenstore-write xenstore-ls xenstore-rm xenstore-list \
                xenstore-watch xenstore-chmod xenstore-exists; do
        for dir in usr/lib/xen-4.17/bin usr/bin; do
            [ -e "$xt/$dir/$tool" ] && { cp -a "$xt/$dir/$tool" "$stage/usr/sbin/$tool"; break; }
        done
    done
    mkdir -p "$stage/var/lib/xen" "$stage/var/lib/xenstored" "$stage/var/log/xen"
fi
copy_libs() {
    LD_LIBRARY_PATH="$stage/usr/lib/x86_64-linux-gnu" ldd "$1" 2>/dev/null \
        | awk '/=>/ {print $3} /^[ \t]*\/lib/ {print $1}' | while read -r lib; do
        [ -n "$lib" ] && [ -e "$lib" ] || continue
        case "$lib" in "$stage"/*) continue ;; esac
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
