"""Sub-commands of `keyboard-app`, one module per area.

Each module defines `register(subparsers)` and may define `register_bench(bench_subparsers)` for its
`keyboard-app bench ...` entries; parsers set `func`, a handler taking the parsed arguments and
returning the exit status. Modules are imported lazily by the CLI, so `keyboard-app suggest` never
imports Qt.
"""

from __future__ import annotations

import argparse
import functools
import logging
import math
import sys
from collections.abc import Callable
from pathlib import Path

from keyboard_app.engine.numbers import MAX_THREADS
from keyboard_app.files import NotUtf8, UnusableFile, decode_utf8, human_size, read_regular_file
from keyboard_app.paths import corpora_dir

Action = Callable[[argparse.Namespace], int]
logger = logging.getLogger(__name__)


class CommandError(Exception):
    """A command cannot go on; the message is written for a person (see `for_people`)."""


def for_people(action: Action) -> Action:
    """Print errors meant for a person (`ModelError` and its kin, `CommandError`, and a file that
    cannot be read or written) as one line and exit 1, and Ctrl+C as "cancelled" with 130, instead
    of a traceback; `--verbose` logs the traceback too, for a report."""

    def run(args: argparse.Namespace) -> int:
        from keyboard_app.engine.errors import ModelError

        try:
            return int(action(args))
        except (ModelError, CommandError) as error:
            logger.debug("the command failed", exc_info=True)
            print(f"error: {error}", file=sys.stderr)
            return 1
        except BrokenPipeError:
            raise  # a reader that stopped reading: the CLI ends quietly (cli.main)
        except OSError as error:
            logger.debug("the command failed", exc_info=True)
            print(f"error: {_described(error)}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("\ncancelled", file=sys.stderr)
            return 130

    return run


def _described(error: OSError) -> str:
    """`PATH: No such file or directory`, as other command-line tools say it."""
    if error.filename is not None and error.strerror:
        return f"{error.filename}: {error.strerror}"
    return str(error)


# The largest text file a command reads (a document to learn from, a text to type): far above any
# written by hand, and a bound on what a wrong path costs.
MAX_TEXT_FILE_BYTES = 256 * 2**20


# A file argument that means standard input, as for other command-line tools.
STANDARD_INPUT = Path("-")


def file_or_dash(value: str) -> Path:
    """An argparse type: a file, or `-` for standard input (or output). A file named `-` is
    still reachable as `./-` (which `Path` would make `-`)."""
    path = Path(value)
    return path if value == "-" or path != STANDARD_INPUT else Path.cwd() / path


def input_name(path: Path) -> str:
    """How a message names a file the command reads."""
    return "standard input" if path == STANDARD_INPUT else str(path)


def read_input_bytes(path: Path) -> bytes:
    """The bytes of a file the command reads: standard input for `-`, else a regular file
    (`files.read_regular_file`: a named pipe or a device is refused before it can block), at most
    MAX_TEXT_FILE_BYTES either way (UnusableFile beyond). The OSErrors of reading pass through."""
    if path != STANDARD_INPUT:
        return read_regular_file(path, MAX_TEXT_FILE_BYTES)
    return _standard_input()


@functools.cache
def _standard_input() -> bytes:
    """Standard input's bytes, read once: `-` given twice is the same text both times."""
    if sys.stdin is None:  # closed, or a program started without one
        raise UnusableFile("there is none")
    data = sys.stdin.buffer.read(MAX_TEXT_FILE_BYTES + 1)
    if len(data) > MAX_TEXT_FILE_BYTES:
        raise UnusableFile(f"it is larger than {human_size(MAX_TEXT_FILE_BYTES)}")
    return data


def read_input(path: Path) -> str:
    """The UTF-8 text of a file the command reads (`read_input_bytes`: `-` is standard input);
    `CommandError` saying why not."""
    name = input_name(path)
    try:
        raw = read_input_bytes(path)
    except UnusableFile as error:
        raise CommandError(f"cannot read {name}: {error}") from None
    except OSError as error:
        raise CommandError(f"cannot read {name}: {error.strerror or error}") from None
    try:
        return decode_utf8(raw)
    except NotUtf8 as error:
        raise CommandError(f"{name} is not UTF-8 text ({error})") from None


def builtin_corpus(instead: str) -> Path:
    """The shipped corpora's folder, which a packaged app leaves out: there, `CommandError`
    saying to give `instead`."""
    folder = corpora_dir()
    if not folder.is_dir():
        raise CommandError(f"this copy of keyboard-app has no corpora ({folder}); give {instead}")
    return folder


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


def output_file(value: str) -> Path:
    """An argparse type: a file to write, not `-` (these commands write files that are no text
    for a terminal or a pipe: a model, a split to keep)."""
    if value == "-":
        raise argparse.ArgumentTypeError(
            "give a file name: this writes a file, not standard output"
        )
    return Path(value)


def given(value: str) -> str:
    """An argparse type: text that is not empty (an empty `--server ""` or `--model ""`, from a
    variable left unset, would quietly mean the default)."""
    if not value.strip():
        raise argparse.ArgumentTypeError("expected a value, not an empty one")
    return value


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
