"""The tarball installs for its user with the install.sh it carries, and uninstalls cleanly."""

import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from keyboard_app import __version__

DIST = Path(__file__).resolve().parents[2] / "dist"
TARBALLS = sorted(DIST.glob("keyboard-app-linux-*.tar.gz"))
APP_ID = "io.github.keyboard_app.KeyboardApp"
pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(not TARBALLS, reason="no tarball: run packaging/build.sh"),
    pytest.mark.skipif(sys.platform != "linux", reason="the Linux bundle"),
]


def desktop_exec(desktop_file: Path) -> list[str]:
    """The Exec line's arguments as the desktop entry specification reads them: the string escapes
    first (each `\\\\` is one backslash), then the arguments, where a quoted one escapes `"`,
    `` ` ``, `$` and `\\` with a backslash, and `%%` is a literal `%`."""
    line = next(x for x in desktop_file.read_text("utf-8").splitlines() if x.startswith("Exec="))
    value = re.sub(r"\\\\", r"\\", line.removeprefix("Exec=")).replace("%%", "%")
    return [
        re.sub(r"\\(.)", r"\1", quoted) if quoted else plain
        for quoted, plain in re.findall(r'"((?:\\.|[^"\\])*)"|(\S+)', value)
    ]


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(TARBALLS[-1]) as tarball:
        tarball.extractall(folder, filter="tar")
    return folder / "keyboard-app"


def run_script(script: Path, home: Path) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(home)}
    return subprocess.run(
        ["bash", str(script)], capture_output=True, text=True, env=environment, timeout=120
    )


def test_the_tarball_installs_and_uninstalls_for_its_user(unpacked: Path, tmp_path: Path) -> None:
    home = tmp_path / 'a "home" with $pace, `ticks` & a back\\slash, 100%done'
    home.mkdir()
    data = home / ".local" / "share" / "keyboard-app"  # the app's own folder: never touched
    data.mkdir(parents=True)
    (data / "document.txt").write_text("mine", encoding="utf-8")

    installed = run_script(unpacked / "install.sh", home)
    assert installed.returncode == 0, installed.stderr
    target = home / ".local" / "lib" / "keyboard-app"
    desktop_file = home / ".local" / "share" / "applications" / f"{APP_ID}.desktop"
    assert desktop_exec(desktop_file) == [str(target / "keyboard-app"), "%F"]
    assert (home / ".local" / "share" / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (home / ".local/share/icons/hicolor/256x256/apps" / f"{APP_ID}.png").is_file()
    version = subprocess.run(
        [str(home / ".local" / "bin" / "keyboard-app"), "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert version.stdout.strip() == f"keyboard-app {__version__}"

    removed = run_script(target / "uninstall.sh", home)
    assert removed.returncode == 0, removed.stderr
    assert not target.exists()
    assert not desktop_file.exists()
    assert not (home / ".local" / "bin" / "keyboard-app").exists()
    assert not list((home / ".local" / "share" / "icons").rglob(f"{APP_ID}.*"))
    assert (data / "document.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_the_installed_desktop_file_is_valid(unpacked: Path, tmp_path: Path) -> None:
    assert run_script(unpacked / "install.sh", tmp_path).returncode == 0
    desktop_file = tmp_path / ".local" / "share" / "applications" / f"{APP_ID}.desktop"
    result = subprocess.run(
        ["desktop-file-validate", str(desktop_file)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_the_installed_copy_does_not_install_over_itself(unpacked: Path, tmp_path: Path) -> None:
    assert run_script(unpacked / "install.sh", tmp_path).returncode == 0
    target = tmp_path / ".local" / "lib" / "keyboard-app"
    for bundle in ([], [str(unpacked)]):  # itself, or another bundle by the installed script
        again = subprocess.run(
            ["bash", str(target / "install.sh"), *bundle],
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
            timeout=120,
        )
        assert again.returncode == 1
        assert "is the installed copy" in again.stderr
    assert os.access(target / "keyboard-app", os.X_OK)
