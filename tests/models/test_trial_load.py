"""The trial load in a child process, from source and (by argv) from a frozen app."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

from keyboard_app.cli import main
from keyboard_app.models import trial_load as trial_load_module
from keyboard_app.models.errors import ModelManagerError
from keyboard_app.models.trial_load import trial_load, trial_load_argv
from tests.model_factory import write_poisoned_model


def test_a_good_model_loads(tiny_f32_gguf: Path) -> None:
    trial_load(tiny_f32_gguf)


def test_the_hidden_cli_command_is_the_child_and_suggests(
    tiny_f32_gguf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The child loads the file as the app does and gets suggestions from it."""
    assert main(["models", "trial-load", str(tiny_f32_gguf)]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    marker, _, payload = line.partition(" ")
    assert marker == "trial-load-ok"
    words = json.loads(payload)["suggestions"]
    assert len(words) == 3 and all(isinstance(w, str) and w.strip() for w in words)


def test_invalid_file_fails_in_the_child(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + bytes(60))
    with pytest.raises(ModelManagerError, match=r"could not load bad\.gguf: .*version 0"):
        trial_load(bad)


def _hanging_child(pid_file: Path) -> list[str]:
    """A child that writes its process id, then never answers."""
    code = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(600)"
    return [sys.executable, "-c", code]


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_hanging_child_is_killed_after_the_timeout(
    tiny_f32_gguf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid_file = tmp_path / "child.pid"
    monkeypatch.setattr(trial_load_module, "trial_load_argv", lambda path: _hanging_child(pid_file))
    began = time.monotonic()
    with pytest.raises(ModelManagerError, match=r"tiny-f32\.gguf took more than 3 s"):
        trial_load(tiny_f32_gguf, timeout_s=3.0)
    assert time.monotonic() - began < 60  # it gave up on the child, long before it would end
    pid = int(pid_file.read_text())  # the child really ran (and hung) ...
    assert not _is_running(pid)  # ... and was killed, not left behind


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_child_killed_by_a_signal_is_reported_as_a_crash(
    tiny_f32_gguf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What an abort inside llama.cpp looks like to the parent (the validator stops the files
    known to cause one before they reach llama.cpp, so a real process aborts itself here)."""
    crashing = [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGABRT)"]
    monkeypatch.setattr(trial_load_module, "trial_load_argv", lambda path: crashing)
    with pytest.raises(
        ModelManagerError, match=r"crashed while loading tiny-f32\.gguf \(signal 6\)"
    ):
        trial_load(tiny_f32_gguf)


def test_argv_for_source_and_frozen_apps(monkeypatch: pytest.MonkeyPatch) -> None:
    path = Path("m.gguf")
    assert trial_load_argv(path)[1:] == ["-m", "keyboard_app.models.trial_load", "m.gguf"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert trial_load_argv(path) == [sys.executable, "models", "trial-load", "m.gguf"]


@pytest.mark.parametrize("poison", [float("nan"), float("inf")])
def test_a_model_whose_predictions_are_not_numbers_is_refused(
    tmp_path: Path, poison: float
) -> None:
    path = write_poisoned_model(tmp_path / "poisoned.gguf", poison)
    with pytest.raises(ModelManagerError, match="not numbers"):
        trial_load(path)


def _poisoned_copy(source: Path, target: Path, tensor: str, rows: slice) -> Path:
    """A copy of `source` with NaN in the given rows of one tensor, written in place."""
    import gguf
    import numpy as np

    shutil.copyfile(source, target)
    reader = gguf.GGUFReader(target, "r+")
    (data,) = (t.data for t in reader.tensors if t.name == tensor)
    data[rows] = np.nan
    reader.data.flush()
    del reader, data
    return target


@pytest.mark.parametrize(
    ("tensor", "rows"),
    [("position_embd.weight", slice(64, None)), ("token_embd.weight", slice(31373, 31374))],
)
def test_not_numbers_the_probe_never_reaches_are_refused(
    tiny_f32_gguf: Path, tmp_path: Path, tensor: str, rows: slice
) -> None:
    """Positions past the probe sentence's length, the embedding of a word it does not contain:
    the app would show nothing once the text reached them. Every tensor is checked."""
    path = _poisoned_copy(tiny_f32_gguf, tmp_path / "late.gguf", tensor, rows)
    with pytest.raises(
        ModelManagerError, match=f"its tensor {re.escape(tensor)} holds values that are not numbers"
    ):
        trial_load(path)


def test_the_built_in_models_name_is_reserved(tiny_f32_gguf: Path) -> None:
    from keyboard_app.models.manager import import_model

    for name in ("builtin", "Built-In"):
        with pytest.raises(ModelManagerError, match="built-in model's name"):
            import_model(tiny_f32_gguf, name=name)
