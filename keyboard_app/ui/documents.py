"""The open document: New, Open, Save, Save As, recent files, the window title.

A file keeps what it had: its UTF-8 BOM and line endings are remembered when it is opened and
written back on saving (see `text_file`). Saving is atomic, or in place in a folder the user cannot
write to; what is not a regular file (a named pipe, a device) is refused before it is opened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from keyboard_app.settings import Settings
from keyboard_app.ui.dialogs.messages import Button, ask, inform
from keyboard_app.ui.editor import Editor
from keyboard_app.ui.text_file import (
    NEWLINE_NAMES,
    FileVersion,
    TextFileError,
    TextFormat,
    read_text_file,
    save_error_message,
    save_text_file,
)

log = logging.getLogger(__name__)

APP_TITLE = "Keyboard App"
FILE_FILTER = "Text files (*.txt *.md);;All files (*)"


class DocumentController(QObject):
    """File operations on the editor's document; the window title shows the name and `*`.

    `save_settings` is called after the recent files changed (the window writes the settings and
    tells the user once if it cannot)."""

    # The recent-files list changed.
    recent_changed = Signal()
    # A document was saved, opened or cleared: nothing unsaved remains.
    clean = Signal()
    # The whole text was replaced (New, Open, recovered text): what was made from the old goes.
    replaced = Signal()
    # Something to tell the user in the status bar.
    message = Signal(str)

    def __init__(
        self,
        window: QMainWindow,
        editor: Editor,
        settings: Settings,
        save_settings: Callable[[], object],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.editor = editor
        self.settings = settings
        self.save_settings = save_settings
        self.path: Path | None = None
        # The file as it was when opened or last saved here: a change by another program since
        # is asked about before it is saved over (None: nothing known, nothing asked)
        self._on_disk: FileVersion | None = None
        self.format = TextFormat()
        self.prompt: QMessageBox | None = None
        editor.document().modificationChanged.connect(window.setWindowModified)
        self._update_title()

    @property
    def modified(self) -> bool:
        return self.editor.document().isModified()

    def _update_title(self) -> None:
        name = self.path.name if self.path else "Untitled"
        # "[*]" is Qt's placeholder for the modified mark; one in a file name is shown as it is.
        name = name.replace("[*]", "[*][*]")
        self.window.setWindowTitle(f"{name}[*] — {APP_TITLE}")
        self.window.setWindowModified(self.modified)

    def _set_text(
        self,
        text: str,
        path: Path | None,
        text_format: TextFormat,
        version: FileVersion | None = None,
    ) -> None:
        self.replaced.emit()
        self.editor.set_text(text)
        self.editor.document().setModified(False)
        self.path = path
        self._on_disk = version
        self.format = text_format
        self._update_title()
        self.clean.emit()

    @property
    def file_digest(self) -> str:
        """The SHA-256 of the file's content as opened or saved here ('' when unknown): kept with
        the recovery text, so that a restored text is not saved over a file changed since."""
        return self._on_disk.digest if self._on_disk is not None else ""

    def restore(
        self, text: str, path: Path | None, text_format: TextFormat, file_digest: str = ""
    ) -> None:
        """Put recovered text back; it stays marked unsaved until the user saves it. With the
        file's content it was based on (`file_digest`), saving asks first if the file changed."""
        self.replaced.emit()
        self.editor.set_text(text)
        self.path = path
        self._on_disk = FileVersion.of_content(file_digest) if path and file_digest else None
        self.format = text_format
        self.editor.document().setModified(True)
        self._update_title()

    # --- unsaved changes ---

    def confirm_discard(self, then: Callable[[], object]) -> None:
        """Run `then` now if nothing is unsaved; otherwise ask to save, discard or cancel first."""
        if not self.modified:
            then()
            return
        if self.prompt is not None:  # asked already (Quit twice, Ctrl+C again): that one stands
            self.prompt.raise_()
            self.prompt.activateWindow()
            return

        def answered(button: Button) -> None:
            self.prompt = None
            if button == Button.Save:
                if self.save(then):
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
        self.confirm_discard(lambda: self._set_text("", None, TextFormat()))

    def new_file(self, path: Path) -> None:
        """A new document for a file not written yet (named on the command line), saved to it."""
        self._set_text("", path, TextFormat())
        self.message.emit(f"{path.name} is a new file: saving writes it.")

    def open(self) -> None:
        def choose() -> None:
            start = str(self.path.parent) if self.path else ""
            name, _ = QFileDialog.getOpenFileName(self.window, "Open", start, FILE_FILTER)
            if name:
                self.load(Path(name))

        self.confirm_discard(choose)

    def open_recent(self, path: Path) -> None:
        """Open `path` (Open Recent, a file dropped on the text) after the unsaved-changes
        question; a file gone since is taken out of Open Recent, where it would fail each time."""
        if not path.exists():
            self.settings.forget_recent_file(str(path))
            self._recent_files_changed()
            inform(
                self.window,
                "Cannot open file",
                f"{path} no longer exists; it is taken out of Open Recent.",
            )
            return
        self.confirm_discard(lambda: self.load(path))

    def load(self, path: Path) -> bool:
        """Read `path` into the editor (no unsaved-changes check)."""
        try:
            opened = read_text_file(path)
        except TextFileError as error:
            inform(self.window, "Cannot open file", str(error))
            return False
        self._set_text(opened.text, path, opened.format, opened.version)
        newline = NEWLINE_NAMES[opened.format.newline]
        if opened.mixed:
            self.message.emit(
                f"{path.name} mixes line endings; saving writes them all as {newline}."
            )
        if opened.made_line_breaks:
            self.message.emit(
                f"{path.name} has {opened.made_line_breaks} paragraph separator(s) (U+2029) or "
                f"U+FDD0/U+FDD1, which the editor holds as line breaks; saving writes {newline}."
            )
        self.remember(path)
        return True

    def save(self, then: Callable[[], object] | None = None) -> bool:
        """Save to the document's file (Save As without one). When another program changed the
        file since it was opened or saved here, ask first and return False: `then` runs once the
        user has chosen to save over it and it is saved."""
        if self.path is None:
            return self.save_as()
        if self._on_disk is not None and self._on_disk.changed(self.path):
            self._ask_to_save_over(self.path, then)
            return False
        return self.write(self.path)

    def _ask_to_save_over(self, path: Path, then: Callable[[], object] | None) -> None:
        def answered(button: Button) -> None:
            self.prompt = None
            if button == Button.Save and self.write(path) and then is not None:
                then()

        self.prompt = ask(
            self.window,
            "File changed on disk",
            f"“{path.name}” was changed by another program since it was opened here. Save your "
            "text over it (what the other program wrote is then lost)? Cancel keeps both: Save "
            "As… can put yours in another file.",
            Button.Save | Button.Cancel,
            answered,
            default=Button.Cancel,
            icon=QMessageBox.Icon.Warning,
        )

    def save_as(self) -> bool:
        start = str(self.path) if self.path else "Untitled.txt"
        name, _ = QFileDialog.getSaveFileName(self.window, "Save As", start, FILE_FILTER)
        return bool(name) and self.write(Path(name))

    def write(self, path: Path) -> bool:
        """Save the text to `path` (atomically, or in place where the folder is read-only)."""
        try:
            saved = save_text_file(path, self.editor.text(), self.format)
        except OSError as error:
            log.warning("cannot save %s: %s", path, error)
            inform(self.window, "Cannot save", save_error_message(path, error))
            return False
        log.info("saved %s", path)
        if saved.in_place:
            self.message.emit(f"Saved {path.name} in place: its folder cannot be written to.")
        self.path = path
        self._on_disk = saved.version
        self.editor.document().setModified(False)
        self._update_title()
        self.remember(path)
        self.clean.emit()
        return True

    def remember(self, path: Path) -> None:
        """Put `path` first in the recent files."""
        self.settings.add_recent_file(str(path))
        self._recent_files_changed()

    def _recent_files_changed(self) -> None:
        self.save_settings()
        self.recent_changed.emit()
