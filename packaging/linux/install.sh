#!/usr/bin/env bash
# Install the built bundle for the current user: ~/.local/lib/keyboard-app, a launcher in ~/.local/bin,
# the desktop file, AppStream metainfo and icons under ~/.local/share. Run from the unpacked
# tarball (keyboard-app/install.sh) or from the source tree after packaging/build.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -x "$here/keyboard-app" ]; then default_bundle=$here; else default_bundle=$here/../../dist/keyboard-app; fi
bundle=${1:-"$default_bundle"}
app_id=io.github.keyboard_app.KeyboardApp
share=${XDG_DATA_HOME:-$HOME/.local/share}
# Not ~/.local/share/keyboard-app: that is the app's own data folder (models, recovery files).
target=$HOME/.local/lib/keyboard-app
[ -x "$bundle/keyboard-app" ] || { echo "install.sh: no bundle at $bundle (run packaging/build.sh)" >&2; exit 1; }
if [ -e "$target" ] && { [ "$(realpath "$bundle")" = "$(realpath "$target")" ] ||
    [ "$(realpath "$here")" = "$(realpath "$target")" ]; }; then
    echo "install.sh: this is the installed copy; run the install.sh of a new bundle" >&2
    exit 1
fi
rm -rf "$target"
mkdir -p "$target" "$HOME/.local/bin" "$share/applications" "$share/metainfo"
cp -a "$bundle/." "$target/"
ln -sf "$target/keyboard-app" "$HOME/.local/bin/keyboard-app"

# The desktop file runs the launcher by its full path: ~/.local/bin is often not on PATH until the
# next login. In Exec, a quoted argument escapes \ " ` $ with a backslash, and then the file's own
# string escaping doubles every backslash; a literal % is %% (else a field code such as %d).
launcher=$target/keyboard-app
for special in '\' '"' '`' '$'; do launcher=${launcher//"$special"/\\$special}; done
launcher=${launcher//\\/\\\\}
launcher=${launcher//%/%%}
while IFS= read -r line; do
    case $line in
        "Exec=keyboard-app "*) line="Exec=\"$launcher\" ${line#Exec=keyboard-app }" ;;
    esac
    printf '%s\n' "$line"
done < "$here/$app_id.desktop" > "$share/applications/$app_id.desktop"
chmod 644 "$share/applications/$app_id.desktop"
install -m 644 "$here/$app_id.metainfo.xml" "$share/metainfo/$app_id.metainfo.xml"
icons="$target/_internal/resources/icons"
for size in 16 24 32 48 64 128 256; do
    mkdir -p "$share/icons/hicolor/${size}x${size}/apps"
    install -m 644 "$icons/keyboard-app-$size.png" "$share/icons/hicolor/${size}x${size}/apps/$app_id.png"
done
mkdir -p "$share/icons/hicolor/scalable/apps"
install -m 644 "$icons/keyboard-app.svg" "$share/icons/hicolor/scalable/apps/$app_id.svg"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$share/applications" || true
echo "installed: run keyboard-app, or find Keyboard App in your applications"
