"""Ctrl+C (SIGINT) ends `keyboard-app` quietly with status 130, in a command and in the app."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

INTERRUPTED = 130


def start(*args: str, tmp_path: Path) -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "KEYBOARD_APP_CONFIG_DIR": str(tmp_path / "config"),
        "KEYBOARD_APP_DATA_DIR": str(tmp_path / "data"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "keyboard_app.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )


def wait_for(stream: object, needle: str) -> str:
    """Lines of `stream` up to the first holding `needle` (all of them if it never comes)."""
    seen = ""
    for line in iter(stream.readline, ""):  # type: ignore[attr-defined]
        seen += line
        if needle in line:
            break
    return seen


def interrupt(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGINT)
    try:
        _out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("still running a minute after Ctrl+C")
    return process.returncode, err


def test_ctrl_c_while_continuing_exits_130_without_a_traceback(
    random_model: Path, tmp_path: Path
) -> None:
    process = start(
        "continue",
        "Hello",
        "--tokens",
        "4096",
        "--top-k",
        "1",  # greedy: this model never ends early (sampled, it may draw <|endoftext|> first)
        "--threads",
        "1",
        "--model",
        str(random_model),
        tmp_path=tmp_path,
    )
    assert process.stdout is not None
    assert process.stdout.read(len("Hello")) == "Hello"  # streaming has begun
    code, err = interrupt(process)
    assert code == INTERRUPTED
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


def test_ctrl_c_in_the_app_closes_it_like_quit(random_model: Path, tmp_path: Path) -> None:
    process = start("-v", "gui", "--model", str(random_model), tmp_path=tmp_path)
    seen = wait_for(process.stderr, "loading model")
    assert "loading model" in seen, seen
    code, err = interrupt(process)
    assert code == INTERRUPTED, seen + err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
