#!/usr/bin/env bash
# Copy the Debian copyright file of each system library in a built bundle's _internal/ folder to
# _internal/licenses/debian/<package>.copyright (on a Debian or Ubuntu build machine; elsewhere it
# says so and does nothing). Usage: packaging/debian-copyrights.sh dist/keyboard-app/_internal
set -euo pipefail
internal=$1
if ! command -v dpkg >/dev/null; then
    echo "debian-copyrights.sh: no dpkg here: the system libraries' copyright files are not added" >&2
    exit 0
fi
mapfile -t patterns < <(find "$internal" -maxdepth 1 -type f -name 'lib*.so*' -printf '*/%f\n' | sort)
[ ${#patterns[@]} -gt 0 ] || exit 0
# "pkg1:amd64, pkg2:amd64: /usr/lib/.../libx.so.1": the owning packages, without the architecture.
mapfile -t packages < <(dpkg -S "${patterns[@]}" 2>/dev/null | sed 's/: .*//' | tr ',' '\n' |
    sed 's/^ *//; s/:.*//' | sort -u)
out="$internal/licenses/debian"
mkdir -p "$out"
for package in "${packages[@]}"; do
    copyright="/usr/share/doc/$package/copyright"
    if [ -f "$copyright" ]; then
        cp -L "$copyright" "$out/$package.copyright"
    else
        echo "debian-copyrights.sh: $package has no $copyright" >&2
    fi
done
echo "debian-copyrights.sh: ${#packages[@]} packages' copyright files in $out"
