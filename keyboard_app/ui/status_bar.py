"""Status bar: the model (name, size, quantization), its device, a busy indicator, the latency,
and whether the keyboard is learning (a toggle that pauses it).

A label's accessible name is all a screen reader says of it, so each names what it shows and its
content ("Model: gpt2 · 124 MB · Q8_0"). The busy indicator is a permanent widget: a normal one
shown while a message is up is drawn over the message.

In a narrow window the model and the device are shortened with "…" (whole in their tooltips), so
that the latency and the learning toggle stay whole and the bar never keeps the window wide."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton, QWidget

from keyboard_app.files import human_size

if TYPE_CHECKING:
    from keyboard_app.engine.predictor import ModelInfo
    from keyboard_app.ui.server_link import ServerStatus


# What the status bar says while no model answers.
NO_MODEL = "No model: choose one in Model > Models…"

# What the learning toggle says in each state (see `StatusBar.show_learning`).
LEARNING_TEXT = {
    "on": "Learning",
    "paused": "Learning paused",
    "off": "Learning off",
    "stopped": "Learning stopped",
}
LEARNING_TIP = {
    "on": "The keyboard learns your words as you finish them. Click to pause.",
    "paused": "Nothing is learned while paused. Click to go on learning.",
    "off": "Learning is turned off in Settings > Preferences.",
    "stopped": "Learning stopped: the personal store could not be written.",
}
# The characters an elided label keeps at the least, before its "…".
MIN_SHOWN_CHARS = 3


class InfoLabel(QLabel):
    """A label whose accessible name says what it shows and what it says now. An `elided` one
    may be narrower than its text: it shows as much as fits, then "…", and its tooltip gives the
    text whole (`text()` is always the whole text)."""

    def __init__(
        self, what: str, text: str, parent: QWidget | None = None, elided: bool = False
    ) -> None:
        super().__init__(parent)
        self.what = what
        self.elided = elided
        self.setTextFormat(Qt.TextFormat.PlainText)  # a model's name is shown as it is
        self.show_text(text)

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.setAccessibleName(f"{self.what}: {text}" if text else self.what)
        if self.elided:
            self.setToolTip(text)

    def shown_text(self) -> str:
        """What the label shows at its width now."""
        if not self.elided:
            return self.text()
        width = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, width)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        if self.elided:
            least = self.fontMetrics().horizontalAdvance(self.text()[:MIN_SHOWN_CHARS] + "…")
            hint.setWidth(min(hint.width(), least + self.margin() * 2))
        return hint

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.elided:
            super().paintEvent(event)
            return
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            self.contentsRect(),
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            self.shown_text(),
            self.foregroundRole(),
        )


class StatusBar(QStatusBar):
    # The learning toggle was clicked (True: pause learning).
    pause_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Status")
        self.model_label = InfoLabel("Model", "No model", self, elided=True)
        self.device_label = InfoLabel("Device", "", self, elided=True)
        self.latency_label = InfoLabel("Suggestion latency", "", self)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setAccessibleName("Working")
        self.busy.hide()
        self.learning = QToolButton(self)
        self.learning.setAutoRaise(True)
        self.learning.setCheckable(True)
        self.learning.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the cursor stays in the text
        # Checked while paused, as Tools > Pause Learning: named for what checking it does, so
        # that "checked" is true (named "Learning", it was read "Learning, checked" while paused).
        self.learning.setAccessibleName("Pause learning")
        self.learning.clicked.connect(self.pause_toggled)
        self.show_learning("on")
        self.addWidget(self.model_label)
        self.addPermanentWidget(self.busy)
        self.addPermanentWidget(self.learning)
        self.addPermanentWidget(self.device_label)
        self.addPermanentWidget(self.latency_label)

    def show_loading(self, path: str) -> None:
        self.model_label.show_text(f"Loading {path} …")
        self.busy.show()

    def show_model(self, info: ModelInfo) -> None:
        """The model's name, size and quantization, and its device."""
        size = human_size(info.size_bytes)
        self.model_label.show_text(f"{info.name} · {size} · {info.quantization}")
        self.device_label.show_text(info.device)
        self.busy.hide()

    def show_server(self, status: ServerStatus) -> None:
        """A llama-server in use: its model, its address and the round trip of a request."""
        self.model_label.show_text(f"{status.model} · on server")
        self.device_label.show_text(f"{status.url} · {status.round_trip_ms:.0f} ms round trip")
        self.busy.hide()

    def show_no_model(self, message: str) -> None:
        self.model_label.show_text(message)
        self.busy.hide()

    def show_latency(self, milliseconds: float) -> None:
        self.latency_label.show_text(f"{milliseconds:.0f} ms")

    def show_learning(self, state: str) -> None:
        """ "on", "paused", "off" (the setting) or "stopped" (the store cannot be written); the
        toggle is checked while paused and only clickable when on or paused."""
        self.learning.setText(LEARNING_TEXT[state])
        self.learning.setToolTip(LEARNING_TIP[state])
        self.learning.setAccessibleDescription(f"{LEARNING_TEXT[state]}. {LEARNING_TIP[state]}")
        self.learning.setChecked(state == "paused")
        self.learning.setEnabled(state in ("on", "paused"))
