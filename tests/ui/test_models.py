"""Switching models keeps the editor responsive; a bad model file is explained in a dialog."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press, type_char
from keyboard_app.models import store
from keyboard_app.ui.continuation import NO_MODEL
from keyboard_app.ui.dialogs import model_dialog
from keyboard_app.ui.main_window import MainWindow
from tests.model_factory import write_poisoned_model

from .test_dialog_mnemonics import assert_unique


def test_model_switch_keeps_editor_responsive(
    qtbot: QtBot, window: MainWindow, second_model_path: Path
) -> None:
    # How long the GUI thread stalls while a model loads is measured by `keyboard-app bench ui`
    # (gui_longest_stall_loading_ms), not bounded here: timings on a shared machine vary.
    with qtbot.waitSignal(window.client.loaded, timeout=30_000) as loaded:
        window.use_model_file(str(second_model_path))
        assert window.status.busy.isVisibleTo(window.status)
        for char in "typing on":
            type_char(window.editor, char)
            qtbot.wait(10)
    assert window.editor.toPlainText() == "typing on"
    assert loaded.args[0].path == second_model_path
    assert not window.status.busy.isVisibleTo(window.status)
    qtbot.waitUntil(lambda: window.strip.context == "typing on", timeout=10_000)
    assert store.default_model_path() == second_model_path  # the next start's model


def test_invalid_model_file_shows_why(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a gguf file at all")
    with qtbot.waitSignal(window.client.load_failed, timeout=10_000) as failed:
        window.use_model_file(str(broken))
    box = window.models.message
    assert isinstance(box, QMessageBox)
    assert box.isVisible()
    assert failed.args[0] in box.text()
    box.accept()
    # The working model stays in use.
    assert window.client.model_info is not None
    assert "stand-in" in window.status.model_label.text()


def test_a_model_whose_weights_are_not_numbers_is_refused_and_the_working_one_stays(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """Open Model File on a GGUF with NaN weights (valid in every count and shape): refused when
    it loads, not loaded to fail at every keystroke and be the next start's model."""
    damaged = write_poisoned_model(tmp_path / "damaged.gguf", float("nan"))
    with qtbot.waitSignal(window.client.load_failed, timeout=30_000) as failed:
        window.use_model_file(str(damaged))
    assert "not numbers" in failed.args[0]
    box = window.models.message
    assert isinstance(box, QMessageBox)
    box.accept()
    assert window.client.model_info is not None
    assert "stand-in" in window.status.model_label.text()
    assert store.default_model_path() is None


def test_no_model_says_so(make_window: Callable[..., MainWindow]) -> None:
    win = make_window()
    win.continuation.start()
    assert win.status.currentMessage() == NO_MODEL
    assert not win.editor.preview_active
    assert win.client.model_info is None


def test_model_dialog_imports_and_switches(
    qtbot: QtBot, window: MainWindow, second_model_path: Path
) -> None:
    window.show_model_dialog()
    dialog = window.model_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.catalog.count() >= 4  # GPT-2 small, medium, large, XL
    assert dialog.quant.count() > 0
    assert not dialog.progress.isTextVisible()  # no "0%" while nothing is under way
    with qtbot.waitSignal(dialog.runner.finished, timeout=60_000):
        dialog.start_import(second_model_path)
        assert dialog.progress.isTextVisible()
    assert "Installed other" in dialog.status.text()
    assert not dialog.progress.isTextVisible()
    names = [dialog.installed.item(i).text() for i in range(dialog.installed.count())]
    assert any(name.startswith("other") for name in names), names
    row = next(i for i, name in enumerate(names) if name.startswith("other"))
    dialog.installed.setCurrentRow(row)
    with qtbot.waitSignal(window.client.loaded, timeout=30_000) as loaded:
        dialog.use_selected()
    assert loaded.args[0].path == store.store_dir() / "other.gguf"
    assert store.default_model_name() == "other"
    assert store.default_model_path() == store.store_dir() / "other.gguf"
    dialog.close()


def test_the_busy_bar_leaves_the_status_message_readable(
    qtbot: QtBot, window: MainWindow, second_model_path: Path
) -> None:
    """A message shown just before a load (here: pausing learning) is not drawn over."""
    status = window.status
    qtbot.mouseClick(status.learning, Qt.MouseButton.LeftButton)
    message = status.currentMessage()
    assert message == "Learning paused."
    with qtbot.waitSignal(window.client.loaded, timeout=30_000):
        window.use_model_file(str(second_model_path))
        assert status.busy.isVisible() and status.currentMessage() == message
        text = QRect(0, 0, status.fontMetrics().horizontalAdvance(message) + 16, status.height())
        assert not status.busy.geometry().intersects(text)


def test_model_dialog_opens_wide_enough_for_its_choices(qtbot: QtBot, window: MainWindow) -> None:
    """The combos showed "548 MB downlc": the download size and speed were cut off."""
    press(window.editor, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    dialog = window.model_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    for combo in (dialog.catalog, dialog.quant):
        assert combo.width() >= combo.sizeHint().width(), combo.accessibleName()
    dialog.close()


def test_every_model_dialog_mnemonic_is_unique_and_alt_p_imports(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "&Installed models" and "&Import GGUF file…" shared Alt+I, which never imported; the
    download's "&Cancel" and the standard "&Close" shared Alt+C under GNOME and KDE."""
    asked: list[str] = []

    def choose(_parent: object, title: str, *_args: object) -> tuple[str, str]:
        asked.append(title)
        return "", ""

    monkeypatch.setattr(model_dialog.QFileDialog, "getOpenFileName", staticmethod(choose))
    QTest.keyClick(window.editor, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    dialog = window.model_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert_unique(dialog, least=8)
    QTest.keyClick(dialog.installed, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: asked == ["Import GGUF file"])  # a mnemonic clicks animated
    dialog.close()


def test_model_dialog_reports_a_failed_import(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + bytes(60))
    window.show_model_dialog()
    dialog = window.model_dialog
    assert dialog is not None
    with qtbot.waitSignal(dialog.runner.failed, timeout=30_000) as failed:
        dialog.start_import(broken)
    qtbot.waitUntil(lambda: not dialog.runner.running, timeout=10_000)
    assert dialog.status.text() == failed.args[0]
    notices = [box for box in dialog.findChildren(QMessageBox) if box.isVisible()]
    assert notices and failed.args[0] in notices[0].text()
    notices[0].accept()
    assert dialog.download_button.isEnabled()
    dialog.close()


def test_background_task_can_be_cancelled(qtbot: QtBot) -> None:
    from keyboard_app.models.progress import check_cancel
    from keyboard_app.ui.tasks import TaskRunner

    def task(report: object, cancel: threading.Event) -> None:
        report("download", 1.0, 10.0)  # type: ignore[operator]
        cancel.wait(10)
        check_cancel(cancel, "The download")

    runner = TaskRunner()
    with qtbot.waitSignal(runner.progress, timeout=5000) as progress:
        runner.start(task)
    assert progress.args == ["download", 1.0, 10.0]
    with qtbot.waitSignal(runner.cancelled, timeout=5000) as cancelled:
        runner.cancel()
    assert cancelled.args == ["The download was cancelled."]
    qtbot.waitUntil(lambda: not runner.running, timeout=5000)


def test_cancel_stops_an_import_and_installs_nothing(
    qtbot: QtBot, window: MainWindow, second_model_path: Path
) -> None:
    window.show_model_dialog()
    dialog = window.model_dialog
    assert dialog is not None
    with qtbot.waitSignal(dialog.runner.progress, timeout=10_000) as progress:
        dialog.start_import(second_model_path)  # first: the trial load, a second or more
    assert progress.args[0] == f"loading {second_model_path.name} once to check it"
    assert dialog.cancel_button.isEnabled()
    with qtbot.waitSignal(dialog.runner.cancelled, timeout=10_000) as cancelled:
        dialog.cancel_button.click()
    assert cancelled.args == [f"Importing {second_model_path.name} was cancelled."]
    qtbot.waitUntil(lambda: not dialog.runner.running, timeout=10_000)
    assert store.installed_models() == []
    assert dialog.status.text() == cancelled.args[0]
    dialog.close()


def test_asking_again_for_the_open_dialog_gives_it_the_keyboard(
    qtbot: QtBot, window: MainWindow
) -> None:
    """It was raised but not activated: what the user typed for it went into the document."""
    window.show_model_dialog()
    dialog = window.model_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    window.activateWindow()
    window.editor.setFocus()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.show_model_dialog()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    dialog.close()
