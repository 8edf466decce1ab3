"""The suggestion strip under the editor, laid out like a phone keyboard's.

The likeliest word sits in the middle, the next ones alternate to its left and right. Buttons never
take focus, so the cursor stays in the editor; Alt+1, Alt+2, ... pick them from left to right. A
correction of the typed word (not a completion of it) is shown in italics in the link colour; the
one a space will put in place of the typed word (autocorrect) is framed too, as on a phone. Every
word has the frame's room (a transparent border), so that the frame does not make the strip taller.

Bold (the best word), italics and the frame are all the style sheet's, set through dynamic
properties: a font set on a button would override the style sheet for good (an italic copied from
one correction stayed on every word after it). The words' size is the application font's, scaled
(`WORD_FONT_SCALE`), so that a desktop's large-text setting enlarges them too. A word wider than
its button is elided in the middle; the tooltip and the accessible name carry it whole. Each slot
keeps room for "…" at least, so that a narrow window never shows blank slots with words in them;
an empty slot keeps only that room and gives the rest to the words beside it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QWidget,
)

STYLE = """
#suggestionStrip { background: palette(window); border-top: 1px solid palette(mid); }
#suggestionStrip QPushButton {
    border: 1px solid transparent; border-radius: 8px; padding: 10px 12px; margin: 5px 3px;
    background: transparent; color: palette(window-text);
}
#suggestionStrip QPushButton:hover { background: palette(midlight); }
#suggestionStrip QPushButton:pressed { background: palette(mid); }
#suggestionStrip QPushButton:disabled { color: palette(placeholder-text); }
#suggestionStrip QPushButton[best="true"] { font-weight: bold; }
#suggestionStrip QPushButton[correction="true"] { color: palette(link); font-style: italic; }
#suggestionStrip QPushButton[autocorrect="true"] { border: 1px solid palette(link); }
#suggestionStrip QFrame[frameShape="5"] { color: palette(mid); margin: 10px 0; }
"""
WORD_FONT_SCALE = 4 / 3  # the words against the application font: 12 pt on Qt's 9 pt default
ELLIPSIS = "…"
QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's largest widget size: no maximum


def word_font_rule(font: QFont) -> str:
    """The style sheet's size for the words: `font`'s (the strip's, the application's unless
    the window sets another), scaled. A size in a style sheet is fixed, where the font it
    overrides follows the desktop's text size."""
    if font.pointSizeF() > 0:
        size = f"{font.pointSizeF() * WORD_FONT_SCALE:.1f}pt"
    else:  # a font set in pixels
        size = f"{round(font.pixelSize() * WORD_FONT_SCALE)}px"
    return f"#suggestionStrip QPushButton {{ font-size: {size}; }}"


def slot_order(count: int) -> list[int]:
    """Rank shown in each slot from left to right: the best (0) in the middle, then alternating.

    >>> slot_order(3)
    [1, 0, 2]
    >>> slot_order(5)
    [3, 1, 0, 2, 4]
    """
    left = [rank for rank in range(1, count) if rank % 2 == 1]
    right = [rank for rank in range(1, count) if rank % 2 == 0]
    return [*reversed(left), 0, *right]


class WordButton(QPushButton):
    """A strip slot: shows its word elided to the width it is given (its size policy ignores
    the word's width), and the whole word again when it is wide enough."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.word = ""

    def set_word(self, word: str) -> None:
        self.word = word
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:
        """The style sheet's font (bold, italic) changes the room the word needs."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._elide()

    def text_width(self) -> int:
        """The room for the text: the button less the style sheet's margin, border and padding."""
        option = QStyleOptionButton()
        self.initStyleOption(option)
        contents = self.style().subElementRect(
            QStyle.SubElement.SE_PushButtonContents, option, self
        )
        return contents.width()

    def _elide(self) -> None:
        metrics = self.fontMetrics()
        room = self.text_width()
        # Never narrower than "…" needs (at a window's narrowest, seven slots showed nothing).
        self.setMinimumWidth(self.width() - room + metrics.horizontalAdvance(ELLIPSIS))
        shown = metrics.elidedText(self.word, Qt.TextElideMode.ElideMiddle, room)
        text = shown.replace("&", "&&")  # an ampersand is shown, not taken for a mnemonic
        if text != self.text():
            self.setText(text)


class SuggestionStrip(QWidget):
    """A row of word buttons; `picked` carries the word of the button clicked."""

    picked = Signal(str)

    def __init__(self, count: int = 3, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suggestionStrip")
        self.setAccessibleName("Suggestions")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._follow_font()
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(8, 0, 8, 0)
        self._layout.setSpacing(0)
        self.buttons: list[WordButton] = []
        self._words: list[str] = []
        self.corrections: frozenset[str] = frozenset()
        self.autocorrect = ""  # the word a space puts in place of the typed one, for `context`
        self.context = ""
        self.set_count(count)

    def changeEvent(self, event: QEvent) -> None:
        """The font the strip inherits changed (the desktop's text size): the words follow."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._follow_font()

    def _follow_font(self) -> None:
        style = STYLE + word_font_rule(self.font())
        if style != self.styleSheet():
            self.setStyleSheet(style)

    def set_count(self, count: int) -> None:
        """Rebuild the strip with `count` buttons."""
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.buttons = []
        for position in range(count):
            if position:
                divider = QFrame(self)
                divider.setFrameShape(QFrame.Shape.VLine)
                self._layout.addWidget(divider)
            button = WordButton(self)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _checked=False, p=position: self.pick(p))
            self._layout.addWidget(button, 1)
            self.buttons.append(button)
        self.show_suggestions(self.context, self._words, self.corrections, self.autocorrect)

    def show_suggestions(
        self,
        context: str,
        words: Sequence[str],
        corrections: Collection[str] = (),
        autocorrect: str = "",
    ) -> None:
        """Show `words` (best first) for the text `context`; extra slots are left empty. Those
        in `corrections` are marked as corrections, `autocorrect` as the one a space puts in."""
        self.context = context
        self._words = list(words)
        self.corrections = frozenset(corrections)
        self.autocorrect = autocorrect if autocorrect in self._words else ""
        order = slot_order(len(self.buttons))
        middle = order.index(0) if order else -1
        for position, (button, rank) in enumerate(zip(self.buttons, order, strict=True)):
            word = self._words[rank] if rank < len(self._words) else ""
            button.setEnabled(bool(word))
            # An empty slot gives its room to the words (a long word alone was elided between
            # two blank slots); with no word at all, the slots share the strip alike.
            shares = bool(word) or not self._words
            self._layout.setStretchFactor(button, 1 if shares else 0)
            # A slot that gives up its room keeps the room for "…", inside the strip: with its
            # width ignored, the layout gave the words all of the strip and put it past the edge.
            width_policy = QSizePolicy.Policy.Ignored if shares else QSizePolicy.Policy.Preferred
            button.setSizePolicy(width_policy, QSizePolicy.Policy.Fixed)
            self._mark(button, word, best=position == middle)
            button.set_word(word)  # after the marks: bold and italics change its width
            button.setMaximumWidth(QWIDGETSIZE_MAX if shares else button.minimumWidth())
            where = "middle" if position == middle else f"position {position + 1}"
            button.setAccessibleName(
                f"Suggestion {position + 1} ({where}): {word or 'none'}{self._kind(word)}"
            )
            button.setToolTip(_tooltip(word, position))

    def drop_autocorrect(self) -> None:
        """The same words without the autocorrect mark (autocorrect was just turned off, or the
        word is no longer one the user typed)."""
        if self.autocorrect:
            self.show_suggestions(self.context, self._words, self.corrections)

    def _kind(self, word: str) -> str:
        if word and word == self.autocorrect:
            return ", correction, put in by a space"
        return ", correction" if word in self.corrections else ""

    def _mark(self, button: QPushButton, word: str, best: bool) -> None:
        """The style sheet's bold, correction and autocorrect marks (a property change restyles
        only once the button is polished again)."""
        marks = {
            "best": best,
            "correction": word in self.corrections,
            "autocorrect": word == self.autocorrect,
        }
        changed = False
        for name, on in marks.items():
            value = "true" if on and word else "false"
            if button.property(name) != value:
                button.setProperty(name, value)
                changed = True
        if changed:
            button.style().unpolish(button)
            button.style().polish(button)

    def word_at(self, position: int) -> str:
        """The word shown in slot `position` (0 = leftmost), '' if empty."""
        order = slot_order(len(self.buttons))
        if not 0 <= position < len(order):
            return ""
        rank = order[position]
        return self._words[rank] if rank < len(self._words) else ""

    def best(self) -> str:
        return self._words[0] if self._words else ""

    def pick(self, position: int) -> None:
        word = self.word_at(position)
        if word:
            self.picked.emit(word)


def _tooltip(word: str, position: int) -> str:
    """The whole word (the button may show it elided) and its key."""
    key = f"Alt+{position + 1}" if position < 9 else ""
    return f"{word} ({key})" if word and key else word or key
