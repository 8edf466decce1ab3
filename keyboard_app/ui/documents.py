"""The open document: New, Open, Save, Save As (atomic), recent files, the window title."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from keyboard_app.files import write_atomic
from keyboard_app.settings import Settings, SettingsStore
from keyboard_app.ui.dialogs.messages import Button, ask, inform
from keyboard_app.ui.editor import Editor

log = logging.getLogger(__name__)

APP_TITLE = "Keyboard App"
FILE_FILTER = "Text files (*.txt *.md);;All files (*)"


class DocumentController(QObject):
    """File operations on the editor's document; the window title shows the name and `*`."""

    # The recent-files list changed.
    recent_changed = Signal()
    # A document was saved, opened or cleared: nothing unsaved remains.
    clean = Signal()

    def __init__(
        self, window: QMainWindow, editor: Editor, settings: Settings, store: SettingsStore
    ) -> None:
        super().__init__(window)
        self.window = window
        self.editor = editor
        self.settings = settings
        self.store = store
        self.path: Path | None = None
        self.prompt: QMessageBox | None = None
        editor.document().modificationChanged.connect(window.setWindowModified)
        self._update_title()

    @property
    def modified(self) -> bool:
        return self.editor.document().isModified()

    def _update_title(self) -> None:
        name = self.path.name if self.path else "Untitled"
        self.window.setWindowTitle(f"{name}[*] — {APP_TITLE}")
        self.window.setWindowModified(self.modified)

    def _set_text(self, text: str, path: Path | None) -> None:
        self.editor.setPlainText(text)
        self.editor.document().setModified(False)
        self.path = path
        self._update_title()
        self.clean.emit()

    def restore(self, text: str, path: Path | None) -> None:
        """Put recovered text back; it stays marked unsaved until the user saves it."""
        self.editor.setPlainText(text)
        self.path = path
        self.editor.document().setModified(True)
        self._update_title()

    # --- unsaved changes ---

    def confirm_discard(self, then: Callable[[], object]) -> None:
        """Run `then` now if nothing is unsaved; otherwise ask to save, discard or cancel first."""
        if not self.modified:
            then()
            return

        def answered(button: Button) -> None:
            self.prompt = None
            if button == Button.Save:
                if self.save():
                    then()
            elif button == Button.Discard:
                then()

        name = self.path.name if self.path else "Untitled"
        self.prompt = ask(
            self.window,
            "Unsaved changes",
            f"Save the changes to “{name}” first?",
            Button.Save | Button.Discard | Button.Cancel,
            answered,
            default=Button.Save,
            icon=QMessageBox.Icon.Warning,
        )

    # --- commands ---

    def new(self) -> None:
        self.confirm_discard(lambda: self._set_text("", None))

    def open(self) -> None:
        def choose() -> None:
            start = str(self.path.parent) if self.path else ""
            name, _ = QFileDialog.getOpenFileName(self.window, "Open", start, FILE_FILTER)
            if name:
                self.load(Path(name))

        self.confirm_discard(choose)

    def open_recent(self, path: Path) -> None:
        self.confirm_discard(lambda: self.load(path))

    def load(self, path: Path) -> bool:
        """Read `path` into the editor (no unsaved-changes check)."""
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            inform(self.window, "Cannot open file", f"{path} could not be opened:\n{error}")
            return False
        self._set_text(text, path)
        self._remember(path)
        return True

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self.write(self.path)

    def save_as(self) -> bool:
        start = str(self.path) if self.path else "Untitled.txt"
        name, _ = QFileDialog.getSaveFileName(self.window, "Save As", start, FILE_FILTER)
        return bool(name) and self.write(Path(name))

    def write(self, path: Path) -> bool:
        """Save the text to `path` atomically (a crash never leaves half a file)."""
        try:
            write_atomic(path, self.editor.toPlainText())
        except OSError as error:
            inform(self.window, "Cannot save", f"{path} could not be written:\n{error}")
            return False
        log.info("saved %s", path)
        self.path = path
        self.editor.document().setModified(False)
        self._update_title()
        self._remember(path)
        self.clean.emit()
        return True

    def _remember(self, path: Path) -> None:
        self.settings.add_recent_file(str(path))
        self.store.save(self.settings)
        self.recent_changed.emit()
