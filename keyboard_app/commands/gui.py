"""`keyboard-app gui [FILE...]`: the desktop editor (also what runs without a sub-command, so that
`keyboard-app FILE...`, the desktop file's `Exec=keyboard-app %F`, opens files too)."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from keyboard_app.commands import given


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("gui", help="open the editor (the default)")
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        type=Path,
        help="text files to open: the first in the editor, the others in Open Recent",
    )
    parser.add_argument(
        "--model",
        type=given,
        metavar="MODEL",
        help="a GGUF file or an installed model's name to load instead of the default",
    )
    parser.add_argument(
        "--demo-text", metavar="TEXT", help="type TEXT into the editor (with --screenshot)"
    )
    parser.add_argument(
        "--screenshot",
        metavar="PATH",
        type=Path,
        help="after typing --demo-text and showing suggestions, save the window as PNG and exit",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.screenshot is not None:
        if importlib.util.find_spec("keyboard_app.bench.demo") is None:
            # The desktop bundle leaves the developer tools out.
            print("keyboard-app gui: --screenshot is not part of this build", file=sys.stderr)
            return 2
        from keyboard_app.bench.demo import run_demo

        code, error = run_demo(args.demo_text or "", args.screenshot, args.model, args.files)
        if code == 0:
            print(f"screenshot saved to {args.screenshot}")
        else:
            print(f"keyboard-app gui: {error}", file=sys.stderr)
        return code
    if args.demo_text:
        print("keyboard-app gui: --demo-text needs --screenshot", file=sys.stderr)
        return 2
    from keyboard_app.ui.app import run as run_app

    return run_app(args.model, args.files)
