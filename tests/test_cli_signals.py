"""Ctrl+C (SIGINT) ends `keyboard-app` quietly with status 130, in a command and in the app; in the
app, SIGTERM (a logout) and SIGHUP (the terminal closed) keep the unsaved text for recovery first,
then close it as Quit does (exit status 128 + the signal's number)."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from keyboard_app.ui.recovery import read_recovery

INTERRUPTED = 130
# The app, started as `keyboard-app gui --model MODEL` starts it, with text typed (key events)
# once its window is up; it prints where its recovery file goes. The recovery file is written
# only on a signal: the pauses after which it would be written otherwise are made a minute.
APP_WITH_TEXT = """
import sys
from PySide6.QtCore import QTimer
from keyboard_app.bench.key_typing import type_char
from keyboard_app.ui import app as ui_app, recovery
from keyboard_app.ui.main_window import MainWindow

recovery.AUTOSAVE_DELAY_MS = recovery.AUTOSAVE_MAX_DELAY_MS = 60_000
application = ui_app.create_app()

def type_text():
    window = next(w for w in application.topLevelWidgets() if isinstance(w, MainWindow))
    for char in sys.argv[2]:
        type_char(window.editor, char)
    print(window.autosaver.path, flush=True)

QTimer.singleShot(0, type_text)
sys.exit(ui_app.run(sys.argv[1]))
"""


def start(
    *args: str, tmp_path: Path, program: tuple[str, ...] = ("-m", "keyboard_app.cli")
) -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "KEYBOARD_APP_CONFIG_DIR": str(tmp_path / "config"),
        "KEYBOARD_APP_DATA_DIR": str(tmp_path / "data"),
    }
    return subprocess.Popen(
        [sys.executable, *program, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        preexec_fn=_default_signals,
    )


def _default_signals() -> None:
    """The child's signals as a terminal's program has them: a test run under `nohup` or in the
    background would otherwise pass on SIGHUP or SIGINT ignored, which the app keeps ignored."""
    for number in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)


def wait_for(stream: object, needle: str) -> str:
    """Lines of `stream` up to the first holding `needle` (all of them if it never comes)."""
    seen = ""
    for line in iter(stream.readline, ""):  # type: ignore[attr-defined]
        seen += line
        if needle in line:
            break
    return seen


def interrupt(
    process: subprocess.Popen[str], number: signal.Signals = signal.SIGINT
) -> tuple[int, str]:
    process.send_signal(number)
    try:
        _out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"still running a minute after {number.name}")
    return process.returncode, err


@pytest.mark.parametrize(
    ("number", "status", "unwanted"),
    [
        (signal.SIGINT, INTERRUPTED, "KeyboardInterrupt"),
        (signal.SIGTERM, 128 + signal.SIGTERM, "Terminated"),
    ],
    ids=["ctrl-c", "sigterm"],
)
def test_a_signal_while_continuing_exits_with_its_status_without_a_traceback(
    random_model: Path, tmp_path: Path, number: signal.Signals, status: int, unwanted: str
) -> None:
    process = start(
        "continue",
        "Hello",
        "--tokens",
        "4096",
        "--top-k",
        "1",  # greedy: this model never ends early (sampled, it may draw <|endoftext|>)
        "--threads",
        "1",
        "--model",
        str(random_model),
        tmp_path=tmp_path,
    )
    assert process.stdout is not None
    assert process.stdout.read(len("Hello")) == "Hello"  # streaming has begun
    code, err = interrupt(process, number)
    assert code == status
    assert "Traceback" not in err and unwanted not in err


def test_sigterm_during_a_write_leaves_no_file_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python's default for SIGTERM ends the process at once: the unfinished file written to a
    hidden temporary name stayed (a model conversion's, gigabytes). It is deleted now."""
    from keyboard_app import cli, files
    from keyboard_app.personal import PersonalStore, learn_text

    store = tmp_path / "store.sqlite3"
    with PersonalStore.open(store) as opened:
        learn_text(opened, "Kind regards from Ljubljana")
    flush = files._fsync_file

    def terminated_before_the_rename(path: Path) -> None:
        flush(path)
        # Without a handler of the command's, the signal would end the tests' own process.
        assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler raises in here

    monkeypatch.setattr(files, "_fsync_file", terminated_before_the_rename)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(SystemExit) as exit_:
        cli.main(["personal", "export", str(out / "words.json"), "--store", str(store)])
    assert exit_.value.code == 128 + signal.SIGTERM
    assert list(out.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # as before the command


def test_ctrl_c_in_the_app_closes_it_like_quit(random_model: Path, tmp_path: Path) -> None:
    process = start("-v", "gui", "--model", str(random_model), tmp_path=tmp_path)
    seen = wait_for(process.stderr, "loading model")
    assert "loading model" in seen, seen
    code, err = interrupt(process)
    assert code == INTERRUPTED, seen + err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_a_logout_or_a_closed_terminal_closes_the_app_like_quit(
    random_model: Path, tmp_path: Path, number: signal.Signals
) -> None:
    process = start("-v", "gui", "--model", str(random_model), tmp_path=tmp_path)
    seen = wait_for(process.stderr, "loading model")
    assert "loading model" in seen, seen
    code, err = interrupt(process, number)
    assert code == 128 + number, seen + err
    assert "Traceback" not in err


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_a_logout_or_a_closed_terminal_keeps_the_unsaved_text_for_recovery(
    random_model: Path, tmp_path: Path, number: signal.Signals
) -> None:
    """The signal writes the recovery file at once, then asks about the unsaved changes as Quit
    does; the process killed while the question waits (the session ends), the text is offered
    at the next start."""
    process = start(
        str(random_model), "Words typed just now", tmp_path=tmp_path, program=("-c", APP_WITH_TEXT)
    )
    assert process.stdout is not None
    recovery_file = Path(process.stdout.readline().strip())
    assert recovery_file.name.startswith("recovery-"), recovery_file
    assert not recovery_file.exists()
    try:
        process.send_signal(number)
        deadline = time.monotonic() + 30
        while read_recovery(recovery_file) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        found = read_recovery(recovery_file)
        assert found is not None and found.text == "Words typed just now"
        time.sleep(1)
        assert process.poll() is None  # the question about the unsaved changes waits
    finally:
        process.kill()
        process.communicate()
    assert read_recovery(recovery_file) == found


def test_a_ctrl_c_that_a_callback_from_c_swallowed_is_raised_again() -> None:
    """llama.cpp calls its log callback, Python code, from C: a KeyboardInterrupt raised there is
    only reported by ctypes, and the command would go on to its end."""
    from keyboard_app import cli

    @ctypes.CFUNCTYPE(None)
    def callback() -> None:
        raise KeyboardInterrupt

    cli._REINTERRUPTER.start()  # as `main` does
    previous = sys.unraisablehook
    sys.unraisablehook = cli._interrupt_again_if_swallowed
    try:
        with pytest.raises(KeyboardInterrupt):
            callback()  # returns to us: the interrupt was swallowed there
            time.sleep(10)  # interrupted again meanwhile
    finally:
        sys.unraisablehook = previous


def test_a_swallowed_ctrl_c_is_raised_again_when_starting_a_thread_is_slow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a busy machine, the hook that started a timer thread for the new interrupt was still
    waiting for the thread when the interrupt came: raised in the hook, it was lost too, and a
    quantization interrupted went on to write its file. A thread's start is made slow here."""
    from keyboard_app import cli

    cli._REINTERRUPTER.start()  # as `main` does, before any callback
    started = threading.Thread.start

    def slow_start(thread: threading.Thread) -> None:
        started(thread)
        time.sleep(0.2)  # the caller is scheduled again late

    monkeypatch.setattr(threading.Thread, "start", slow_start)

    @ctypes.CFUNCTYPE(None)
    def callback() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sys, "unraisablehook", cli._interrupt_again_if_swallowed)
    with pytest.raises(KeyboardInterrupt):
        callback()
        time.sleep(3)


def test_a_sigterm_that_a_callback_from_c_swallowed_is_raised_again() -> None:
    from keyboard_app import cli

    @ctypes.CFUNCTYPE(None)
    def callback() -> None:
        raise cli.Terminated

    cli._REINTERRUPTER.start()
    previous = sys.unraisablehook
    sys.unraisablehook = cli._interrupt_again_if_swallowed
    try:
        with cli._terminated_by_exception(), pytest.raises(cli.Terminated):
            callback()  # swallowed there
            time.sleep(10)  # signalled again meanwhile
    finally:
        sys.unraisablehook = previous


def test_numpys_modules_imported_on_first_use_are_imported_with_the_engine() -> None:
    """numpy imports them on a continuation's first token otherwise, and a Ctrl+C landing in that
    import was lost (the Ctrl+C while continuing test failed about once in 18 runs on a busy
    machine)."""
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, keyboard_app.engine.backend\n"
            "print(sorted(m for m in ('numpy.random', 'numpy.ctypeslib') if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout == "['numpy.ctypeslib', 'numpy.random']\n"
