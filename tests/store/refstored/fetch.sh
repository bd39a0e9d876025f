#!/bin/sh
# Unpacks Debian's xen-utils-4.17 (xenstored, oxenstored) under $1 without
# installing it: the package would pull in the hypervisor and boot config.
set -e
dest=$1
[ -x "$dest/usr/lib/xen-4.17/bin/xenstored" ] && exit 0
debs=$(dirname "$dest")/debs
mkdir -p "$debs" "$dest"
if ! ls "$debs"/xen-utils-4.17_*.deb >/dev/null 2>&1; then
    (cd "$debs" && apt-get download xen-utils-4.17)
fi
dpkg-deb -x "$(ls "$debs"/xen-utils-4.17_*.deb | head -n1)" "$dest"
