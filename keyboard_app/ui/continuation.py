"""Continuation: ghost text streamed at the cursor, and 'three ways on' side by side."""

from __future__ import annotations

import logging
import unicodedata

from PySide6.QtCore import QObject, Signal, Slot

from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.sampling import SamplingParams
from keyboard_app.settings import Settings
from keyboard_app.ui.alternatives import AlternativesPanel
from keyboard_app.ui.editor import Editor
from keyboard_app.ui.engine_client import EngineClient
from keyboard_app.ui.worker import FINISHED

log = logging.getLogger(__name__)

NO_MODEL = "No model is loaded yet."
COMPOSING = "Finish the input method's composition first."
STALE_ALTERNATIVES = "The text changed: the alternatives were for the text as it was."
NOTHING_TO_ADD = "The model had nothing to add here."
# Told while a continuation shows: the grey text says nothing of how it is kept or dropped.
PREVIEW_KEYS = "Tab or Enter keeps the continuation, Esc drops it, Write > Stop stops it."
INSIDE_WORD = "The cursor is inside a word: move it to the word's end to continue from there."
# The longest alternative of "three ways on": three side by side are read at a glance.
ALTERNATIVE_TOKENS = 40


class ContinuationController(QObject):
    """Starts, streams, stops, accepts and discards continuations.

    The single continuation is a preview in the editor: Tab or Enter inserts it as one undo step,
    Esc, typing or clicking drops it. The Stop button ends streaming but keeps the preview.
    The alternatives of "three ways on" are for the text before the cursor when they were asked
    for: the panel closes as soon as that changes (typing, a click, a cursor move), and a choice
    goes in only while it is the same.
    """

    # Streaming started / ended: enables the Stop action. (No bool argument: see worker.FINISHED.)
    streaming_started = Signal()
    streaming_stopped = Signal()
    # Something to tell the user in the status bar.
    message = Signal(str)

    def __init__(
        self,
        editor: Editor,
        panel: AlternativesPanel,
        client: EngineClient,
        settings: Settings,
    ) -> None:
        super().__init__(editor)
        self.editor = editor
        self.panel = panel
        self.client = client
        self.settings = settings
        self._alternatives = False
        # The cursor position and the text before it that the alternatives are for.
        self._alternatives_for: tuple[int, str] | None = None
        editor.preview_accept_requested.connect(self.accept)
        editor.preview_dismiss_requested.connect(self.discard)
        editor.escape_pressed.connect(self.escape)
        panel.chosen.connect(self.choose)
        panel.dismissed.connect(self.close_alternatives)
        client.continuation_piece.connect(self._on_piece)
        client.continuation_done.connect(self._on_done)
        client.switching.connect(self.stop)
        editor.cursorPositionChanged.connect(self._close_stale_alternatives)
        editor.textChanged.connect(self._close_stale_alternatives)

    @property
    def streaming(self) -> bool:
        return self.client.continuing

    def _sampling(self, max_tokens: int) -> SamplingParams | None:
        """The settings' sampling, or None (and the reason told) if a model or a value is wrong."""
        if not self.client.has_model:
            self.message.emit(NO_MODEL)
            return None
        if self.editor.composing:
            # Its text would come before the continuation, which the model has not seen.
            self.message.emit(COMPOSING)
            return None
        if self._inside_word():
            # The model would finish the word's start, and the rest of the word would follow.
            self.message.emit(INSIDE_WORD)
            return None
        try:
            return self.settings.sampling(max_tokens)
        except ModelError as error:
            self.message.emit(f"Continuation failed: {error}")
            return None

    @Slot()
    def start(self) -> None:
        """Continue the draft from the cursor (Ctrl+Enter or the Continue button)."""
        self.discard()
        self.close_alternatives()
        params = self._sampling(self.settings.continuation_tokens)
        if params is None:
            return
        self._alternatives = False
        self.editor.begin_preview()
        self.editor.ensureCursorVisible()  # where it will show; scrolling away later is left
        self.client.continue_text(self.editor.context(), params)
        self.streaming_started.emit()
        self.message.emit(PREVIEW_KEYS)
        self.editor.setFocus()

    @Slot()
    def start_alternatives(self) -> None:
        """Three alternative continuations side by side."""
        self.discard()
        params = self._sampling(min(self.settings.continuation_tokens, ALTERNATIVE_TOKENS))
        if params is None:
            return
        self._alternatives = True
        self.editor.collapse_selection()
        self._alternatives_for = self._where()
        self.panel.reset()
        self.panel.show()
        self.client.continue_text(self.editor.context(), params, len(self.panel.texts))
        self.streaming_started.emit()

    @Slot()
    def stop(self) -> None:
        """Stop streaming at once; a preview stays (all of it shown) for Tab/Enter or Esc."""
        self._halt()
        if self.editor.preview_active and not self.editor.preview_text:
            self.editor.end_preview()
        else:
            self.editor.flush_preview()

    def _halt(self) -> None:
        """Stop streaming; nothing more of it arrives."""
        was_streaming = self.client.continuing
        self.client.stop_continuation()
        if was_streaming:
            self.streaming_stopped.emit()

    @Slot()
    def escape(self) -> None:
        """Esc without a preview: close the alternatives, or stop whatever is streaming."""
        if self.panel.isVisible():
            self.close_alternatives()
        else:
            self.stop()

    @Slot()
    def accept(self) -> None:
        """Insert the preview at the cursor as one undo step."""
        self._halt()
        self._insert(self.editor.end_preview())
        self.message.emit("")  # the keys told are no longer of use

    @Slot()
    def discard(self) -> None:
        if self.editor.preview_active:
            self._halt()
            self.editor.end_preview()
            self.message.emit("")  # the keys told are no longer of use

    @Slot(int)
    def choose(self, index: int) -> None:
        """Insert alternative `index`, if the text before the cursor is still the one it is for."""
        self._halt()
        text = self.panel.text(index)
        current = self._alternatives_for == self._where()
        self._hide_alternatives()
        if not current:
            self.message.emit(STALE_ALTERNATIVES)
        else:
            self._insert(text)
        self.editor.setFocus()

    def _inside_word(self) -> bool:
        """Whether the cursor (or the selection, given up from its start) is between two letters
        or digits of a word."""
        editor = self.editor
        if not _spaces_words(editor.context()[-1:]):
            return False
        return _spaces_words(editor.character_after(editor.textCursor().selectionStart()))

    def _insert(self, text: str) -> None:
        """Insert a continuation at the cursor, with a space after it where it would run into
        the word after the cursor ("Hello |world": "Hello the cat sat world")."""
        if not text:
            return
        last = text[-1]
        if not (last.isspace() or _unspaced(last)) and _spaces_words(
            self.editor.character_after_cursor()
        ):
            text += " "
        self.editor.replace_before_cursor(0, text)

    def _where(self) -> tuple[int, str]:
        return self.editor.textCursor().position(), self.editor.context()

    @Slot()
    def _close_stale_alternatives(self) -> None:
        """The user typed, clicked or moved: the alternatives are no longer for this text."""
        if self.panel.isVisible() and self._alternatives_for != self._where():
            self.close_alternatives()

    def _hide_alternatives(self) -> None:
        self._alternatives_for = None
        self.panel.hide()

    @Slot()
    def drop(self) -> None:
        """The text they were made from is gone (another document): stop streaming, and drop the
        preview and the alternatives, so that nothing of one document goes into the next."""
        self.discard()
        self.close_alternatives()

    @Slot()
    def close_alternatives(self) -> None:
        if self.panel.isVisible():
            self._halt()
            self._hide_alternatives()
            self.editor.setFocus()

    @Slot(int, str)
    def _on_piece(self, index: int, piece: str) -> None:
        if self._alternatives:
            self.panel.append(index, piece)
        else:
            self.editor.append_preview(piece)

    @Slot(str, str)
    def _on_done(self, outcome: str, error: str) -> None:
        """The continuation ended. One that gave nothing is told in the status bar; its (empty)
        preview stays until the next key, so that the Tab meant to accept it only drops it, as
        before the first piece, instead of taking the strip's word."""
        self.streaming_stopped.emit()
        if error:
            self.message.emit(f"Continuation failed: {error}")
        empty = outcome == FINISHED and self._gave_nothing()
        if empty:
            self.message.emit(NOTHING_TO_ADD)
        if self._alternatives:
            return
        if self.editor.preview_text:
            self.editor.flush_preview()
        elif not empty:
            self.editor.end_preview()

    def _gave_nothing(self) -> bool:
        """Whether the continuation (or every alternative) came out empty."""
        if self._alternatives:
            return not any(self.panel.text(i) for i in range(len(self.panel.texts)))
        return not self.editor.preview_text


def _spaces_words(char: str) -> bool:
    """A letter or digit of a script that puts spaces between words."""
    return char.isalnum() and not _unspaced(char)


def _unspaced(char: str) -> bool:
    """A wide character of Chinese or Japanese, whose text runs on without spaces between words
    (Korean's Hangul, wide too, has them)."""
    wide = unicodedata.east_asian_width(char) in "WF"
    return wide and not unicodedata.name(char, "").startswith("HANGUL")
