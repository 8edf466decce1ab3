"""At start-up, the unsaved text of copies of the app that ended without saving is offered back.

One recovery file at a time, newest first: Restore puts its text in the editor (kept in this
copy's own recovery file before the old one is deleted), Discard deletes it, and Later (also Esc,
or closing the question) leaves it for the next start. Only files whose copy of the app has ended
are offered (see `recovery.left_behind`). Once a text is restored, the others wait for the next
start, so that no restored text is replaced before it is saved.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from keyboard_app.ui.dialogs.messages import Button, ask
from keyboard_app.ui.documents import DocumentController
from keyboard_app.ui.recovery import (
    Autosaver,
    Recovered,
    RecoveryFile,
    left_behind,
    read_recovery,
    remove_stale_locks,
)
from keyboard_app.ui.text_file import describe

log = logging.getLogger(__name__)


class RecoveryOffer(QObject):
    """Asks about each left-behind recovery file; `dialog` is the question on screen, if any."""

    # Something to tell the user in the status bar.
    message = Signal(str)

    def __init__(
        self, parent: QWidget, documents: DocumentController, autosaver: Autosaver
    ) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.documents = documents
        self.autosaver = autosaver
        self.dialog: QMessageBox | None = None
        self._files: Iterator[RecoveryFile] = iter(())

    def start(self) -> None:
        """Offer the first left-behind text, if there is one."""
        folder = self.autosaver.path.parent
        remove_stale_locks(folder)
        self._files = left_behind(folder, self.autosaver.path)
        self._offer_next()

    def _offer_next(self) -> None:
        for file in self._files:
            found = read_recovery(file.path)
            if found is None:
                file.release()  # unusable: left as it is, for a person to look at
                continue
            self._ask(file, found)
            return

    def _ask(self, file: RecoveryFile, found: Recovered) -> None:
        origin = f"“{Path(found.path).name}”" if found.path else "an untitled document"
        words = len(found.text.split())

        def answered(button: Button) -> None:
            self.dialog = None
            if button == Button.Yes:
                self._restore(file, found)
            elif button == Button.Discard:
                file.remove()
                self._offer_next()
            else:
                self._later(file)

        self.dialog = ask(
            self.parent_widget,
            "Recover unsaved text",
            f"A session ended without saving {origin} ({words} words). Restore the unsaved text?",
            Button.Yes | Button.Discard | Button.Cancel,
            answered,
            default=Button.Yes,
        )
        self.dialog.button(Button.Yes).setText("Restore")
        self.dialog.button(Button.Cancel).setText("Ask Next Time")

    def _restore(self, file: RecoveryFile, found: Recovered) -> None:
        path = Path(found.path) if found.path else None
        self.documents.restore(found.text, path, found.format, found.file_digest)
        try:
            self.autosaver.write_now()
        except OSError as error:
            log.error("cannot keep the restored text in %s: %s", self.autosaver.path, error)
            self.message.emit(
                f"The restored text is not kept for recovery ({describe(error)}): save it."
            )
            file.release()  # the old file still holds it
            return
        file.remove()
        self._later(None)

    def _later(self, current: RecoveryFile | None) -> None:
        """Leave `current` and every file not asked about yet for the next start."""
        if current is not None:
            current.release()
        waiting = 0
        for file in self._files:
            file.release()
            waiting += 1
        if waiting:
            self.message.emit(
                f"{waiting} more unsaved text{'s' if waiting > 1 else ''} from ended sessions "
                "will be offered at the next start."
            )
