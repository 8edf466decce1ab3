"""Load a GGUF in llama.cpp in a child process, so a file that crashes it cannot take the app down.

The child is `python -m keyboard_app.models.trial_load FILE` from a source checkout, or the hidden
`keyboard-app models trial-load FILE` sub-command of a frozen app (`sys.executable` is the app).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.gguf_validate import validate_gguf
from keyboard_app.models.errors import ModelManagerError

log = logging.getLogger(__name__)

TRIAL_TOKENS = [464, 2068, 7586, 21831]  # "The quick brown fox"
_OK_MARKER = "trial-load-ok "


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
    """The child's side: validate, load, evaluate a few tokens, print a result line; exit code."""
    try:
        validate_gguf(path)
    except ModelError as exc:
        print(exc, file=sys.stderr)  # noqa: T201 (the parent reads this)
        return 2
    import llama_cpp

    try:
        llm = llama_cpp.Llama(model_path=str(path), n_ctx=64, n_threads=1, verbose=False)
    except ValueError as exc:  # llama-cpp-python's "Failed to load model from file"
        print(exc, file=sys.stderr)  # noqa: T201 (the parent reads this)
        return 3
    try:
        llm.eval(TRIAL_TOKENS)
        top = int(llm.scores[len(TRIAL_TOKENS) - 1].argmax())
    finally:
        llm.close()
    print(_OK_MARKER + json.dumps({"top_token": top}))  # noqa: T201 (the parent reads this)
    return 0


def trial_load(path: Path, timeout_s: float = 120.0) -> None:
    """Raise ModelManagerError unless a child process loads and runs `path` cleanly."""
    argv = trial_load_argv(path)
    try:
        result = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout_s, check=False, env=_child_env()
        )
    except subprocess.TimeoutExpired as exc:
        raise ModelManagerError(
            f"Loading {path.name} took more than {timeout_s:.0f} s; it was not installed."
        ) from exc
    if result.returncode == 0 and _OK_MARKER in result.stdout:
        return
    detail = (result.stderr.strip().splitlines() or ["no message"])[-1]
    if result.returncode < 0:
        raise ModelManagerError(
            f"llama.cpp crashed while loading {path.name} (signal {-result.returncode}); "
            "the file is corrupt or malicious and was not installed."
        )
    log.debug("trial load of %s failed: %s", path, result.stderr)
    raise ModelManagerError(f"llama.cpp could not load {path.name}: {detail}")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m keyboard_app.models.trial_load FILE.gguf", file=sys.stderr)  # noqa: T201
        return 2
    return run_in_this_process(Path(args[0]))


if __name__ == "__main__":
    sys.exit(main())
