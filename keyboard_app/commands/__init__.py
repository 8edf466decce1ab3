"""Sub-commands of `keyboard-app`, one module per area.

Each module defines `register(subparsers)` and may define `register_bench(bench_subparsers)` for its
`keyboard-app bench ...` entries; parsers set `func`, a handler taking the parsed arguments and
returning the exit status. Modules are imported lazily by the CLI, so `keyboard-app suggest` never
imports Qt.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

Action = Callable[[argparse.Namespace], int]


def for_people(action: Action) -> Action:
    """Print errors meant for a person (`ModelError` and its kin) as one line and exit 1, and
    Ctrl+C as "cancelled" with 130, instead of a traceback."""

    def run(args: argparse.Namespace) -> int:
        from keyboard_app.engine.errors import ModelError

        try:
            return int(action(args))
        except ModelError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("\ncancelled", file=sys.stderr)
            return 130

    return run
