#!/usr/bin/env bash
# Install the built bundle for the current user: ~/.local/lib/keyboard-app, a launcher in ~/.local/bin,
# the desktop file, AppStream metainfo and icons under ~/.local/share.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bundle=${1:-"$here/../../dist/keyboard-app"}
app_id=io.github.keyboard_app.KeyboardApp
share=${XDG_DATA_HOME:-$HOME/.local/share}
# Not ~/.local/share/keyboard-app: that is the app's own data folder (models, recovery files).
target=$HOME/.local/lib/keyboard-app
[ -x "$bundle/keyboard-app" ] || { echo "install.sh: no bundle at $bundle (run packaging/build.sh)" >&2; exit 1; }
rm -rf "$target"
mkdir -p "$target" "$HOME/.local/bin" "$share/applications" "$share/metainfo"
cp -a "$bundle/." "$target/"
ln -sf "$target/keyboard-app" "$HOME/.local/bin/keyboard-app"
install -m 644 "$here/$app_id.desktop" "$share/applications/$app_id.desktop"
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
