"""The GPT-2 explorer: the likeliest next tokens with probability bars; clicking one inserts it.

Walking the model's choices token by token shows what the model "thinks" comes next. Two kinds of
row are shown but cannot be clicked: `<|endoftext|>` (the model's guess that the text ends here;
inserting it would put the markup in the text) and a token that is only part of a character of
several bytes (CJK, emoji; shown as its bytes, `\xe6\x9c`), which no text can hold on its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFocusEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractButton, QLabel, QVBoxLayout, QWidget

from keyboard_app.engine.tokenizer import END_OF_TEXT_ID
from keyboard_app.engine.window import heals_trailing_space
from keyboard_app.ui.text_ops import display_token, whole_characters

if TYPE_CHECKING:
    from keyboard_app.engine.predictor import TokenChoice

ROWS = 10
MINIMUM_WIDTH = 160  # narrower than the rows like (200): the explorer gives up width first
END_OF_TEXT_LABEL = "(end of text)"
RENORMALISED_NOTE = (
    "The text ends in a space: probabilities renormalised over the tokens that start with one."
)


class TokenBar(QAbstractButton):
    """One explorer row: the token and its probability, over a bar of that length."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.token = ""
        self.shown = ""
        self.probability = 0.0
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)

    def set_choice(self, token: str, probability: float, shown: str | None = None) -> None:
        """Show a choice that inserts `token` (none: '', the row is disabled), labelled `shown`
        (by default the token as `display_token` shows it)."""
        self.token = token
        self.probability = probability
        self.setEnabled(bool(token))
        # Not the button's text: an `&` there would become a keyboard shortcut.
        self.shown = display_token(token) if shown is None else shown
        if token:
            name = f"{spoken_token(token)}: {probability:.1%}"
        elif self.shown:
            name = f"{self.shown}: {probability:.1%}, cannot be inserted"
        else:
            name = "Empty"
        self.setAccessibleName(name)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(200, self.fontMetrics().height() + 10)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        rect = QRectF(self.rect()).adjusted(1, 2, -1, -2)
        bar = QColor(palette.highlight().color())
        bar.setAlphaF(0.35 if self.underMouse() or self.hasFocus() else 0.22)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(bar)
        painter.drawRoundedRect(
            QRectF(rect.x(), rect.y(), rect.width() * self.probability, rect.height()), 4, 4
        )
        if self.hasFocus():
            painter.setPen(palette.highlight().color())
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(palette.text().color())
        text_rect = rect.adjusted(8, 0, -8, 0)
        align = Qt.AlignmentFlag.AlignVCenter
        painter.drawText(text_rect, align | Qt.AlignmentFlag.AlignLeft, self.shown)
        if self.shown:
            painter.setPen(palette.placeholderText().color())
            percent = f"{self.probability:.1%}"
            painter.drawText(text_rect, align | Qt.AlignmentFlag.AlignRight, percent)


class ExplorerPanel(QWidget):
    """The ten likeliest next tokens for the text before the cursor."""

    # A token was chosen (its text, with its leading space if any).
    picked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("explorer")
        self.setAccessibleName("GPT-2 explorer")
        self.setMinimumWidth(MINIMUM_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(2)
        title = QLabel("Next token", self)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        self.note = QLabel(RENORMALISED_NOTE, self)
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.hide()
        layout.addWidget(self.note)
        self.rows: list[TokenBar] = []
        for _ in range(ROWS):
            row = TokenBar(self)
            row.clicked.connect(lambda _checked=False, r=row: self.picked.emit(r.token))
            layout.addWidget(row)
            self.rows.append(row)
        layout.addStretch(1)
        self.context = ""
        self._fill([])
        for row in self.rows:
            row.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Shift+Tab from the text enters at the last row that can be chosen, the least likely
        token: it goes on to the first, the likeliest, as Tab from before the panel does."""
        enabled = [row for row in self.rows if row.isEnabled()]
        if (
            enabled
            and watched is enabled[-1]
            and isinstance(event, QFocusEvent)
            and event.type() == QEvent.Type.FocusIn
            and event.reason() == Qt.FocusReason.BacktabFocusReason
        ):
            # once this focus change is over (one made inside it does not hold)
            QTimer.singleShot(0, self, lambda: enabled[0].setFocus(Qt.FocusReason.OtherFocusReason))
        return False

    def show_choices(self, context: str, choices: Sequence[TokenChoice]) -> None:
        """Fill the rows with the engine's choices for `context`, likeliest first."""
        self.context = context
        self.note.setVisible(bool(choices) and heals_trailing_space(context))
        self._fill(choices)

    def _fill(self, choices: Sequence[TokenChoice]) -> None:
        for index, row in enumerate(self.rows):
            if index < len(choices):
                row.set_choice(*_row(choices[index]))
            else:
                row.set_choice("", 0.0)


SPOKEN_CHARACTERS = {" ": "space", "\n": "new line", "\t": "tab"}


def spoken_token(token: str) -> str:
    """A token as a screen reader is to say it: its spaces, line breaks and tabs named, as the
    row's `␣` and `\\n` show them ("space, air" for " air"; a reader said "open box" for the
    `␣`)."""
    pieces = re.split(r"([ \n\t])", token)  # each of those characters a piece of its own
    return ", ".join(SPOKEN_CHARACTERS.get(piece, piece) for piece in pieces if piece)


def _row(choice: TokenChoice) -> tuple[str, float, str | None]:
    """What a row inserts ('' for nothing), its probability and its label (None: the text's)."""
    if choice.token_id == END_OF_TEXT_ID:
        return "", choice.probability, END_OF_TEXT_LABEL
    text = whole_characters(choice.piece)
    if text is None:
        return "", choice.probability, display_token(choice.token)
    return text, choice.probability, None
