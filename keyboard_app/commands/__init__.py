"""Sub-commands of `keyboard-app`, one module per area.

Each module defines `register(subparsers)` and may define `register_bench(bench_subparsers)` for its
`keyboard-app bench ...` entries; parsers set `func`, a handler taking the parsed arguments and
returning the exit status. Modules are imported lazily by the CLI, so `keyboard-app suggest` never
imports Qt.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable

from keyboard_app.engine.numbers import MAX_THREADS

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


def whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` (to `high`), else a message saying so."""
    wanted = f"from {low} to {high}" if high is not None else f"of at least {low}"

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = low - 1
        if number < low or (high is not None and number > high):
            raise argparse.ArgumentTypeError(f"expected a whole number {wanted}, not {value!r}")
        return number

    return parse


def real_number(
    low: float, *, above: bool = False, high: float | None = None
) -> Callable[[str], float]:
    """An argparse type: a finite number at least `low` (above it with `above`; at most `high`)."""
    wanted = f"above {low:g}" if above else f"of at least {low:g}"
    if high is not None:
        wanted += f" and at most {high:g}"

    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        too_low = number <= low if above else number < low
        if not math.isfinite(number) or too_low or (high is not None and number > high):
            raise argparse.ArgumentTypeError(f"expected a number {wanted}, not {value!r}")
        return number

    return parse


# How many CPU threads llama.cpp may use (None, the default: the engine's choice).
thread_count = whole_number(1, MAX_THREADS)
