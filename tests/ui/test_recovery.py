"""Never lose a word: autosave to a recovery file per running copy, the crash handler, the restore
offer (only of the files of copies that have ended; Esc asks again next time)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press
from keyboard_app.settings import Settings
from keyboard_app.ui import recovery
from keyboard_app.ui.crash import CrashHandler
from keyboard_app.ui.main_window import MainWindow
from keyboard_app.ui.recovery import AUTOSAVE_DELAY_MS, read_recovery, recovery_folder
from tests.ui.conftest import type_text
from tests.ui.slow_stream import ENDLESS, ENDLESS_DEFAULT, SlowStream

MakeWindow = Callable[..., MainWindow]

# A second copy of the app, as far as recovery goes: it takes its recovery file, writes its text
# there and runs until its input closes or it is killed.
OTHER_COPY = """
import json, sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from keyboard_app.ui.recovery import own_recovery_file
app = QCoreApplication([])
file = own_recovery_file(Path(sys.argv[1]))
file.path.write_text(json.dumps({"version": 1, "path": "", "text": sys.argv[2]}), "utf-8")
print(file.path, flush=True)
sys.stdin.read()
"""


def crash(window: MainWindow) -> CrashHandler:
    """Raise and report an uncaught exception the way sys.excepthook would."""
    handler = CrashHandler(window.autosaver.write_now, window)
    try:
        raise RuntimeError("simulated crash")
    except RuntimeError:
        kind, error, trace = sys.exc_info()
        assert kind is not None and error is not None
        handler.handle(kind, error, trace)
    return handler


def die(window: MainWindow) -> None:
    """The window's process ends without closing it: its lock goes, its recovery file stays."""
    window.autosaver.file.release()


def recovery_files() -> list[Path]:
    return sorted(recovery_folder().glob("*.json"))


def write_left_behind(text: str, name: str = "recovery-1-0.json") -> Path:
    path = recovery_folder() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, "path": "", "text": text}), "utf-8")
    return path


@pytest.fixture
def other_copy() -> Iterator[Callable[[str], tuple[subprocess.Popen[str], Path]]]:
    started: list[subprocess.Popen[str]] = []

    def start(text: str) -> tuple[subprocess.Popen[str], Path]:
        folder = recovery_folder()
        child = subprocess.Popen(
            [sys.executable, "-c", OTHER_COPY, str(folder), text],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
        started.append(child)
        assert child.stdout is not None
        return child, Path(child.stdout.readline().strip())

    yield start
    for child in started:
        child.kill()
        child.wait()


def test_autosave_after_a_pause(qtbot: QtBot, window: MainWindow) -> None:
    type_text(window, "draft one")
    with qtbot.waitSignal(window.autosaver.saved, timeout=5000):
        pass
    found = read_recovery(window.autosaver.path)
    assert found is not None and (found.text, found.path) == ("draft one", "")


def test_steady_typing_is_written_at_the_latest_after_the_longest_wait(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typing with never a pause as long as AUTOSAVE_DELAY_MS still reaches the recovery file,
    AUTOSAVE_MAX_DELAY_MS after the first change (10 s in the app; shortened here, the pause in
    the same proportion)."""
    assert recovery.AUTOSAVE_MAX_DELAY_MS <= 10_000
    monkeypatch.setattr(recovery, "AUTOSAVE_DELAY_MS", 1000)
    monkeypatch.setattr(recovery, "AUTOSAVE_MAX_DELAY_MS", 2500)
    window = make_window()
    saved: list[float] = []
    window.autosaver.saved.connect(lambda _path: saved.append(time.monotonic()))
    started = time.monotonic()
    words = [f"word{i} " for i in range(20)]
    for word in words:  # a word every 0.3 s, for 6 s
        type_text(window, word)
        qtbot.wait(300)
    assert saved, "nothing written while the typing went on"
    assert saved[0] - started < 2.5 + 1.0  # the longest wait, and some slack for a busy machine
    found = read_recovery(window.autosaver.path)
    assert found is not None and "".join(words).startswith(found.text) and found.text


def test_an_emptied_document_leaves_no_recovery_file(
    qtbot: QtBot, make_window: MakeWindow, window: MainWindow
) -> None:
    """Emptied (select all, delete), the document has nothing to offer back: its recovery file
    goes, and a new one is not written (it would be left for ever, as one holding no text)."""
    type_text(window, "a draft to throw away")
    with qtbot.waitSignal(window.autosaver.saved, timeout=5000):
        pass
    assert window.autosaver.path.exists()
    press(window.editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    press(window.editor, Qt.Key.Key_Delete)
    assert window.editor.text() == "" and window.documents.modified
    qtbot.waitUntil(lambda: not window.autosaver.path.exists(), timeout=AUTOSAVE_DELAY_MS + 3000)
    window.autosaver.flush()  # what the app does on a crash or a signal
    assert not window.autosaver.path.exists()
    die(window)
    again = make_window()
    again.offer_recovery()
    assert again.recovery.dialog is None
    assert recovery_files() == []


def test_undoing_back_to_the_saved_text_removes_the_recovery_file(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.editor.document().setModified(False)  # as if just saved
    type_text(window, "draft")
    with qtbot.waitSignal(window.autosaver.saved, timeout=5000):
        pass
    assert window.autosaver.path.exists()
    while window.editor.document().isModified():
        window.editor.undo()
    window.autosaver.flush()  # what the timer does after the pause
    assert not window.autosaver.path.exists()


def test_saving_removes_the_recovery_file(window: MainWindow, tmp_path: Path) -> None:
    type_text(window, "draft")
    window.autosaver.flush()
    assert window.autosaver.path.exists()
    assert window.documents.write(tmp_path / "draft.txt")
    assert not window.autosaver.path.exists()


def test_a_crash_after_saving_leaves_nothing_to_offer_back(
    window: MainWindow, tmp_path: Path
) -> None:
    """The saved text is in its file: a crash right after writes no recovery file, which the next
    start would offer as unsaved."""
    type_text(window, "saved words")
    assert window.documents.write(tmp_path / "saved.txt")
    handler = crash(window)
    assert not window.autosaver.path.exists()
    assert recovery_files() == []
    assert handler.dialog is not None and "no unsaved changes" in handler.dialog.text()
    handler.dialog.accept()


def test_crash_saves_text_and_says_where(qtbot: QtBot, window: MainWindow) -> None:
    type_text(window, "precious words")
    handler = crash(window)
    found = read_recovery(window.autosaver.path)
    assert found is not None and found.text == "precious words"
    assert handler.dialog is not None and handler.dialog.isVisible()
    assert "saved for recovery in" in handler.dialog.text()
    assert str(window.autosaver.path) in handler.dialog.text()
    assert "simulated crash" in handler.dialog.text()
    assert "RuntimeError" in handler.dialog.detailedText()
    handler.dialog.accept()


def test_crash_dialog_says_when_the_text_could_not_be_saved(
    qtbot: QtBot, window: MainWindow
) -> None:
    type_text(window, "words at risk")
    window.autosaver.path.mkdir(parents=True)  # a folder where the recovery file goes
    handler = crash(window)
    assert handler.dialog is not None
    assert "has been saved" not in handler.dialog.text()
    assert "could not be saved for recovery" in handler.dialog.text()
    handler.dialog.accept()
    window.autosaver.path.rmdir()


def test_crash_in_another_thread_reports_on_the_gui_thread(
    qtbot: QtBot, window: MainWindow
) -> None:
    type_text(window, "from a thread")
    handler = CrashHandler(window.autosaver.write_now, window)
    handler.install()
    try:
        thread = threading.Thread(target=lambda: 1 / 0)
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: handler.dialog is not None, timeout=5000)
    finally:
        handler.uninstall()
    assert handler.dialog is not None
    assert "ZeroDivisionError" in handler.dialog.text()
    found = read_recovery(window.autosaver.path)
    assert found is not None and found.text == "from a thread"
    handler.dialog.accept()


def test_restart_after_crash_offers_the_text(
    qtbot: QtBot, make_window: MakeWindow, window: MainWindow
) -> None:
    type_text(window, "Dear diary, today")
    dialog = crash(window).dialog
    assert dialog is not None
    dialog.accept()
    die(window)
    second = make_window()
    second.offer_recovery()
    box = second.recovery.dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "3 words" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    assert second.editor.text() == "Dear diary, today"
    assert second.documents.modified
    assert second.isWindowModified()
    # The text moved to the new copy's own recovery file; the old one is gone.
    assert recovery_files() == [second.autosaver.path]
    found = read_recovery(second.autosaver.path)
    assert found is not None and found.text == "Dear diary, today"


def test_two_copies_keep_two_recovery_files(make_window: MakeWindow) -> None:
    first, second = make_window(), make_window()
    type_text(first, "first copy")
    type_text(second, "second copy")
    first.autosaver.flush()
    second.autosaver.flush()
    assert sorted(recovery_files()) == sorted([first.autosaver.path, second.autosaver.path])
    for win, text in ((first, "first copy"), (second, "second copy")):
        found = read_recovery(win.autosaver.path)
        assert found is not None and found.text == text
    # A copy that starts now offers neither: both are running.
    third = make_window()
    third.offer_recovery()
    assert third.recovery.dialog is None
    assert len(recovery_files()) == 2


def test_a_live_copy_is_left_alone_and_offered_once_it_is_killed(
    make_window: MakeWindow, other_copy: Callable[[str], tuple[subprocess.Popen[str], Path]]
) -> None:
    child, path = other_copy("the other copy's draft")
    win = make_window()
    win.offer_recovery()
    assert win.recovery.dialog is None  # its process is alive
    assert path.exists()
    child.send_signal(signal.SIGKILL)
    child.wait()
    again = make_window()
    again.offer_recovery()
    box = again.recovery.dialog
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Yes).click()
    assert again.editor.text() == "the other copy's draft"
    assert not path.exists()


def test_escape_asks_again_next_time(qtbot: QtBot, make_window: MakeWindow) -> None:
    path = write_left_behind("keep me")
    win = make_window()
    win.offer_recovery()
    box = win.recovery.dialog
    assert isinstance(box, QMessageBox)
    press(box, Qt.Key.Key_Escape)
    assert win.recovery.dialog is None
    assert path.exists()
    assert win.editor.text() == ""
    again = make_window()
    again.offer_recovery()
    assert isinstance(again.recovery.dialog, QMessageBox)
    assert path.exists()


def test_closing_the_question_asks_again_next_time(make_window: MakeWindow) -> None:
    path = write_left_behind("keep me too")
    win = make_window()
    win.offer_recovery()
    assert isinstance(win.recovery.dialog, QMessageBox)
    win.recovery.dialog.reject()
    assert path.exists()


def test_discard_deletes_the_file_and_offers_the_next(make_window: MakeWindow) -> None:
    older = write_left_behind("older text", "recovery-1-a.json")
    os.utime(older, (1, 1))
    newer = write_left_behind("newer text", "recovery-2-b.json")
    win = make_window()
    win.offer_recovery()
    box = win.recovery.dialog
    assert isinstance(box, QMessageBox) and "2 words" in box.text()
    box.button(QMessageBox.StandardButton.Discard).click()
    assert not newer.exists() and older.exists()
    box = win.recovery.dialog
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Yes).click()
    assert win.editor.text() == "older text"
    assert not older.exists()


def test_clean_close_removes_the_recovery_file(qtbot: QtBot, make_window: MakeWindow) -> None:
    win = make_window()
    type_text(win, "temporary")
    win.autosaver.flush()
    assert win.autosaver.path.exists()
    win.close()  # asks first: the text is unsaved
    prompt = win.documents.prompt
    assert prompt is not None and prompt.isVisible()
    prompt.button(QMessageBox.StandardButton.Discard).click()
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=5000)
    assert list(recovery_folder().iterdir()) == []  # no recovery file, no lock


@pytest.mark.parametrize(
    "content", [b"{garbage", b"[" * 5000, b"\xff\xfe", b'{"text": 3}', b'{"text": ""}']
)
def test_unusable_recovery_file_is_ignored(make_window: MakeWindow, content: bytes) -> None:
    path = write_left_behind("")
    path.write_bytes(content)
    win = make_window()
    win.offer_recovery()
    assert win.recovery.dialog is None
    assert path.exists()  # left for a person to look at


def test_a_folder_or_a_pipe_in_the_recovery_folder_is_ignored(make_window: MakeWindow) -> None:
    folder = recovery_folder()
    (folder / "recovery-1-folder.json").mkdir(parents=True)
    os.mkfifo(folder / "recovery-2-pipe.json")
    win = make_window()
    win.offer_recovery()  # would block reading the pipe
    assert win.recovery.dialog is None


def test_the_restored_text_keeps_the_file_format(
    make_window: MakeWindow, window: MainWindow, tmp_path: Path
) -> None:
    original = tmp_path / "windows.txt"
    original.write_bytes(b"\xef\xbb\xbfline one\r\nline two\r\n")
    assert window.documents.load(original)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    type_text(window, "!")
    window.autosaver.flush()
    die(window)
    second = make_window()
    second.offer_recovery()
    assert isinstance(second.recovery.dialog, QMessageBox)
    second.recovery.dialog.button(QMessageBox.StandardButton.Yes).click()
    assert second.documents.path == original
    assert second.documents.save()
    assert original.read_bytes() == b"\xef\xbb\xbfline one\r\nline two\r\n!"


def test_a_restored_text_is_not_saved_over_a_file_changed_since_without_asking(
    make_window: MakeWindow, window: MainWindow, tmp_path: Path
) -> None:
    original = tmp_path / "notes.txt"
    original.write_text("mine", "utf-8")
    assert window.documents.load(original)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    type_text(window, "!")
    window.autosaver.flush()
    die(window)
    original.write_text("changed by a sync after the crash", "utf-8")
    second = make_window()
    second.offer_recovery()
    assert isinstance(second.recovery.dialog, QMessageBox)
    second.recovery.dialog.button(QMessageBox.StandardButton.Yes).click()
    assert not second.documents.save()
    (question,) = [b for b in second.findChildren(QMessageBox) if b.isVisible()]
    assert "changed by another program" in question.text()
    question.button(QMessageBox.StandardButton.Cancel).click()
    assert original.read_text("utf-8") == "changed by a sync after the crash"


def test_a_streaming_preview_does_not_put_off_the_recovery_file(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    """Ghost text is no change of the text: a continuation streaming for longer than the pause
    (one piece every 100 ms, as from a large model on a CPU) does not keep the text typed before
    it from being written for recovery."""
    settings = Settings(n_threads=1, continuation_tokens=400, inline_predictions=False)
    window = make_window(settings, bigram_model(ENDLESS, ENDLESS_DEFAULT))
    stream = SlowStream(window, 100)
    type_text(window, "Important unsaved words")
    press(window.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(window.autosaver.saved, timeout=AUTOSAVE_DELAY_MS + 1500):
        pass
    assert stream.items  # still streaming
    found = read_recovery(window.autosaver.path)
    assert found is not None and found.text == "Important unsaved words"
    press(window.editor, Qt.Key.Key_Escape)
