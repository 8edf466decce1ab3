"""Settings through the dialog survive a restart; a corrupt file gives defaults."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from keyboard_app.settings import Settings, SettingsStore
from keyboard_app.ui.dialogs.settings_dialog import SettingsDialog
from keyboard_app.ui.main_window import MainWindow

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
    win.shutdown()

    again = make_window()
    s = again.settings
    assert (s.top_k, s.temperature, s.suggestion_count) == (12, 0.6, 5)
    assert s.gpu_layers == 0
    assert s.filter_offensive is False
    assert s.explorer_visible is True
    assert again.explorer.isVisible()
    assert len(again.strip.buttons) == 5
    assert again.menu_actions.take[4].isEnabled() and not again.menu_actions.take[5].isEnabled()


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
        recent_files=["/a.txt"],
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


def test_model_options_change_reloads_the_model(
    qtbot: QtBot, make_window: MakeWindow, model_path: Path
) -> None:
    win = make_window(Settings(n_threads=1), model_path)
    with qtbot.waitSignal(win.client.loaded, timeout=30_000) as loaded:
        win.apply_settings(Settings(n_threads=1, filter_offensive=False))
    assert loaded.args[0].path == model_path
