"""Each dialog's mnemonics (Alt+letter) are unique, the standard buttons' included as GNOME's and
KDE's themes label them: there OK, Cancel, Close and Apply are "&OK", "&Cancel", "&Close" and
"&Apply", where Qt's default theme gives them no mnemonic at all. So a clash showed only on those
desktops: Alt+C moved between "&Continuation length:" and "&Cancel" in the settings, and between
"&Cancel" (the download) and "&Close" in the models."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QWidget,
)
from pytestqt.qtbot import QtBot

from keyboard_app.settings import Settings
from keyboard_app.ui.dialogs.connect_server import ConnectServerDialog
from keyboard_app.ui.dialogs.model_dialog import ModelDialog
from keyboard_app.ui.dialogs.personal_dialog import PersonalDialog
from keyboard_app.ui.dialogs.settings_dialog import SettingsDialog

Standard = QDialogButtonBox.StandardButton
# A standard button's label: Qt's default theme's, and GNOME's and KDE's themes'.
DEFAULT_LABELS = {Standard.Ok: "OK", Standard.Cancel: "Cancel", Standard.Close: "Close"}
THEMED_LABELS = {
    Standard.Ok: "&OK",
    Standard.Cancel: "&Cancel",
    Standard.Close: "&Close",
    Standard.Apply: "&Apply",
}
# Their keys: the dialogs' own mnemonics keep off them, whichever standard buttons they have.
THEMED_KEYS = {QKeySequence.mnemonic(label).toString() for label in THEMED_LABELS.values()}


def _themed(button: QAbstractButton) -> str | None:
    """The label GNOME and KDE give `button`, if it is a standard button the dialog left as
    it is (a button given a text of its own keeps that)."""
    box = button.parent()
    if not isinstance(box, QDialogButtonBox):
        return None
    standard = box.standardButton(button)
    if button.text() != DEFAULT_LABELS.get(standard):
        return None
    return THEMED_LABELS.get(standard)


def _label(widget: QWidget) -> tuple[str, bool]:
    """What `widget` shows that may hold a mnemonic, and whether it is the dialog's own text."""
    if isinstance(widget, QAbstractButton):
        themed = _themed(widget)
        return (widget.text(), True) if themed is None else (themed, False)
    if isinstance(widget, QGroupBox):
        return widget.title(), True
    if isinstance(widget, QLabel) and widget.buddy() is not None:  # else the `&` is shown
        return widget.text(), True
    return "", False


def mnemonics(dialog: QDialog) -> tuple[list[str], list[str]]:
    """The dialog's own mnemonics, and those the standard buttons take under GNOME or KDE."""
    own: list[str] = []
    themed: list[str] = []
    for widget in dialog.findChildren(QWidget):
        text, is_own = _label(widget)
        key = QKeySequence.mnemonic(text).toString()
        if key:
            (own if is_own else themed).append(key)
    return own, themed


def assert_unique(dialog: QDialog, least: int) -> None:
    own, themed = mnemonics(dialog)
    clashes = [key for key, times in Counter(own + themed).items() if times > 1]
    assert not clashes and len(own) >= least, (own, themed)


def test_the_settings_mnemonics_clash_with_no_standard_button(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    assert_unique(dialog, least=10)
    own, _themed = mnemonics(dialog)
    assert not THEMED_KEYS & set(own), own


def test_the_models_mnemonics_clash_with_no_standard_button(qtbot: QtBot) -> None:
    dialog = ModelDialog()
    qtbot.addWidget(dialog)
    assert_unique(dialog, least=8)
    own, _themed = mnemonics(dialog)
    assert not THEMED_KEYS & set(own), own


def test_the_learned_words_mnemonics_are_unique(qtbot: QtBot, tmp_path: Path) -> None:
    """The search field and Close have one too: Tab could not leave the list."""
    dialog = PersonalDialog(tmp_path / "personal.sqlite3")
    qtbot.addWidget(dialog)
    assert_unique(dialog, least=6)
    own, _themed = mnemonics(dialog)
    assert {"Alt+S", "Alt+C"} <= set(own)
    dialog.wait_for_store()


def test_the_connect_mnemonics_clash_with_no_standard_button(qtbot: QtBot) -> None:
    dialog = ConnectServerDialog("http://127.0.0.1:1", "")
    qtbot.addWidget(dialog)
    assert_unique(dialog, least=4)
