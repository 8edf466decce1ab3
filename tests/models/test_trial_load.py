"""The trial load in a child process, from source and (by argv) from a frozen app."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from keyboard_app.cli import main
from keyboard_app.models.errors import ModelManagerError
from keyboard_app.models.trial_load import trial_load, trial_load_argv


def test_a_good_model_loads(tiny_f32_gguf: Path) -> None:
    trial_load(tiny_f32_gguf)


def test_the_hidden_cli_command_is_the_child(
    tiny_f32_gguf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "trial-load", str(tiny_f32_gguf)]) == 0
    assert "trial-load-ok" in capsys.readouterr().out


def test_invalid_file_fails_in_the_child(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + bytes(60))
    with pytest.raises(ModelManagerError, match=r"could not load bad\.gguf: .*version 0"):
        trial_load(bad)


def test_a_hanging_child_times_out(tiny_f32_gguf: Path) -> None:
    with pytest.raises(ModelManagerError, match="took more than"):
        trial_load(tiny_f32_gguf, timeout_s=0.01)


def test_argv_for_source_and_frozen_apps(monkeypatch: pytest.MonkeyPatch) -> None:
    path = Path("m.gguf")
    assert trial_load_argv(path)[1:] == ["-m", "keyboard_app.models.trial_load", "m.gguf"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert trial_load_argv(path) == [sys.executable, "models", "trial-load", "m.gguf"]
