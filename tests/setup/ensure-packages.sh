#!/usr/bin/env bash
# Installs every Debian package listed in $1 that is not installed yet.
# Idempotent; says which package failed and why when it cannot install.
set -euo pipefail
list=${1:?usage: ensure-packages.sh packages.txt}

wanted=$(grep -v '^\s*#' "$list" | awk 'NF {print $1}' | sort -u)
missing=()
for pkg in $wanted; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "setup: installing missing packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "setup: not root; install these yourself: apt-get install ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# The package lists on a fresh machine may be empty or stale: refresh once.
stamp=/var/lib/apt/periodic/lintel-update-stamp
if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440 2>/dev/null)" ]; then
    apt-get update -q >/dev/null || { echo "setup: apt-get update failed" >&2; exit 1; }
    mkdir -p "$(dirname "$stamp")" && touch "$stamp"
fi
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/lintel-apt.log 2>&1; then
    echo "setup: apt-get install failed; per package:" >&2
    for pkg in "${missing[@]}"; do
        apt-get install -y -q --no-install-recommends "$pkg" >/dev/null 2>&1 \
            || echo "setup:   $pkg: $(apt-get install -y -q "$pkg" 2>&1 | grep -E '^E:' | head -n 1)" >&2
    done
    exit 1
fi
