"""Load a GGUF in a child process, so a file that crashes llama.cpp cannot take the app down.

The child loads the file exactly as the app does, with `Predictor.load` (the same backend: the
model's whole context, every sequence the word search and the alternatives use, the unified cache)
and asks it for suggestions once, so a file that would fail in the app fails here first.

The child is `python -m keyboard_app.models.trial_load FILE` from a source checkout, or the hidden
`keyboard-app models trial-load FILE` sub-command of a frozen app (`sys.executable` is the app).
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import llama_cpp
from llama_cpp._logger import llama_log_callback as python_log_callback

from keyboard_app.engine.errors import ModelError
from keyboard_app.models.errors import ModelManagerError
from keyboard_app.models.progress import check_cancel

log = logging.getLogger(__name__)

PROBE_TEXT = "The quick brown fox jumps over the "
_OK_MARKER = "trial-load-ok "
CANCEL_POLL_S = 0.2  # how soon a cancelled trial load is killed
_INVALID_TENSOR = re.compile(r"tensor '([^']+)' has invalid data")


def _child_env() -> dict[str, str]:
    """The environment of the child: from a source tree, with this package importable."""
    env = dict(os.environ)
    if not getattr(sys, "frozen", False):
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def trial_load_argv(path: Path) -> list[str]:
    """The command line that runs the trial load of `path` in a child process."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "models", "trial-load", str(path)]
    return [sys.executable, "-m", "keyboard_app.models.trial_load", str(path)]


def run_in_this_process(path: Path) -> int:
    """The child's side: load as the app does, suggest once, print a result line; exit code."""
    from keyboard_app.engine.predictor import Predictor

    try:
        with Predictor.load(path, use_dictionary=False) as predictor:
            check_every_tensor(path)
            predictor.next_token_probabilities(PROBE_TEXT)  # ModelError if not numbers
            words = [s.word for s in predictor.suggest(PROBE_TEXT)]
    except ModelError as exc:
        print(exc, file=sys.stderr)  # noqa: T201 (the parent reads this)
        return 2
    print(_OK_MARKER + json.dumps({"suggestions": words}))  # noqa: T201 (the parent reads this)
    return 0


def check_every_tensor(path: Path) -> None:
    """ModelError if any tensor holds NaN or infinity (in quantized blocks, their scales too).

    llama.cpp's own check (`check_tensors`) reads every value; the probe sentence reaches only a
    few rows (not the positions past its length, nor the embeddings of words it does not contain).
    Its messages go only to its log, so the log is collected meanwhile to name the tensor."""
    messages: list[str] = []

    @llama_cpp.llama_log_callback  # type: ignore[untyped-decorator]
    def collect(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
        messages.append(text.decode("utf-8", "replace"))

    params = llama_cpp.llama_model_default_params()
    params.check_tensors = True
    params.n_gpu_layers = 0
    llama_cpp.llama_log_set(collect, ctypes.c_void_p(0))
    try:
        model = llama_cpp.llama_model_load_from_file(str(path).encode(), params)
    finally:
        llama_cpp.llama_log_set(python_log_callback, ctypes.c_void_p(0))  # llama-cpp-python's
    if model:
        llama_cpp.llama_model_free(model)
        return
    names = [match[1] for match in map(_INVALID_TENSOR.search, messages) if match]
    what = f"its tensor {names[0]}" if names else "its weights"
    raise ModelError(
        f"{what} holds values that are not numbers (NaN or infinity), "
        "so its predictions would not be either"
    )


def trial_load(path: Path, timeout_s: float = 120.0, cancel: threading.Event | None = None) -> None:
    """Raise ModelManagerError unless a child process loads and runs `path` cleanly; a child
    that takes longer than `timeout_s`, or is cancelled (OperationCancelled), is killed."""
    with subprocess.Popen(
        trial_load_argv(path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_child_env(),
    ) as child:
        stdout, stderr = _wait_for(child, path, timeout_s, cancel)
    result = subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)
    if result.returncode == 0 and _OK_MARKER in result.stdout:
        return
    if result.returncode < 0:
        raise ModelManagerError(
            f"llama.cpp crashed while loading {path.name} (signal {-result.returncode}); "
            "the file is corrupt or malicious and was not installed."
        )
    log.debug("trial load of %s failed: %s", path, result.stderr)
    detail = (result.stderr.strip().splitlines() or ["no message"])[-1]
    raise ModelManagerError(f"llama.cpp could not load {path.name}: {detail}")


def _wait_for(
    child: subprocess.Popen[str], path: Path, timeout_s: float, cancel: threading.Event | None
) -> tuple[str, str]:
    """The child's output once it has ended; killed when it takes too long or is cancelled."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return child.communicate(timeout=CANCEL_POLL_S)
        except subprocess.TimeoutExpired:
            cancelled = cancel is not None and cancel.is_set()
            if not cancelled and time.monotonic() < deadline:
                continue
        child.kill()
        child.communicate()
        check_cancel(cancel, f"Importing {path.name}")
        raise ModelManagerError(
            f"Loading {path.name} took more than {timeout_s:.0f} s; it was not installed."
        )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m keyboard_app.models.trial_load FILE.gguf", file=sys.stderr)  # noqa: T201
        return 2
    return run_in_this_process(Path(args[0]))


if __name__ == "__main__":
    sys.exit(main())
