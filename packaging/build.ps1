# Build the one-folder bundle on Windows (dist\keyboard-app\keyboard-app.exe) and a .zip of it.
# Needs: pip install -e ".[package]"
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)
pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller packaging\keyboard-app.spec
Compress-Archive -Force -Path dist\keyboard-app -DestinationPath dist\keyboard-app-windows.zip
