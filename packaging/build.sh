#!/usr/bin/env bash
# Build the one-folder desktop bundle (dist/keyboard-app/) and a .tar.gz of it.
# Needs the project and its `package` extra installed: pip install -e ".[package]"
set -euo pipefail
cd "$(dirname "$0")/.."
model=resources/models/keyboard-app-builtin-q8_0.gguf
[ -f "$model" ] || { echo "build.sh: the built-in model $model is missing" >&2; exit 1; }
python packaging/portable_cpu.py  # llama.cpp built for any desktop CPU, not only this one
pyinstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/keyboard-app.spec
bash packaging/debian-copyrights.sh dist/keyboard-app/_internal
# What installs the unpacked tarball for its user (docs/packaging.md).
cp packaging/linux/install.sh packaging/linux/uninstall.sh packaging/linux/io.github.keyboard_app.KeyboardApp.* \
    dist/keyboard-app/
arch=$(uname -m)
tar -C dist -czf "dist/keyboard-app-linux-$arch.tar.gz" keyboard-app
du -sh dist/keyboard-app "dist/keyboard-app-linux-$arch.tar.gz"
