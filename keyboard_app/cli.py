"""The `keyboard-app` command: `gui` (the default), suggest, explore, continue, models, train, bench."""

from __future__ import annotations

import _thread
import argparse
import contextlib
import difflib
import importlib
import logging
import os
import pkgutil
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence

from keyboard_app import __version__, commands
from keyboard_app.engine.llama_log import show_llama_cpp_log

INTERRUPT_AGAIN_S = 0.01  # after a Ctrl+C a C callback swallowed


def _command_modules() -> list[str]:
    return sorted(info.name for info in pkgutil.iter_modules(commands.__path__))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keyboard-app",
        description="A local predictive keyboard: GPT-2 on llama.cpp.",
        epilog="--self-test in the place of COMMAND is the self-test command (for a packaged "
        "app): keyboard-app [-v] --self-test [--model FILE]",
    )
    parser.add_argument("--version", action="version", version=f"keyboard-app {__version__}")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log progress, the app's debugging details and llama.cpp's log",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    bench = subparsers.add_parser("bench", help="benchmarks that print JSON")
    bench_subparsers = bench.add_subparsers(dest="bench", metavar="BENCHMARK", required=True)
    for name in _command_modules():
        module = importlib.import_module(f"{commands.__name__}.{name}")
        if hasattr(module, "register"):
            module.register(subparsers)
        if hasattr(module, "register_bench"):
            module.register_bench(bench_subparsers)
    return parser


def _with_command(args_list: list[str], commands: set[str]) -> list[str]:
    """The command where it goes: `self-test` for the flag `--self-test` (the packaged app's
    check), and `gui` when none is named: `keyboard-app`, `keyboard-app FILE...` (what the
    desktop file runs), `keyboard-app -v --model PATH`."""
    index = next((i for i, arg in enumerate(args_list) if arg not in _GLOBAL_FLAGS), None)
    if index is None:
        return [*args_list, "gui"]
    if args_list[index] == "--self-test":
        return [*args_list[:index], "self-test", *args_list[index + 1 :]]
    if args_list[index] in commands:
        return args_list
    return [*args_list[:index], "gui", *args_list[index:]]


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    return {
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; Ctrl+C ends it quietly with the shell's status for it (130), SIGTERM
    likewise (143, `Terminated`), and so does a reader that stops reading (`| head`: 141, as for
    SIGPIPE)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    garbled = next((a for a in arguments if not _is_utf8(a)), None)
    if garbled is not None:
        shown = os.fsencode(garbled).decode("ascii", "backslashreplace")  # the bytes given
        print(f"keyboard-app: the argument {shown} is not UTF-8 text", file=sys.stderr)
        return 2
    _REINTERRUPTER.start()
    sys.unraisablehook = _interrupt_again_if_swallowed
    try:
        with _terminated_by_exception():
            return _run(arguments)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Python would complain again when it flushes stdout at exit: point it at nothing.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


class Terminated(SystemExit):
    """SIGTERM (a logout, `kill`, a service manager): the command ends as Ctrl+C ends it, through
    its cleanup (the unfinished files written to temporary names deleted), with the shell's
    status for it, 143. Without this, Python ends at once and leaves them."""

    def __init__(self) -> None:
        super().__init__(128 + signal.SIGTERM)


def _terminate(_number: int, _frame: object) -> None:
    raise Terminated


@contextlib.contextmanager
def _terminated_by_exception() -> Iterator[None]:
    """SIGTERM raises Terminated for the block, unless it is ignored (as under `nohup ... &`
    some are) or handled already, or this is not the main thread (which alone may set a
    handler); the default is put back after (a test calling `main`)."""
    main_thread = threading.current_thread() is threading.main_thread()
    if not main_thread or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _interrupt_again_if_swallowed(unraisable: sys.UnraisableHookArgs) -> None:
    """Ctrl+C (or SIGTERM) that arrives while llama.cpp calls back into Python (its log
    callback, called from C during a decode or a quantization) is raised in the callback, where
    ctypes can only report it and go on: the command would run to its end. Signal the main thread
    again a moment later, in Python code that can stop (again and again if it lands in a
    callback again)."""
    kind = unraisable.exc_type
    if kind is not None and issubclass(kind, KeyboardInterrupt):
        _REINTERRUPTER.request(signal.SIGINT)
    elif kind is not None and issubclass(kind, Terminated):
        _REINTERRUPTER.request(signal.SIGTERM)
    else:
        sys.__unraisablehook__(unraisable)


class _Reinterrupter:
    """Signals the main thread INTERRUPT_AGAIN_S after each request, from a thread of its own
    started once. The request is all the hook does: a signal landing in the hook itself (the
    one before it again, or another Ctrl+C) cannot lose it there, as it did when the hook started
    a timer thread, which takes long enough on a busy machine."""

    def __init__(self) -> None:
        self._due = threading.Event()
        self._number = signal.SIGINT
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            threading.Thread(target=self._run, name="interrupt-again", daemon=True).start()

    def request(self, number: signal.Signals) -> None:
        while True:  # setting it again is harmless; a signal before it is set is not
            try:
                self._number = number
                self._due.set()
                return
            except KeyboardInterrupt:
                continue
            except Terminated:
                number = signal.SIGTERM
                continue

    def _run(self) -> None:
        while True:
            self._due.wait()
            time.sleep(INTERRUPT_AGAIN_S)
            self._due.clear()
            _thread.interrupt_main(self._number)


_REINTERRUPTER = _Reinterrupter()


def _is_utf8(argument: str) -> bool:
    """Bytes that are not UTF-8 reach Python as lone surrogates (PEP 383)."""
    try:
        argument.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _mistyped_command(args_list: list[str], commands: set[str]) -> tuple[str, str] | None:
    """The first argument and the command meant, when that argument is no command and no file but
    close to a command's name (`sugest`): opening it as a new document would hide the typo. A
    name with a dot or a folder in it is a file's (`personal.txt`), never a command's."""
    first = next((arg for arg in args_list if arg not in _GLOBAL_FLAGS), None)
    if first is None or first in commands or first.startswith("-") or os.path.lexists(first):
        return None
    if "." in first or os.sep in first or (os.altsep is not None and os.altsep in first):
        return None
    close = difflib.get_close_matches(first, sorted(commands), n=1, cutoff=0.75)
    return (first, close[0]) if close else None


def _run(args_list: list[str]) -> int:
    parser = build_parser()
    commands = _command_names(parser)
    mistyped = _mistyped_command(args_list, commands)
    if mistyped is not None:
        parser.error("there is no command {!r}; did you mean {!r}?".format(*mistyped))
    args = parser.parse_args(_with_command(args_list, commands))
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s: %(message)s",
    )
    if args.verbose:  # the app's own debugging details, not those of every library it uses
        logging.getLogger("keyboard_app").setLevel(logging.DEBUG)
    show_llama_cpp_log(args.verbose)
    return int(args.func(args))


_GLOBAL_FLAGS = ("-h", "--help", "--version", "-v", "--verbose")


def gui_main() -> None:
    """Entry point of the desktop launcher (no console)."""
    sys.exit(main(["gui", *sys.argv[1:]]))


if __name__ == "__main__":
    sys.exit(main())
