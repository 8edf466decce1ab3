"""What a screen reader is told (through QAccessible, as assistive technology asks): the status
bar's labels and the Three Ways On texts say what they show, and the learning toggle's checked
state is true of what its name says."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press, type_char
from keyboard_app.ui.main_window import MainWindow


def told(widget: QWidget) -> str:
    """The name a screen reader reads for `widget`."""
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    return interface.text(QAccessible.Text.Name)


def test_status_labels_say_what_they_show(qtbot: QtBot, window: MainWindow) -> None:
    for char in "The old ":
        type_char(window.editor, char)
    qtbot.waitUntil(lambda: window.status.latency_label.text().endswith("ms"), timeout=10_000)
    status = window.status
    for label, what in (
        (status.model_label, "Model"),
        (status.device_label, "Device"),
        (status.latency_label, "Suggestion latency"),
    ):
        assert label.text() and told(label) == f"{what}: {label.text()}"
    assert "stand-in" in told(status.model_label)


def test_three_ways_on_texts_are_read_with_their_words(qtbot: QtBot, window: MainWindow) -> None:
    window.editor.setPlainText("The door opened and")
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    press(window.editor, Qt.Key.Key_Return, ctrl_shift)
    texts = window.alternatives.texts
    qtbot.waitUntil(lambda: all(text.text() for text in texts), timeout=20_000)
    for index, text in enumerate(texts):
        assert told(text).startswith(f"Alternative {index + 1}: ")
        assert text.text().strip()[:5] in told(text)


def test_the_learning_toggle_is_checked_only_when_what_it_names_is_true(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Checked while paused, so it is named for pausing ("Learning, checked" was read while
    nothing was learned); its description says the state shown."""
    toggle = window.status.learning
    interface = QAccessible.queryAccessibleInterface(toggle)
    assert interface is not None
    assert told(toggle) == "Pause learning" and not interface.state().checked
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert window.settings.learning_paused
    assert told(toggle) == "Pause learning" and interface.state().checked
    assert interface.text(QAccessible.Text.Description).startswith("Learning paused.")
