"""The personal store's controls: learning on, paused or stopped (status bar and menu), the
messages about the store, "Learn from This Document" and the dialog of what was learned."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from keyboard_app.settings import LEARNING_SWITCHES, Settings, SettingsStore
from keyboard_app.ui.dialogs.messages import inform
from keyboard_app.ui.dialogs.personal_dialog import PersonalDialog
from keyboard_app.ui.editor import Editor
from keyboard_app.ui.engine_client import EngineClient
from keyboard_app.ui.learning import Learner
from keyboard_app.ui.status_bar import StatusBar

log = logging.getLogger(__name__)

# What the status bar says when another copy of the app changed learning.
FOLLOWED = {
    "on": "Learning resumed in another keyboard-app window.",
    "paused": "Learning paused in another keyboard-app window.",
    "off": "Learning turned off in another keyboard-app window.",
}


class PersonalControls(QObject):
    """Keeps the learner, the status bar's toggle and the pause action in step with the settings
    and with what the store reports."""

    # Learning was paused (True) or resumed (False), from the status bar or the menu.
    pause_changed = Signal(bool)
    # Whether pausing means anything now (learning on or paused): the menu's pause action
    # follows it, as the status bar's toggle does (paused while off came back unannounced).
    pausable_changed = Signal(bool)
    # A message for the status bar.
    message = Signal(str)
    # The learned-words dialog changed the store: the strip's words may be gone (a word forgotten).
    store_changed = Signal()

    def __init__(
        self,
        window: QWidget,
        editor: Editor,
        client: EngineClient,
        status: StatusBar,
        save_settings: Callable[[], object],
        store_path: Path,
    ) -> None:
        super().__init__(window)
        self.store_path = store_path
        self.window = window
        self.editor = editor
        self.client = client
        self.status = status
        self.learner = Learner(editor, client)
        self.settings = Settings()
        self.stopped = False  # the store could not be written: no more learning this session
        self.dialog: PersonalDialog | None = None
        self._closing_dialogs: list[PersonalDialog] = []  # closed, their store threads ending
        self.progress: QProgressDialog | None = None
        self._save_settings = save_settings
        status.pause_toggled.connect(self.set_paused)
        client.personal_moved.connect(self._on_moved)
        client.learning_failed.connect(self._on_failed)
        client.document_progress.connect(self._on_progress)
        client.document_done.connect(self._on_document_done)
        client.switching.connect(self.stop_document)
        client.closing.connect(self._close_dialog)
        self.store_changed.connect(self.learner.forget_history)

    @property
    def state(self) -> str:
        if self.stopped:
            return "stopped"
        if not self.settings.learning_enabled:
            return "off"
        return "paused" if self.settings.learning_paused else "on"

    def apply(self, settings: Settings) -> None:
        self.settings = settings
        self.learner.active = self.state == "on"
        self.learner.takes_back = not self.stopped
        if self.state != "on":  # paused or off: a document being learned too
            self.stop_document()
        self.status.show_learning(self.state)
        self.pause_changed.emit(settings.learning_paused)
        self.pausable_changed.emit(self.pausable)

    def follow_other_copies(self, store: SettingsStore) -> None:
        """The settings file changed: another copy of the app may have paused, resumed, or turned
        learning on or off. This copy does the same (a pause is for every window), and says so."""
        if store.follow(self.settings, LEARNING_SWITCHES):
            self.apply(self.settings)
            if self.state in FOLLOWED:
                self.message.emit(FOLLOWED[self.state])

    @property
    def pausable(self) -> bool:
        return self.state in ("on", "paused")

    @Slot(bool)
    def set_paused(self, paused: bool) -> None:
        """Pause or resume learning; nothing while it is off or stopped."""
        if paused != self.settings.learning_paused and self.pausable:
            self.settings.learning_paused = paused
            self._save_settings()
            self.message.emit("Learning paused." if paused else "Learning again.")
        self.apply(self.settings)

    def show_dialog(self) -> None:
        """Show the dialog of what was learned, in front and with the keyboard (raising it
        alone left the keys going to the editor); a new one if it was closed."""
        if self.dialog is None:
            dialog = PersonalDialog(self.store_path, self.window)
            dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
            dialog.store_closed.connect(lambda: self._dialog_ended(dialog))
            dialog.changed.connect(self.store_changed)
            self.dialog = dialog
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()

    def _dialog_closed(self, dialog: PersonalDialog) -> None:
        """A closed dialog finishes the change under way in its own thread, and goes once that
        has ended: closing it never waits (an import of 150,000 entries took seconds)."""
        if dialog is self.dialog:
            self.dialog = None
            self._closing_dialogs.append(dialog)

    def _dialog_ended(self, dialog: PersonalDialog) -> None:
        self._dialog_closed(dialog)  # closed while hidden (no `finished`): not to be shown again
        self._closing_dialogs.remove(dialog)
        dialog.deleteLater()

    @Slot()
    def _close_dialog(self) -> None:
        """Before the window goes (the app quits): the dialogs' store threads are waited for,
        so that each store is closed."""
        open_dialog = [self.dialog] if self.dialog is not None else []
        for dialog in [*open_dialog, *self._closing_dialogs]:
            dialog.wait_for_store()

    # --- learning a whole document ---

    def learn_document(self) -> None:
        """Learn the editor's whole text on request, with progress and Cancel."""
        if self.state != "on":  # paused, turned off or stopped: nothing at all is learned
            self.message.emit(f"Nothing is learned: {self.status.learning.text().lower()}.")
            return
        text = self.editor.text()
        if not text.strip():
            self.message.emit("The document is empty: nothing to learn.")
            return
        progress = QProgressDialog(
            "Learning from this document…", "Cancel", 0, len(text), self.window
        )
        progress.setWindowTitle("Learn from This Document")
        progress.setMinimumDuration(500)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(self.client.cancel_document)
        progress.canceled.connect(self._close_progress)
        self.progress = progress
        self.client.learn_document(text)

    @Slot()
    def stop_document(self) -> None:
        """Stop learning the document (paused, or another model or a server asked for: the
        engine thread would otherwise finish it first); what it learned stays."""
        if self.progress is not None:
            self.client.cancel_document()
            self._close_progress()
            self.message.emit("Learning from this document stopped; what it learned stays.")

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setMaximum(total)
            self.progress.setValue(done)

    @Slot(int, str)
    def _on_document_done(self, words: int, error: str) -> None:
        self._close_progress()
        self.message.emit(error or f"Learned {words:,} words from this document.")

    def _close_progress(self) -> None:
        progress, self.progress = self.progress, None
        if progress is not None:
            progress.canceled.disconnect()  # closing it would say it was cancelled
            progress.close()
            progress.deleteLater()

    # --- what the store reports ---

    @Slot(str)
    def _on_moved(self, moved_to: str) -> None:
        log.warning("the personal store was damaged; moved to %s", moved_to)
        inform(
            self.window,
            "Learned words started afresh",
            "The file of the words the keyboard had learned could not be read, so a new one was "
            f"started. The old file was kept here:\n\n{moved_to}",
        )

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        """Told once; nothing more is learned until the app starts again. The text is safe."""
        if self.stopped:
            return
        self.stopped = True
        self.apply(self.settings)
        inform(self.window, "Learning stopped", f"{message}\n\nYour text is not affected.")
