"""The editor's whole text, read a slice at a time between the window's events (for the
recovery file's background write: `recovery.Autosaver`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtGui import QTextBlock

from keyboard_app.ui.editor import GHOST, Editor

# How much of the document (in Qt's positions) one slice reads: a few milliseconds of the GUI
# thread (reading 64 MB at once takes about a third of a second).
SNAPSHOT_SLICE_UNITS = 1 << 18


@dataclass
class _Part:
    """Positions `start` to `end` of the document and their text (None: still to be read)."""

    start: int
    end: int
    text: str | None = None


class TextSnapshot(QObject):
    """The editor's whole text as it is saved, read a slice at a time between the window's events.

    Changes made meanwhile are followed: a part already read that a change touches is read again,
    and the parts after it move with the text. So once it is read, `done` is given the text as it
    is then, in parts (their concatenation is the text), with the GUI thread never held up for
    more than one slice. (A plain callback: a Qt signal would copy every part, twice.) Ghost text
    is no change of the text (Qt reports it as one)."""

    def __init__(self, editor: Editor, done: Callable[[list[str]], None]) -> None:
        super().__init__(editor)
        self.editor = editor
        self._done = done
        self._parts: list[_Part] = []
        self._slice = QTimer(self)
        self._slice.setSingleShot(True)
        self._slice.setInterval(0)
        self._slice.timeout.connect(self._read_slice)
        editor.document().contentsChange.connect(self._on_change)

    @property
    def running(self) -> bool:
        return bool(self._parts)

    def start(self) -> None:
        """Read the text anew (what was read so far is dropped)."""
        self._parts = [_Part(0, self.editor.document().characterCount())]
        self._slice.start()

    def cancel(self) -> None:
        self._parts = []
        self._slice.stop()

    @Slot(int, int, int)
    def _on_change(self, position: int, removed: int, added: int) -> None:
        """The parts the change touches (those that end at its start or begin at its end too: a
        line break removed there joins their blocks) become one part to read again; those after
        it move by what it added less what it removed."""
        if not self._parts or self.editor.edit_origin == GHOST:
            return
        before = [part for part in self._parts if part.end < position]
        after = [part for part in self._parts if part.start > position + removed]
        touched = self._parts[len(before) : len(self._parts) - len(after)]
        shift = added - removed
        for part in after:
            part.start += shift
            part.end += shift
        if touched:
            self._parts = [*before, _Part(touched[0].start, touched[-1].end + shift), *after]
        if not touched or self._parts[-1].end != self.editor.document().characterCount():
            self.start()  # a change reported in a way not foreseen: read it all again

    @Slot()
    def _read_slice(self) -> None:
        index = next((i for i, part in enumerate(self._parts) if part.text is None), None)
        if index is None:
            parts = [part.text or "" for part in self._parts]
            self._parts = []
            self._done(parts)
            return
        unread = self._parts[index]
        document = self.editor.document()
        end = unread.end
        if end - unread.start > SNAPSHOT_SLICE_UNITS:
            # At the start of a block: no character is split, and no line from its break.
            block = document.findBlock(unread.start + SNAPSHOT_SLICE_UNITS)
            end = block.position() if block.position() > unread.start else _block_end(block)
            end = min(end, unread.end)
        if end < unread.end:
            self._parts.insert(index + 1, _Part(end, unread.end))
            unread.end = end
        last = document.characterCount() - 1  # the end of the text: a block break follows it
        unread.text = self.editor.text_between(min(unread.start, last), min(end, last))
        self._slice.start()


def _block_end(block: QTextBlock) -> int:
    return block.position() + block.length()
