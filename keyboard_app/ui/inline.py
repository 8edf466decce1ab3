"""Inline predictions: the confident rest of a word or phrase, in grey after the cursor.

The worker computes one after the strip's words for the same text (never before them) and only
while no newer keystroke waits. It is shown only if the text before the cursor is still the one it
was computed for, no continuation preview shows, nothing is selected, no input-method composition
is in progress and the cursor is not inside a word (the rest of a word that already goes on after
the cursor would split it). Tab inserts all of it and
Ctrl+Right its first word, each with the space after it, like a word taken from the strip; any
other key, a click or a cursor move drops it (the editor's key handling). An accepted prediction
counts as typed by the user (it is what they were about to type), so its words are learned.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from keyboard_app.ui.editor import Editor
from keyboard_app.ui.engine_client import EngineClient
from keyboard_app.ui.text_ops import first_word, space_after


class InlineController(QObject):
    """Shows the engine's inline predictions in the editor and inserts them on request."""

    def __init__(self, editor: Editor, client: EngineClient) -> None:
        super().__init__(editor)
        self.editor = editor
        self.enabled = True
        self._context = ""  # the text before the cursor the shown prediction is for
        # The rest of a prediction left shown by Ctrl+Right: the engine's empty answer for the
        # text it is shown after (a lone next word is never offered) does not take it away.
        self._rest_kept = False
        client.inline_prediction.connect(self._on_prediction)
        editor.inline_accept_requested.connect(self.accept_all)
        editor.inline_word_requested.connect(self.accept_word)
        editor.cursorPositionChanged.connect(self._drop_if_stale)
        editor.selectionChanged.connect(self._drop_if_stale)

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled
        if not enabled:
            self.editor.clear_inline()

    @Slot(str, str)
    def _on_prediction(self, context: str, text: str) -> None:
        editor = self.editor
        usable = (
            self.enabled
            and not editor.preview_active
            and not editor.composing
            and not editor.textCursor().hasSelection()
            and not editor.character_after_cursor().isalnum()
            and context == editor.context()
        )
        if not usable:
            return
        if text:
            self._context = context
            self._rest_kept = False
            editor.show_inline(text)
        elif not (self._rest_kept and context == self._context and editor.inline_text):
            editor.clear_inline()

    @Slot()
    def accept_all(self) -> None:
        """Tab: the whole prediction and a space (none before a space or a closing mark, as for
        a word taken from the strip: `text_ops.space_after`)."""
        text = self.editor.inline_text
        self._insert(text + space_after(self.editor.text_after_cursor()), "")

    @Slot()
    def accept_word(self) -> None:
        """Ctrl+Right: its first word and the space after it; the rest stays shown."""
        text = self.editor.inline_text
        word = first_word(text)
        rest = text[len(word) :]
        self._insert(word if rest else word + space_after(self.editor.text_after_cursor()), rest)

    def _insert(self, text: str, rest: str) -> None:
        editor = self.editor
        with editor.user_edit():
            editor.replace_before_cursor(0, text)
        editor.inline_accepted.emit()
        editor.typed.emit(text)
        if text.endswith(" "):  # the app's space: a closing mark typed next takes its place
            editor.mark_added_space()
        if rest:
            self._context = editor.context()
            self._rest_kept = True
            editor.show_inline(rest)

    @Slot()
    def _drop_if_stale(self) -> None:
        """A cursor move or a selection drops the prediction (typing drops it in the editor)."""
        editor = self.editor
        if editor.inline_text and (
            editor.textCursor().hasSelection() or editor.context() != self._context
        ):
            editor.clear_inline()
