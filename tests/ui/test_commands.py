"""`keyboard-app gui --demo-text --screenshot` and `keyboard-app bench ui`, run as users run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage


def run_cli(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "KEYBOARD_APP_DATA_DIR": str(tmp_path / "data"),
        "KEYBOARD_APP_CONFIG_DIR": str(tmp_path / "config"),
    }
    return subprocess.run(
        [sys.executable, "-m", "keyboard_app.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_gui_screenshot_demo(tmp_path: Path, model_path: Path) -> None:
    shot = tmp_path / "shot.png"
    result = run_cli(
        "gui",
        "--model",
        str(model_path),
        "--demo-text",
        "Hello wor",
        "--screenshot",
        str(shot),
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert not image.isNull()
    assert image.width() >= 800 and image.height() >= 500
    # The demo never leaves a recovery file behind.
    assert not list((tmp_path / "data").rglob("*.json"))


def test_gui_demo_text_needs_screenshot(tmp_path: Path) -> None:
    result = run_cli("gui", "--demo-text", "x", tmp_path=tmp_path)
    assert result.returncode == 2


@pytest.mark.slow
def test_bench_ui_prints_json(tmp_path: Path, model_path: Path) -> None:
    result = run_cli(
        "bench", "ui", "--json", "--seconds", "2", "--model", str(model_path), tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["keystrokes"] >= 20
    assert report["strip_updates_for_exact_text"] >= 1
    assert report["keystroke_to_strip_ms"]["p95"] > 0
    assert report["gui_longest_stall_ms"] >= 0
    assert report["launch_to_window_ms"] > 0
    assert report["launch_to_first_suggestions_ms"] >= report["launch_to_window_ms"]
    assert report["stand_in_model"] is False
