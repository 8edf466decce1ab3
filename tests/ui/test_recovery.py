"""Never lose a word: autosave to a recovery file, the crash handler, the restore offer."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import type_char
from keyboard_app.ui.crash import CrashHandler
from keyboard_app.ui.main_window import MainWindow
from keyboard_app.ui.recovery import read_recovery, recovery_path

MakeWindow = Callable[..., MainWindow]


def type_text(window: MainWindow, text: str) -> None:
    for char in text:
        type_char(window.editor, char)


def crash(window: MainWindow) -> CrashHandler:
    """Raise and report an uncaught exception the way sys.excepthook would."""
    handler = CrashHandler(window.autosaver.flush, window)
    try:
        raise RuntimeError("simulated crash")
    except RuntimeError:
        kind, error, trace = sys.exc_info()
        assert kind is not None and error is not None
        handler.handle(kind, error, trace)
    return handler


def test_autosave_after_a_pause(qtbot: QtBot, window: MainWindow) -> None:
    type_text(window, "draft one")
    with qtbot.waitSignal(window.autosaver.saved, timeout=5000):
        pass
    assert read_recovery(recovery_path()) == ("draft one", "")


def test_crash_saves_text_and_shows_a_dialog(qtbot: QtBot, window: MainWindow) -> None:
    type_text(window, "precious words")
    handler = crash(window)
    assert read_recovery(recovery_path()) == ("precious words", "")
    assert handler.dialog is not None and handler.dialog.isVisible()
    assert "simulated crash" in handler.dialog.text()
    assert "RuntimeError" in handler.dialog.detailedText()
    handler.dialog.accept()


def test_crash_in_another_thread_reports_on_the_gui_thread(
    qtbot: QtBot, window: MainWindow
) -> None:
    type_text(window, "from a thread")
    handler = CrashHandler(window.autosaver.flush, window)
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
    assert read_recovery(recovery_path()) == ("from a thread", "")
    handler.dialog.accept()


def test_restart_after_crash_offers_the_text(
    qtbot: QtBot, make_window: MakeWindow, window: MainWindow
) -> None:
    type_text(window, "Dear diary, today")
    dialog = crash(window).dialog
    assert dialog is not None
    dialog.accept()
    # The process dies here; the next start finds the recovery file.
    second = make_window()
    second.offer_recovery()
    box = second.dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "3 words" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    assert second.editor.toPlainText() == "Dear diary, today"
    assert second.documents.modified
    assert second.isWindowModified()


def test_declining_recovery_deletes_the_file(make_window: MakeWindow) -> None:
    path = recovery_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, "path": "", "text": "old"}), "utf-8")
    win = make_window()
    win.offer_recovery()
    assert isinstance(win.dialog, QMessageBox)
    win.dialog.button(QMessageBox.StandardButton.No).click()
    assert not path.exists()
    assert win.editor.toPlainText() == ""


def test_clean_close_removes_the_recovery_file(qtbot: QtBot, make_window: MakeWindow) -> None:
    win = make_window()
    type_text(win, "temporary")
    win.autosaver.flush()
    assert recovery_path().exists()
    win.close()  # asks first: the text is unsaved
    prompt = win.documents.prompt
    assert prompt is not None and prompt.isVisible()
    prompt.button(QMessageBox.StandardButton.Discard).click()
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=5000)
    assert not recovery_path().exists()


def test_unreadable_recovery_file_is_ignored(make_window: MakeWindow) -> None:
    path = recovery_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{garbage", "utf-8")
    win = make_window()
    win.offer_recovery()
    assert win.dialog is None
