#!/usr/bin/env bash
# Fetches the stock Debian kernel (whatever linux-image-amd64 depends on today)
# and Debian's Xen 4.17 hypervisor with `apt-get download`, and unpacks them
# under $1 (build/cache). Nothing is installed on the host.
#
# Results:
#   $1/kernel/vmlinuz        the dom0/domU kernel (bzImage)
#   $1/kernel/version        its release string (e.g. 6.1.0-56-amd64)
#   $1/kernel/root/          the unpacked package (modules under lib/modules/)
#   $1/xen/xen.elf           Xen 4.17, decompressed so QEMU -kernel loads it
#   $1/xen/version           the package version
#   $1/xen-tools/root/       Debian's Xen 4.17 userspace (xl, xenstored, oxenstored,
#                            xentop, xenstore-utils and their libraries), unpacked;
#                            carried only by the dom0-xentools image, for comparisons
set -euo pipefail
cache=$(realpath -m "${1:?usage: fetch-debian-artifacts.sh CACHE_DIR}")
mkdir -p "$cache/debs"
cd "$cache/debs"

resolve_kernel_package() {
    apt-cache depends linux-image-amd64 2>/dev/null \
        | awk '/Depends: linux-image-[0-9]/ {print $2; exit}'
}

download() {  # download PACKAGE -> prints the .deb path
    local pkg=$1 deb
    deb=$(ls -1 "${pkg}"_*.deb 2>/dev/null | head -n 1 || true)
    if [ -z "$deb" ]; then
        apt-get download -q "$pkg" >/dev/null 2>"$pkg.err" || {
            echo "setup: apt-get download $pkg failed: $(cat "$pkg.err")" >&2; exit 1; }
        deb=$(ls -1 "${pkg}"_*.deb | head -n 1)
    fi
    echo "$cache/debs/$deb"
}

kpkg=$(resolve_kernel_package)
if [ -z "$kpkg" ]; then
    apt-get update -q >/dev/null
    kpkg=$(resolve_kernel_package)
fi
[ -n "$kpkg" ] || { echo "setup: cannot resolve linux-image-amd64's kernel package" >&2; exit 1; }
kver=${kpkg#linux-image-}

if [ "$(cat "$cache/kernel/version" 2>/dev/null)" != "$kver" ]; then
    deb=$(download "$kpkg")
    rm -rf "$cache/kernel" && mkdir -p "$cache/kernel"
    dpkg-deb -x "$deb" "$cache/kernel/root"
    cp "$cache/kernel/root/boot/vmlinuz-$kver" "$cache/kernel/vmlinuz"
    echo "$kver" > "$cache/kernel/version"
    echo "setup: kernel $kver unpacked"
fi

if [ ! -s "$cache/xen/xen.elf" ]; then
    deb=$(download xen-hypervisor-4.17-amd64)
    rm -rf "$cache/xen" && mkdir -p "$cache/xen"
    dpkg-deb -x "$deb" "$cache/xen/root"
    gz=$(ls -1 "$cache/xen/root/boot"/xen-4.17*-amd64.gz | head -n 1)
    gunzip -c "$gz" > "$cache/xen/xen.elf"
    dpkg-deb -f "$deb" Version > "$cache/xen/version"
    echo "setup: xen $(cat "$cache/xen/version") unpacked"
fi

# Debian's own toolstack and store daemons, for the anchor benchmarks on Xen 4.17.
xen_tools=(xen-utils-4.17 xen-utils-common xenstore-utils libxenmisc4.17 libxenstore4
           libxencall1 libxenevtchn1 libxenforeignmemory1 libxengnttab1 libxentoollog1
           libxentoolcore1 libxendevicemodel1 libxenhypfs1 libyajl2)
if [ ! -x "$cache/xen-tools/root/usr/lib/xen-4.17/bin/xl" ]; then
    rm -rf "$cache/xen-tools" && mkdir -p "$cache/xen-tools"
    for pkg in "${xen_tools[@]}"; do
        dpkg-deb -x "$(download "$pkg")" "$cache/xen-tools/root"
    done
    echo "setup: Xen 4.17 userspace unpacked (${#xen_tools[@]} packages)"
fi
