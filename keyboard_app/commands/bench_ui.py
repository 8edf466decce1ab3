"""`keyboard-app bench ui`: typing into the real window; GUI stalls, keystroke-to-strip latency."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from keyboard_app.commands import real_number

if TYPE_CHECKING:
    from keyboard_app.ui.main_window import MainWindow


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """No top-level command; the benchmark is registered under `bench`."""


def register_bench(bench_subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = bench_subparsers.add_parser(
        "ui", help="type at 15 characters/s into the window; stalls and suggestion latency"
    )
    parser.add_argument(
        "--seconds", type=real_number(0, above=True), default=30.0, help="how long to type (30)"
    )
    parser.add_argument("--model", metavar="PATH", help="GGUF to use (default: built-in model)")
    parser.add_argument(
        "--document",
        metavar="FILE",
        type=Path,
        help="open FILE first and type at its end (default: an empty document)",
    )
    parser.add_argument(
        "--no-instant",
        action="store_true",
        help="no instant answers and no work ahead: only the model's answers (the earlier app)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON only (the default output)")
    parser.set_defaults(func=run)


def process_started_at() -> float:
    """`time.perf_counter()` at the moment this process started (Linux), else now."""
    now = time.perf_counter()
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        age = uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return now
    return now - max(age, 0.0)


def run(args: argparse.Namespace) -> int:
    launched_at = process_started_at()
    if importlib.util.find_spec("keyboard_app.bench.ui_typing") is None:
        # The desktop bundle leaves the developer tools out.
        print("keyboard-app bench ui: not part of this build", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="keyboard-app-bench-") as scratch:
        result = _measure(args, launched_at, Path(scratch))
    print(json.dumps(result, indent=2))
    return 0


def _measure(args: argparse.Namespace, launched_at: float, scratch: Path) -> dict[str, Any]:
    from keyboard_app import paths
    from keyboard_app.bench.random_model import write_stand_in_model
    from keyboard_app.bench.ui_typing import TypingBench
    from keyboard_app.settings import Settings, SettingsStore
    from keyboard_app.ui.app import create_app
    from keyboard_app.ui.main_window import MainWindow

    model = args.model or str(paths.builtin_model_path())
    stand_in = not args.model and not paths.builtin_model_path().is_file()
    app = create_app()
    # Default settings, a scratch recovery file and personal store: the user's own are left alone.
    window = MainWindow(
        Settings(),
        SettingsStore(scratch / "settings.json"),
        recovery_file=scratch / "recovery",
        personal_store=scratch / "personal.sqlite3",
    )
    window.show()
    if args.document is not None and not _open_at_end(window, args.document):
        window.shutdown()
        window.close()
        return {"error": f"cannot open {args.document}"}
    if stand_in:
        model = str(write_stand_in_model(scratch / "stand-in.gguf"))
    window.client.set_instant(not args.no_instant)
    bench = TypingBench(window, launched_at, args.seconds)
    window.load_model(model)
    results: list[dict[str, Any]] = []
    failures: list[str] = []

    def finished(result: dict[str, Any]) -> None:
        results.append(result)
        app.exit(0)

    def failed(message: str) -> None:
        failures.append(message)
        app.exit(0)

    bench.finished.connect(finished)
    window.client.load_failed.connect(failed)
    app.exec()
    window.editor.document().setModified(False)
    window.shutdown()
    window.close()
    if failures:
        return {"error": failures[0]}
    document = str(args.document) if args.document is not None else None
    return {
        **results[0],
        "stand_in_model": stand_in,
        "document": document,
        "instant": not args.no_instant,
    }


def _open_at_end(window: MainWindow, path: Path) -> bool:
    """Open `path` in the window as File > Open does, with the cursor at its end."""
    from PySide6.QtGui import QTextCursor

    if not window.documents.load(path):
        return False
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    return True
