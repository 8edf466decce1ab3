"""Keeps the suggestion strip and the explorer in step with the text before the cursor."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QLineEdit

from keyboard_app.ui.editor import Editor
from keyboard_app.ui.engine_client import EngineClient
from keyboard_app.ui.explorer import ExplorerPanel
from keyboard_app.ui.suggestion_strip import SuggestionStrip
from keyboard_app.ui.text_ops import (
    Taken,
    in_address,
    suggestion_insertion,
    token_insertion,
    word_typed_in_a_row,
)

if TYPE_CHECKING:
    from keyboard_app.engine import Suggestion, TokenChoice

log = logging.getLogger(__name__)


class SuggestionController(QObject):
    """Every keystroke, cursor move or selection change asks for the new context's predictions.

    Only a changed context is sent; results that arrive for an older context are dropped. The
    instant answer for a context is shown at once; the model's refined answer for the same context
    replaces it, keeping in their slots the words both have (`keep_in_place`), so the words that
    stay do not move under the typist's eyes. Inside an e-mail address or a link nothing is asked
    for and the strip is empty (`text_ops.in_address`): no word belongs there.
    """

    # Suggestions for the current context are on the strip, the first time (context, latency ms).
    shown = Signal(str, float)
    # The model's refined answer for the current context is on the strip (context, latency in
    # ms, whether its words differ from the instant answer shown before it; False when none was).
    refined = Signal(str, float, bool)
    # A word was taken from the strip (a text_ops.Taken), after it is in the text.
    taken = Signal(object)

    def __init__(
        self,
        editor: Editor,
        strip: SuggestionStrip,
        explorer: ExplorerPanel,
        client: EngineClient,
        typed_in_a_row: Callable[[], int],
        count: int = 3,
    ) -> None:
        super().__init__(editor)
        self.editor = editor
        self.strip = strip
        self.explorer = explorer
        self.client = client
        self.count = count
        self._typed_in_a_row = typed_in_a_row  # `Learner.typed_in_a_row`
        # How sure the model must be for an inline prediction; None: none are asked for.
        self.inline_threshold: float | None = None
        # Whether the strip marks the correction a space puts in (`ui.autocorrect` puts it in).
        self.autocorrect = False
        self._requested: str | None = None
        self._instant_words: list[str] | None = None  # on the strip for `_requested`, not refined
        self._explored: str | None = None
        # The words are asked for at once, and again once the event is over if the text before
        # the cursor is no longer what it was: Qt's undo and redo tell of the change with the
        # cursor where the change was, then put it back without a word (an undo of a letter typed
        # over a selection), and the strip kept words for a text before another cursor.
        self._refresh_after_event = QTimer(self, singleShot=True, interval=0)
        self._refresh_after_event.timeout.connect(self.refresh)
        for changed in (editor.textChanged, editor.cursorPositionChanged, editor.selectionChanged):
            changed.connect(self.refresh)
            changed.connect(self._refresh_after_event.start)
        strip.picked.connect(self.take)
        explorer.picked.connect(self.insert_token)
        client.suggestions.connect(self._on_suggestions)
        client.instant.connect(self._on_instant)
        client.exploration.connect(self._on_exploration)
        client.loaded.connect(lambda _info: self.refresh(force=True))

    def set_count(self, count: int) -> None:
        self.count = count
        self.strip.set_count(count)
        self.refresh(force=True)

    def set_autocorrect(self, on: bool) -> None:
        """Turn the autocorrect mark on or off at once: the strip's frame is what a space acts
        on (`ui.autocorrect`), so it goes now, not with the next words. Words shown are asked for
        again, so that turning it on frames the correction for the text as it is."""
        if on == self.autocorrect:
            return
        self.autocorrect = on
        if not on:
            self.strip.drop_autocorrect()
        if self.strip.best():
            self.refresh(force=True)

    @Slot()
    def refresh(self, force: bool = False) -> None:
        """Request predictions for the current context unless they were already requested. The
        autocorrect frame goes at once when the typed word stops being the user's typing (an
        undo back to the text it was shown for): a space would not put it in."""
        context = self.editor.context()
        if self.strip.autocorrect and not self._marks_autocorrect(context):
            self.strip.drop_autocorrect()
        if force or context != self._requested:
            self._requested = context
            self._instant_words = None
            if in_address(context):
                self._show(context, [], [])
            else:
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
        words = [s.word for s in suggestions]
        instant, self._instant_words = self._instant_words, None
        if instant is not None:
            words = keep_in_place(instant, words)
        self._show(context, words, suggestions)
        if instant is None:
            self.shown.emit(context, latency_ms)
        self.refined.emit(context, latency_ms, instant is not None and words != instant)

    @Slot(str, list, float)
    def _on_instant(self, context: str, suggestions: list[Suggestion], latency_ms: float) -> None:
        if context != self._requested or self._instant_words is not None:
            return
        if not suggestions:
            # Nothing known yet for this text: the strip goes blank, and the model's answer
            # will be the first one shown for it.
            self.strip.show_suggestions(context, [])
            self.editor.tab_takes_suggestion = False
            return
        self._instant_words = [s.word for s in suggestions]
        self._show(context, self._instant_words, suggestions)
        self.shown.emit(context, latency_ms)

    def _show(self, context: str, words: list[str], suggestions: list[Suggestion]) -> None:
        corrections = [s.word for s in suggestions if s.correction]
        marked = [s.word for s in suggestions if s.autocorrect and self._marks_autocorrect(context)]
        self.strip.show_suggestions(context, words, corrections, marked[0] if marked else "")
        self.editor.tab_takes_suggestion = bool(words)

    def _marks_autocorrect(self, context: str) -> bool:
        """Whether a space typed after `context` puts a correction in (`ui.autocorrect`): with
        autocorrect on, after a word the user typed."""
        return self.autocorrect and word_typed_in_a_row(context, self._typed_in_a_row())

    @Slot(str, list)
    def _on_exploration(self, context: str, choices: list[TokenChoice]) -> None:
        if context == self._explored:
            self.explorer.show_choices(context, choices)

    @Slot(str)
    def take(self, word: str) -> None:
        """Replace the word the cursor is in (or add the next word) with `word` and a space
        (`text_ops.suggestion_insertion`). The space is the app's: a closing mark or a Space typed
        right after it takes its place (`Editor.mark_added_space`)."""
        self._dismiss_preview()
        before = self.editor.context()
        insertion = suggestion_insertion(before, word, self.editor.text_after_cursor())
        with self.editor.user_edit():
            self.editor.replace_before_cursor(
                insertion.remove, insertion.text, insertion.remove_after
            )
        if insertion.text.endswith(" "):
            self.editor.mark_added_space()
        self.editor.setFocus()
        self.taken.emit(Taken(word, before, insertion))

    def take_position(self, position: int) -> None:
        """Alt+1, Alt+2, ...: the word in strip slot `position` (0 = leftmost); not while a line
        of the window has the focus (the find bar's: the word went in place of the match)."""
        if isinstance(QApplication.focusWidget(), QLineEdit):
            return
        word = self.strip.word_at(position) if self._strip_is_current() else ""
        if word:
            self.take(word)

    @Slot()
    def take_best(self) -> None:
        word = self.strip.best() if self._strip_is_current() else ""
        if word:
            self.take(word)

    def _strip_is_current(self) -> bool:
        """Whether the strip's words are for the text as it is now. A key that takes a word may
        come before the words for the letters typed just before it (keys queued while the
        window was busy): it then takes nothing, rather than a word meant for other letters.
        (A click takes the word the user saw, whatever it was for.)"""
        return self.strip.context == self.editor.context()

    @Slot(str)
    def insert_token(self, token: str) -> None:
        """Append an explorer token at the cursor (no second space after a trailing one). A
        selection is given up first, the cursor at its start: the rows are for the text before
        it, and the click must not delete it."""
        if token:
            self._dismiss_preview()
            self.editor.collapse_selection()
            text = token_insertion(self.editor.context(), token)
            self.editor.replace_before_cursor(0, text)
            self.editor.setFocus()

    def _dismiss_preview(self) -> None:
        """A continuation's ghost text goes before anything is inserted at the cursor."""
        if self.editor.preview_active:
            self.editor.preview_dismiss_requested.emit()


def keep_in_place(shown: list[str], refined: list[str]) -> list[str]:
    """The refined words ordered for the strip that shows `shown`: a word in both keeps its rank
    (its slot), the refined answer's other words fill the other ranks, best first. So the words
    that stay never move; a new word may take the best slot only when it is free."""
    kept = set(shown) & set(refined)
    newcomers = iter([word for word in refined if word not in kept])
    placed = [word if word in kept else next(newcomers, None) for word in shown]
    words = [word for word in placed if word is not None]
    return words + list(newcomers)
