"""'Three ways on': alternative continuations streamed side by side; the user picks one."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

STYLE = """
#alternatives { background: palette(window); border-top: 1px solid palette(mid); }
#alternatives QLabel#alternativeText {
    background: palette(base); border: 1px solid palette(mid); border-radius: 6px; padding: 8px;
}
"""


class AlternativesPanel(QWidget):
    """N columns of streamed text, each with a 'Use' button (Ctrl+1, Ctrl+2, ...)."""

    # Alternative `index` was chosen.
    chosen = Signal(int)
    # The panel was closed without choosing (Close button or Esc).
    dismissed = Signal()

    def __init__(self, count: int = 3, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alternatives")
        self.setAccessibleName("Alternative continuations")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 8, 12, 8)
        header = QHBoxLayout()
        header.addWidget(QLabel("Three ways on: pick a continuation", self), 1)
        close = QPushButton("Close", self)
        close.setAccessibleName("Close alternatives")
        close.clicked.connect(self.dismissed)
        header.addWidget(close)
        outer.addLayout(header)
        columns = QHBoxLayout()
        outer.addLayout(columns)
        self.texts: list[QLabel] = []
        self.buttons: list[QPushButton] = []
        for index in range(count):
            columns.addLayout(self._column(index))
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.dismissed)

    def _column(self, index: int) -> QVBoxLayout:
        column = QVBoxLayout()
        text = QLabel(self)
        text.setObjectName("alternativeText")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        text.setMinimumHeight(90)
        text.setFrameShape(QFrame.Shape.NoFrame)
        button = _UseButton(f"Use {index + 1}", self)
        button.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
        button.setToolTip(f"Ctrl+{index + 1}")
        button.setAccessibleName(f"Use alternative {index + 1}")
        button.clicked.connect(lambda _checked=False, i=index: self.chosen.emit(i))
        column.addWidget(text, 1)
        column.addWidget(button)
        self.texts.append(text)
        self.buttons.append(button)
        self._set_text(index, "")
        return column

    def reset(self) -> None:
        for index in range(len(self.texts)):
            self._set_text(index, "")

    def append(self, index: int, piece: str) -> None:
        if 0 <= index < len(self.texts):
            self._set_text(index, self.texts[index].text() + piece)

    def _set_text(self, index: int, text: str) -> None:
        """A label's accessible name is all a screen reader says of it: it carries the text."""
        label = self.texts[index]
        label.setText(text)
        name = f"Alternative {index + 1}"
        label.setAccessibleName(f"{name}: {text}" if text else f"{name}, empty")

    def text(self, index: int) -> str:
        return self.texts[index].text()


class _UseButton(QPushButton):
    """A Use button whose shortcut clicks it at once. Qt's clicks it 100 ms later (to show it
    pressed): a key typed meanwhile, the user going on writing, changed the text the
    alternatives were for, and the choice was refused."""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Shortcut:
            self.click()
            return True
        return super().event(event)
