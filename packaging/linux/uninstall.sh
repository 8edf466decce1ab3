#!/usr/bin/env bash
# Remove what install.sh put under ~/.local (your documents, settings and downloaded models stay).
set -euo pipefail
app_id=io.github.keyboard_app.KeyboardApp
share=${XDG_DATA_HOME:-$HOME/.local/share}
# Not ~/.local/share/keyboard-app: that is the app's own data folder (models, recovery files).
target=$HOME/.local/lib/keyboard-app
rm -rf "$target"
rm -f "$HOME/.local/bin/keyboard-app" "$share/applications/$app_id.desktop" "$share/metainfo/$app_id.metainfo.xml"
rm -f "$share"/icons/hicolor/*/apps/"$app_id".png "$share/icons/hicolor/scalable/apps/$app_id.svg"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$share/applications" || true
echo "uninstalled"
