"""The PyInstaller bundle (built by packaging/build.sh, as CI does) runs without Python or a display."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from keyboard_app import __version__

EXECUTABLE = Path(__file__).resolve().parents[2] / "dist" / "keyboard-app" / "keyboard-app"
pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(not EXECUTABLE.exists(), reason="no bundle: run packaging/build.sh"),
    pytest.mark.skipif(sys.platform != "linux", reason="the Linux bundle"),
]


def run_bundle(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run(
        [str(EXECUTABLE), *args], capture_output=True, text=True, timeout=180, env=environment
    )


def test_version():
    result = run_bundle("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"keyboard-app {__version__}"


def test_self_test_with_the_built_in_model(tmp_path):
    result = run_bundle(
        "--self-test", QT_QPA_PLATFORM="offscreen", KEYBOARD_APP_DATA_DIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("self-test ok: keyboard-app built-in GPT-2 (Q8_0")


def test_suggestions_from_the_bundle(tmp_path):
    result = run_bundle(
        "suggest", "Thank you for your he", "--json", KEYBOARD_APP_DATA_DIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert '"word": "he' in result.stdout


def test_no_training_stack_in_the_bundle():
    internal = EXECUTABLE.parent / "_internal"
    assert not (internal / "torch").exists()
    assert (internal / "resources" / "gpt2" / "encoder.json").is_file()
    assert (internal / "resources" / "lexicon" / "english-words.tsv").is_file()
    assert not (internal / "resources" / "corpora").exists()


def test_the_bundle_carries_the_licences_of_what_it_ships():
    internal = EXECUTABLE.parent / "_internal"
    assert "MIT License" in (internal / "LICENSE").read_text(encoding="utf-8")
    lgpl = (internal / "licenses" / "LGPL-3.0.txt").read_text(encoding="utf-8")
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in lgpl
    assert "Version 3" in (internal / "licenses" / "GPL-3.0.txt").read_text(encoding="utf-8")
    assert list(internal.glob("pyside6_essentials-*.dist-info/METADATA"))
