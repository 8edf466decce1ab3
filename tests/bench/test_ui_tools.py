"""The developer tools that drive the real window: `keyboard-app gui --demo-text --screenshot`,
`keyboard-app bench ui` and their synthetic key typing, run as users run them."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from keyboard_app.bench.key_typing import key_for
from keyboard_app.bench.random_model import write_stand_in_model

SPEC = Path(__file__).resolve().parents[2] / "packaging" / "keyboard-app.spec"


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_stand_in_model(tmp_path_factory.mktemp("model") / "stand-in.gguf", seed=1)


def run_python(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "KEYBOARD_APP_DATA_DIR": str(tmp_path / "data"),
        "KEYBOARD_APP_CONFIG_DIR": str(tmp_path / "config"),
    }
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def run_cli(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return run_python("-m", "keyboard_app.cli", *args, tmp_path=tmp_path)


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
    # The demo never leaves a recovery file behind, nor learns into the user's store.
    assert not list((tmp_path / "data").rglob("*.json"))
    assert not list((tmp_path / "data").rglob("personal.sqlite3*"))


@pytest.mark.slow
def test_gui_screenshot_demo_opens_the_files_given(tmp_path: Path, model_path: Path) -> None:
    first, second = tmp_path / "letter.txt", tmp_path / "notes.txt"
    first.write_text("Dear Ann,\n", "utf-8")
    second.write_text("notes\n", "utf-8")
    shot = tmp_path / "shot.png"
    result = run_cli(
        "gui",
        "--model",
        str(model_path),
        "--screenshot",
        str(shot),
        str(first),
        str(second),
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    settings = json.loads((tmp_path / "config" / "settings.json").read_text("utf-8"))
    assert settings["recent_files"][:2] == [str(first), str(second)]
    assert first.read_text("utf-8") == "Dear Ann,\n"  # opened, never written


def test_gui_demo_text_needs_screenshot(tmp_path: Path) -> None:
    result = run_cli("gui", "--demo-text", "x", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "--demo-text needs --screenshot" in result.stderr


@pytest.mark.slow
def test_bench_ui_prints_json(tmp_path: Path, model_path: Path) -> None:
    seconds = 2
    result = run_cli(
        "bench",
        "ui",
        "--json",
        "--seconds",
        str(seconds),
        "--model",
        str(model_path),
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["keystrokes"] >= 20
    assert report["strip_updates_for_exact_text"] >= 1
    latency = report["keystroke_to_strip_ms"]
    assert 0 < latency["p50"] <= latency["p95"] <= latency["max"]
    # Both stalls were measured (NaN otherwise) and lie within the run.
    for stall in (report["gui_longest_stall_ms"], report["gui_longest_stall_loading_ms"]):
        assert 0 <= stall < report["launch_to_first_suggestions_ms"] + (seconds + 3) * 1000
    assert report["launch_to_window_ms"] > 0
    assert report["launch_to_first_suggestions_ms"] >= report["launch_to_window_ms"]
    assert report["stand_in_model"] is False


def test_keys_for_characters() -> None:
    none, shift = Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier
    assert key_for("a") == (Qt.Key.Key_A, none, "a")
    assert key_for("A") == (Qt.Key.Key_A, shift, "A")
    assert key_for(" ") == (Qt.Key.Key_Space, none, " ")
    assert key_for("\n") == (Qt.Key.Key_Return, none, "\r")
    assert key_for("é") == (Qt.Key.Key_Eacute, none, "é")
    assert key_for("€") == (Qt.Key.Key_unknown, none, "€")


def _bundle_developer_tools() -> list[str]:
    """The modules the PyInstaller spec leaves out of the desktop bundle."""
    for node in ast.parse(SPEC.read_text("utf-8")).body:
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "DEVELOPER_TOOLS":
            names: list[str] = ast.literal_eval(node.value)
            return names
    raise AssertionError(f"no DEVELOPER_TOOLS in {SPEC}")


def test_the_bundle_leaves_out_the_developer_tools_by_their_real_names() -> None:
    tools = _bundle_developer_tools()
    assert {"keyboard_app.bench.demo", "keyboard_app.bench.ui_typing"} <= set(tools)
    for name in tools:
        assert importlib.util.find_spec(name) is not None, name


def test_the_engine_and_the_benchmark_models_import_no_developer_tool(tmp_path: Path) -> None:
    script = (
        "import sys, keyboard_app.engine, keyboard_app.bench.random_model\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('PySide6', 'keyboard_app.')))))"
    )
    result = run_python("-c", script, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    loaded = result.stdout.split()
    assert "keyboard_app.bench.random_model" in loaded
    assert not [m for m in loaded if m.startswith("PySide6") or m in _bundle_developer_tools()]
