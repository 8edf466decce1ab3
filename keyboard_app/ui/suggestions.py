"""Keeps the suggestion strip and the explorer in step with the text before the cursor."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from keyboard_app.ui.editor import Editor
from keyboard_app.ui.engine_client import EngineClient
from keyboard_app.ui.explorer import ExplorerPanel
from keyboard_app.ui.suggestion_strip import SuggestionStrip
from keyboard_app.ui.text_ops import Taken, suggestion_insertion, token_insertion

if TYPE_CHECKING:
    from keyboard_app.engine import Suggestion, TokenChoice

log = logging.getLogger(__name__)


class SuggestionController(QObject):
    """Every keystroke, cursor move or selection change asks for the new context's predictions.

    Only a changed context is sent; results that arrive for an older context are dropped.
    """

    # Suggestions for the current context are on the strip (context, latency in ms).
    shown = Signal(str, float)
    # A word was taken from the strip (a text_ops.Taken), after it is in the text.
    taken = Signal(object)

    def __init__(
        self,
        editor: Editor,
        strip: SuggestionStrip,
        explorer: ExplorerPanel,
        client: EngineClient,
        count: int = 3,
    ) -> None:
        super().__init__(editor)
        self.editor = editor
        self.strip = strip
        self.explorer = explorer
        self.client = client
        self.count = count
        # How sure the model must be for an inline prediction; None: none are asked for.
        self.inline_threshold: float | None = None
        self._requested: str | None = None
        self._explored: str | None = None
        editor.textChanged.connect(self.refresh)
        editor.cursorPositionChanged.connect(self.refresh)
        editor.selectionChanged.connect(self.refresh)
        strip.picked.connect(self.take)
        explorer.picked.connect(self.insert_token)
        client.suggestions.connect(self._on_suggestions)
        client.exploration.connect(self._on_exploration)
        client.loaded.connect(lambda _info: self.refresh(force=True))

    def set_count(self, count: int) -> None:
        self.count = count
        self.strip.set_count(count)
        self.refresh(force=True)

    @Slot()
    def refresh(self, force: bool = False) -> None:
        """Request predictions for the current context unless they were already requested."""
        context = self.editor.context()
        if force or context != self._requested:
            self._requested = context
            self.client.suggest(context, self.count, self.inline_threshold)
        if self.explorer.isVisible() and (force or context != self._explored):
            self._explored = context
            self.client.explore(context)

    def explorer_shown(self) -> None:
        self._explored = None
        self.refresh()

    @Slot(str, list, float)
    def _on_suggestions(
        self, context: str, suggestions: list[Suggestion], latency_ms: float
    ) -> None:
        if context != self._requested:
            return
        self.strip.show_suggestions(context, [s.word for s in suggestions])
        self.editor.tab_takes_suggestion = bool(suggestions)
        self.shown.emit(context, latency_ms)

    @Slot(str, list)
    def _on_exploration(self, context: str, choices: list[TokenChoice]) -> None:
        if context == self._explored:
            self.explorer.show_choices(context, choices)

    @Slot(str)
    def take(self, word: str) -> None:
        """Replace the partly typed word (or add the next word) with `word` and a space."""
        self._dismiss_preview()
        before = self.editor.context()
        insertion = suggestion_insertion(before, word)
        with self.editor.user_edit():
            self.editor.replace_before_cursor(insertion.remove, insertion.text)
        self.editor.setFocus()
        self.taken.emit(Taken(word, before, insertion))

    def take_position(self, position: int) -> None:
        """Alt+1, Alt+2, ...: the word in strip slot `position` (0 = leftmost)."""
        word = self.strip.word_at(position)
        if word:
            self.take(word)

    @Slot()
    def take_best(self) -> None:
        word = self.strip.best()
        if word:
            self.take(word)

    @Slot(str)
    def insert_token(self, token: str) -> None:
        """Append an explorer token at the cursor (no second space after a trailing one)."""
        if token:
            self._dismiss_preview()
            text = token_insertion(self.editor.context(), token)
            self.editor.replace_before_cursor(0, text)
            self.editor.setFocus()

    def _dismiss_preview(self) -> None:
        """A continuation's ghost text goes before anything is inserted at the cursor."""
        if self.editor.preview_active:
            self.editor.preview_dismiss_requested.emit()
