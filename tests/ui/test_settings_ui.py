"""Settings through the dialog survive a restart; a corrupt file gives defaults; settings that cannot
be written are told once, and Quit still ends the app."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import fields, replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QFontInfo
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press, type_char
from keyboard_app.engine.lexicon import load_lexicon
from keyboard_app.engine.sources.corrections import corrector_of
from keyboard_app.paths import lexicon_path
from keyboard_app.settings import Settings, SettingsStore
from keyboard_app.ui.dialogs.settings_dialog import SettingsDialog
from keyboard_app.ui.main_window import MainWindow
from keyboard_app.ui.theme import writing_font

from .conftest import ui_settings

MakeWindow = Callable[..., MainWindow]


def test_settings_survive_a_restart(qtbot: QtBot, make_window: MakeWindow) -> None:
    win = make_window()
    win.show_settings_dialog()
    dialog = win.dialog
    assert isinstance(dialog, SettingsDialog)
    dialog.top_k.setValue(12)
    dialog.temperature.setValue(0.6)
    dialog.count.setValue(5)
    dialog.gpu_mode.setCurrentIndex(1)  # off
    dialog.filter.setChecked(False)
    dialog.font_size.setValue(16)
    dialog.accept()
    assert len(win.strip.buttons) == 5
    assert win.editor.font().pointSize() == 16
    win.set_explorer_visible(True)
    win.resize(700, 450)
    win.shutdown()

    again = make_window()
    assert (again.width(), again.height()) == (700, 450)  # the size it was left at
    s = again.settings
    assert (s.top_k, s.temperature, s.suggestion_count) == (12, 0.6, 5)
    assert s.gpu_layers == 0
    assert s.filter_offensive is False
    assert s.explorer_visible is True
    assert again.explorer.isVisible()
    assert len(again.strip.buttons) == 5
    assert again.menu_actions.take[4].isEnabled() and not again.menu_actions.take[5].isEnabled()


def test_a_window_opens_within_the_screen_whatever_the_size_saved(
    make_window: MakeWindow,
) -> None:
    """A size saved on a larger screen (or the default on a small or scaled one) was larger
    than the screen: the strip and the status bar were off it."""
    win = make_window(replace(ui_settings(), window_width=16000, window_height=9000))
    room = win.screen().availableGeometry()
    assert win.width() <= room.width() and win.height() <= room.height()


def test_a_window_left_maximised_opens_maximised_and_restores_its_size(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    win = make_window(replace(ui_settings(), window_width=700, window_height=450))
    win.showMaximized()
    qtbot.waitUntil(win.isMaximized)
    win.shutdown()
    saved = SettingsStore().load()
    assert saved.window_maximised
    assert (saved.window_width, saved.window_height) == (700, 450)  # the size un-maximised

    again = make_window()
    again.show_as_left()
    qtbot.waitUntil(again.isMaximized)
    again.showNormal()
    qtbot.waitUntil(lambda: not again.isMaximized())
    assert (again.width(), again.height()) == (700, 450)


def test_corrupt_settings_file_gives_defaults(make_window: MakeWindow) -> None:
    store = SettingsStore()
    store.path.write_text('{"version": 1, "top_k": "many", "font_size": 14', "utf-8")
    win = make_window()
    assert win.settings == Settings()
    assert len(win.strip.buttons) == 3


def test_dialog_round_trips_every_field(qtbot: QtBot) -> None:
    # An installed font (not an alias such as "Serif", which stands for another family).
    family = next(
        name for name in QFontDatabase.families() if QFontInfo(QFont(name)).family() == name
    )
    # Every field away from its default, so that a field the dialog resets is caught.
    original = Settings(
        top_k=5,
        temperature=0.35,
        top_p=0.5,
        continuation_tokens=80,
        suggestion_count=5,
        n_threads=1,
        gpu_layers=7,
        filter_offensive=False,
        font_family=family,
        font_size=17,
        explorer_visible=True,
        learning_enabled=False,
        learning_paused=True,
        inline_predictions=False,
        inline_threshold=0.7,
        autocorrect=not Settings().autocorrect,
        window_width=900,
        window_height=600,
        window_maximised=True,
        recent_files=["/a.txt"],
        server_url="http://127.0.0.1:8080",
        server_api_key="key",
    )
    dialog = SettingsDialog(original)
    qtbot.addWidget(dialog)
    result = dialog.result_settings()
    defaults = Settings()
    for spec in fields(Settings):
        assert getattr(original, spec.name) != getattr(defaults, spec.name), spec.name
        assert getattr(result, spec.name) == getattr(original, spec.name), spec.name
    dialog.gpu_mode.setCurrentIndex(0)
    assert dialog.result_settings().gpu_layers is None
    assert not dialog.gpu_layers.isEnabled()


def test_no_label_shows_an_ampersand(qtbot: QtBot) -> None:
    """A label's `&` marks its mnemonic only when the label has a buddy; otherwise it is shown."""
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    labels = [label for label in dialog.findChildren(QLabel) if label.isVisible()]
    assert len(labels) >= 9
    for label in labels:
        shown = label.text() if label.buddy() is None else label.text().replace("&", "", 1)
        assert "&" not in shown.replace("&&", ""), label.text()
    gpu = next(label for label in labels if "GPU" in label.text())
    assert gpu.buddy() is dialog.gpu_mode


def test_new_threads_reload_the_model_and_the_filter_changes_in_place(
    qtbot: QtBot, make_window: MakeWindow, model_path: Path
) -> None:
    win = make_window(Settings(n_threads=1), model_path)
    with qtbot.waitSignal(win.client.loaded, timeout=30_000) as loaded:
        win.apply_settings(Settings(n_threads=2))
    assert loaded.args[0].path == model_path and loaded.args[0].n_threads == 2
    with (
        qtbot.assertNotEmitted(win.client.loaded, wait=500),
        qtbot.waitSignal(win.suggestions.refined, timeout=10_000),  # the strip asked again
    ):
        win.apply_settings(Settings(n_threads=2, filter_offensive=False))
    predictor = win.client._worker._predictor
    assert predictor is not None and not predictor.filter_offensive


def test_unwritable_settings_are_told_once_and_the_app_carries_on(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    SettingsStore().path.mkdir(parents=True)  # a folder where the settings file goes
    win = make_window()
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("one", "utf-8")
    second.write_text("two", "utf-8")
    assert win.documents.load(first)
    notices = [b for b in win.findChildren(QMessageBox) if b.isVisible()]
    assert len(notices) == 1
    assert "settings cannot be saved" in notices[0].text()
    assert str(SettingsStore().path) in notices[0].text()
    notices[0].accept()
    assert win.documents.load(second)  # a second failure: the status bar only
    assert not [b for b in win.findChildren(QMessageBox) if b.isVisible()]
    assert "settings cannot be saved" in win.status.currentMessage()
    assert win.editor.text() == "two"
    assert [a.toolTip() for a in win.menu_actions.recent.actions()] == [str(second), str(first)]
    win.close()
    assert not win.isVisible()


QUIT_AFTER_START = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from keyboard_app.ui import app as ui_app
from keyboard_app.ui.main_window import MainWindow
from keyboard_app.ui.theme import writing_font

application = ui_app.create_app()

def quit_when_loaded():
    window = next(w for w in application.topLevelWidgets() if isinstance(w, MainWindow))
    if window.client.model_info is None:
        QTimer.singleShot(100, quit_when_loaded)
        return
    quit_action = next(a for a in window.actions() if a.text() == "&Quit")
    quit_action.trigger()

QTimer.singleShot(100, quit_when_loaded)
print("exit code", ui_app.run(sys.argv[1], [Path(sys.argv[2])]))
"""


def test_quit_ends_the_process_when_the_settings_cannot_be_written(
    tmp_path: Path, model_path: Path
) -> None:
    config = tmp_path / "config"
    (config / "settings.json").mkdir(parents=True)
    document = tmp_path / "note.txt"
    document.write_text("hello", "utf-8")
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "KEYBOARD_APP_CONFIG_DIR": str(config),
        "KEYBOARD_APP_DATA_DIR": str(tmp_path / "data"),
    }
    result = subprocess.run(
        [sys.executable, "-c", QUIT_AFTER_START, str(model_path), str(document)],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "exit code 0"
    assert "Traceback" not in result.stderr
    assert "cannot save the settings" in result.stderr


def test_ok_without_changes_keeps_the_default_writing_font(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings())  # no family chosen: the default writing font
    qtbot.addWidget(dialog)
    assert dialog.font_family.currentFont().family() == writing_font("", 12).family()
    assert dialog.result_settings().font_family == ""  # stays the default, not saved by name
    other = next(
        name
        for name in QFontDatabase.families()
        if QFontInfo(QFont(name)).family() == name and name != writing_font("", 12).family()
    )
    dialog.font_family.setCurrentFont(QFont(other))
    assert dialog.result_settings().font_family == other


def test_server_address_is_saved_after_the_preferences_were_changed(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    win = make_window()
    win.apply_settings(replace(win.settings, font_size=15))  # what OK in Preferences does
    with qtbot.waitSignal(win.client.server_failed, timeout=20_000):
        win.server.connect_to("http://127.0.0.1:9", "")  # nothing listens there
    for box in win.findChildren(QMessageBox):
        box.close()
    assert win.settings.server_url == "http://127.0.0.1:9"
    assert SettingsStore().load().server_url == "http://127.0.0.1:9"


@pytest.fixture
def correction_index() -> None:
    """The corrector's index is built on a thread of its own; until then nothing is corrected."""
    corrector_of(load_lexicon(lexicon_path())).wait_ready()


@pytest.mark.usefixtures("correction_index")
def test_turning_autocorrect_off_unframes_the_strip_before_the_next_space(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    """The frame is what a space acts on: it must go with the setting, not with the next words."""
    win = make_window(ui_settings(), bigram_model({" have": {" the": 9.0}}, {".": 5.0}))
    for char in "I have teh":
        type_char(win.editor, char)
    qtbot.waitUntil(lambda: win.strip.autocorrect == "the", timeout=10_000)
    press(win.editor, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = win.dialog
    assert isinstance(dialog, SettingsDialog) and dialog.autocorrect.isChecked()
    dialog.autocorrect.setFocus()
    press(dialog.autocorrect, Qt.Key.Key_Space, text=" ")
    press(dialog, Qt.Key.Key_Return)
    assert not win.settings.autocorrect
    assert win.strip.autocorrect == ""
    assert all(b.property("autocorrect") == "false" for b in win.strip.buttons)
    assert not any("put in by a space" in b.accessibleName() for b in win.strip.buttons)
    type_char(win.editor, " ")
    assert win.editor.text() == "I have teh "
