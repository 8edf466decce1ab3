"""The main window: composes the editor, strip, explorer and panels, and wires their controllers."""

from __future__ import annotations

import copy
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QPalette, QScreen
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from keyboard_app import __version__, paths
from keyboard_app.settings import LEARNING_SWITCHES, Settings, SettingsStore
from keyboard_app.ui import actions as window_actions
from keyboard_app.ui.alternatives import AlternativesPanel
from keyboard_app.ui.autocorrect import (
    AUTOCORRECT_TOLD_MS,
    AutocorrectController,
    Correction,
    autocorrect_told,
)
from keyboard_app.ui.continuation import PREVIEW_KEYS, ContinuationController
from keyboard_app.ui.dialogs.messages import inform
from keyboard_app.ui.dialogs.settings_dialog import SettingsDialog
from keyboard_app.ui.documents import APP_TITLE, DocumentController
from keyboard_app.ui.editor import Editor
from keyboard_app.ui.engine_client import EngineClient
from keyboard_app.ui.explorer import ExplorerPanel
from keyboard_app.ui.find_bar import FindBar
from keyboard_app.ui.inline import InlineController
from keyboard_app.ui.model_controls import ModelControls
from keyboard_app.ui.personal_controls import PersonalControls
from keyboard_app.ui.recovery import Autosaver
from keyboard_app.ui.recovery_offer import RecoveryOffer
from keyboard_app.ui.server_controls import ServerControls
from keyboard_app.ui.settings_watcher import SettingsWatcher
from keyboard_app.ui.status_bar import StatusBar
from keyboard_app.ui.suggestion_strip import SuggestionStrip
from keyboard_app.ui.suggestions import SuggestionController
from keyboard_app.ui.text_file import describe
from keyboard_app.ui.theme import restyle, writing_font

if TYPE_CHECKING:
    from keyboard_app.ui.dialogs.model_dialog import ModelDialog

log = logging.getLogger(__name__)

# The editor's column keeps room for this many characters of the interface font: in a narrow
# window the explorer gives up its width (down to its own minimum), not the editor (it was left
# one letter wide beside a full-width explorer).
EDITOR_MINIMUM_CHARACTERS = 30


class MainWindow(QMainWindow):
    def __init__(
        self,
        settings: Settings,
        store: SettingsStore,
        *,
        recovery_file: Path | None = None,
        personal_store: Path | None = None,
    ) -> None:
        """`personal_store`: the file of the words learned (default: the user's own)."""
        super().__init__()
        self.personal_store = personal_store or paths.personal_store_path()
        self.settings = settings
        self.store = store
        self.resize(fitted_size(settings.window_width, settings.window_height, self.screen()))
        self.client = EngineClient(self)
        self.editor = Editor(self)
        self.strip = SuggestionStrip(settings.suggestion_count, self)
        self.explorer = ExplorerPanel(self)
        self.alternatives = AlternativesPanel(parent=self)
        self.find_bar = FindBar(self.editor, self)
        self.status = StatusBar(self)
        self._compose()
        self.suggestions = SuggestionController(
            self.editor,
            self.strip,
            self.explorer,
            self.client,
            self._typed_in_a_row,
            settings.suggestion_count,
        )
        self.continuation = ContinuationController(
            self.editor, self.alternatives, self.client, settings
        )
        self.inline = InlineController(self.editor, self.client)
        self.autocorrect = AutocorrectController(self.editor, self.strip, self._typed_in_a_row)
        self.documents = DocumentController(self, self.editor, settings, self.save_settings)
        self.personal = PersonalControls(
            self, self.editor, self.client, self.status, self.save_settings, self.personal_store
        )
        self.settings_watcher = SettingsWatcher(store.path, self)
        self.autosaver = Autosaver(
            self.editor,
            lambda: (
                str(self.documents.path or ""),
                self.documents.format,
                self.documents.file_digest,
            ),
            recovery_file,
        )
        self.recovery = RecoveryOffer(self, self.documents, self.autosaver)
        self.server = ServerControls(
            self, self.client, self.status, self.strip, lambda: self.settings, self.save_settings
        )
        self.models = ModelControls(
            self, self.client, self.status, lambda: self.settings, self.personal_store
        )
        self.menu_actions = window_actions.install_actions(self)
        self.dialog: QDialog | None = None
        self._closing = False
        self._shut_down = False
        self._settings_unsaved_told = False
        self._styled_palette = QPalette(QApplication.palette())  # a copy: not the live one
        self._restyle_pending = False
        self._wire()
        self.apply_settings(settings)
        self.editor.setFocus()

    def _compose(self) -> None:
        column = QWidget(self)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.alternatives)
        layout.addWidget(self.strip)
        # On the editor, not the column: the column's own minimum would override its layout's
        # (the strip's slots were squeezed under the room they keep for "…").
        self.editor.setMinimumWidth(
            EDITOR_MINIMUM_CHARACTERS * self.fontMetrics().averageCharWidth()
        )
        self.alternatives.hide()
        self.find_bar.hide()
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(column)
        splitter.addWidget(self.explorer)
        splitter.setStretchFactor(0, 1)
        splitter.setCollapsible(0, False)
        self.setCentralWidget(splitter)
        self.setStatusBar(self.status)
        self.setWindowTitle(APP_TITLE)

    def _wire(self) -> None:
        c = self.client
        c.failed.connect(lambda message: self.status.showMessage(message, 5000))
        self.suggestions.shown.connect(lambda _context, ms: self.status.show_latency(ms))
        self.suggestions.taken.connect(self.personal.learner.on_taken)
        self.autocorrect.restored.connect(lambda undone: self.client.keep_word(undone.typed))
        self.autocorrect.restored.connect(self.personal.learner.on_restored)
        self.autocorrect.restored.connect(self._untell_autocorrection)
        self.autocorrect.corrected.connect(
            lambda done: self.status.showMessage(autocorrect_told(done), AUTOCORRECT_TOLD_MS)
        )
        self.personal.store_changed.connect(lambda: self.suggestions.refresh(force=True))
        self.settings_watcher.changed.connect(lambda: self.personal.follow_other_copies(self.store))
        for source in (self.continuation, self.documents, self.recovery, self.personal):
            source.message.connect(self._tell)
        self.autosaver.failed.connect(lambda message: self.status.showMessage(message, 10_000))
        self.editor.best_suggestion_requested.connect(self.suggestions.take_best)
        # One document a window: the first file dropped is opened, as Open Recent opens one.
        self.editor.files_dropped.connect(lambda files: self.documents.open_recent(files[0]))
        self.documents.clean.connect(self.autosaver.discard)
        self.documents.replaced.connect(self.continuation.drop)
        self.documents.recent_changed.connect(self._fill_recent)
        self._fill_recent()

    # --- settings ---

    def apply_settings(self, settings: Settings) -> None:
        """Apply `settings` (dialog or start); reload the model if its threads or GPU layers
        changed (a server in use stays in use); the offensive-word filter changes in place."""
        reload = _load_options(settings) != _load_options(self.settings)
        refilter = settings.filter_offensive != self.settings.filter_offensive
        # Turned on, or made less or more sure: asked for again now, not at the next key (not at
        # the start, where `settings` is the window's own).
        reinline = settings.inline_predictions and (
            not self.settings.inline_predictions
            or settings.inline_threshold != self.settings.inline_threshold
        )
        self.settings = settings
        self.continuation.settings = settings
        self.documents.settings = settings
        self.personal.apply(settings)
        self.inline.set_enabled(settings.inline_predictions)
        inline = settings.inline_threshold if settings.inline_predictions else None
        self.suggestions.inline_threshold = inline
        self.suggestions.set_autocorrect(settings.autocorrect)
        self.editor.set_writing_font(writing_font(settings.font_family, settings.font_size))
        if settings.suggestion_count != self.suggestions.count:
            self.suggestions.set_count(settings.suggestion_count)
        window_actions.show_take_actions(self.menu_actions, settings.suggestion_count)
        self.menu_actions.explorer.setChecked(settings.explorer_visible)
        self.explorer.setVisible(settings.explorer_visible)
        if refilter:
            self.client.set_filter(settings.filter_offensive)
        if refilter or reinline:
            self.suggestions.refresh(force=True)
        if reload:
            self.models.reload()

    def show_settings_dialog(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        shown = copy.deepcopy(self.settings)

        def accepted() -> None:
            chosen = dialog.result_settings()
            for name in LEARNING_SWITCHES:  # left as shown: another copy may have changed them
                if getattr(chosen, name) == getattr(shown, name):
                    setattr(chosen, name, getattr(self.settings, name))
            self.apply_settings(chosen)
            self.save_settings()

        dialog.accepted.connect(accepted)
        self.dialog = dialog
        dialog.open()

    def save_settings(self, *, quiet: bool = False) -> bool:
        """Write the settings (merged with another copy's changes: the recent files it added
        appear here too). If they cannot be written, the user is told once, in a dialog (later
        only in the status bar, and with `quiet` only in the log), and the app goes on."""
        try:
            merged = self.store.save(self.settings)
        except OSError as error:
            message = (
                f"The settings cannot be saved: {describe(error)}.\n\n{self.store.path}\n\n"
                "The app goes on with them until it closes."
            )
            log.warning("cannot save the settings to %s: %s", self.store.path, error)
            if not quiet and not self._settings_unsaved_told:
                self._settings_unsaved_told = True
                self.dialog = inform(self, "Settings not saved", message)
            elif not quiet:
                self.status.showMessage(f"The settings cannot be saved: {describe(error)}.", 10_000)
            return False
        if merged.recent_files != self.settings.recent_files:
            self.settings.recent_files = merged.recent_files
            self._fill_recent()
        return True

    def open_files(self, files: list[Path]) -> None:
        """Files named on the command line: the first in the editor (a file not written yet, in
        a folder that exists, as a new document saved there), the others (existing ones) in Open
        Recent, after it."""
        if not files:
            return
        for path in reversed(files[1:]):
            if path.is_file():
                self.settings.add_recent_file(str(path.resolve()))
            else:
                log.warning("not a file: %s", path)
        first = files[0].resolve()
        if _not_written_yet(first):
            self.documents.new_file(first)
        elif self.documents.load(first):  # else a dialog says why
            return
        self.save_settings()
        self._fill_recent()

    def set_explorer_visible(self, visible: bool) -> None:
        self.explorer.setVisible(visible)
        self.settings.explorer_visible = visible
        if visible:
            self.suggestions.explorer_shown()

    def _fill_recent(self) -> None:
        window_actions.fill_recent(
            self.menu_actions, self.settings.recent_files, self.documents.open_recent
        )

    # --- models ---

    @property
    def model_dialog(self) -> ModelDialog | None:
        return self.models.dialog

    def load_model(self, path: str) -> None:
        """Load `path` in the engine thread; the editor stays usable meanwhile."""
        self.models.load(path)

    def use_model_file(self, path: str) -> None:
        """Switch to a GGUF chosen by the user; once it has loaded, it is the model store's default
        (the one record of the chosen model, which `keyboard-app models use` changes too)."""
        self.models.use_file(path)

    def open_model_file(self) -> None:
        self.models.open_file()

    def show_model_dialog(self) -> None:
        self.models.show_dialog()

    def show_about(self) -> None:
        inform(
            self,
            f"About {APP_TITLE}",
            f"{APP_TITLE} {__version__}\nA local predictive keyboard: GPT-2 on llama.cpp.\n\n"
            "MIT licence. Word list from wordfreq's data (CC BY-SA 4.0), misspellings from "
            "codespell and Wikipedia (CC BY-SA 3.0), GPT-2's vocabulary by OpenAI (modified MIT).",
            icon=QMessageBox.Icon.Information,
        )

    def _typed_in_a_row(self) -> int:
        """`Learner.typed_in_a_row`, for the strip's autocorrect mark and autocorrect (made
        before the learner)."""
        return self.personal.learner.typed_in_a_row

    def _untell_autocorrection(self, undone: Correction) -> None:
        """The autocorrection told of is undone: what it said of it is no longer so."""
        if self.status.currentMessage() == autocorrect_told(undone):
            self.status.clearMessage()

    def _tell(self, message: str) -> None:
        """A controller's message, for 10 s; "" takes back the keys told while a continuation
        shows, and nothing else (a continuation that had nothing to add, a save that failed)."""
        if message:
            self.status.showMessage(message, 10_000)
        elif self.status.currentMessage() == PREVIEW_KEYS:
            self.status.clearMessage()

    # --- look ---

    def changeEvent(self, event: QEvent) -> None:
        """The application's palette changed (the desktop's light or dark scheme): the widgets
        with a style sheet follow it, once the change has reached every widget."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and not self._restyle_pending:
            self._restyle_pending = True
            QTimer.singleShot(0, self, self._follow_palette)

    def _follow_palette(self) -> None:
        self._restyle_pending = False
        palette = QPalette(QApplication.palette())
        if palette != self._styled_palette:
            self._styled_palette = palette
            restyle(self)

    # --- recovery and closing ---

    def offer_recovery(self) -> None:
        """If copies of the app ended without saving, offer their text back."""
        self.recovery.start()

    def show_as_left(self) -> None:
        """Show the window maximised if it was left so, else at the size it was left at."""
        if self.settings.window_maximised:
            self.showMaximized()
        else:
            self.show()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing and self.documents.modified:
            event.ignore()
            self.documents.confirm_discard(self._close_confirmed)
            return
        self.shutdown()
        self.autosaver.close()
        event.accept()

    def _close_confirmed(self) -> None:
        self._closing = True
        self.close()

    def shutdown(self) -> None:
        """Stop continuations and background tasks, close the model and join the threads."""
        if self._shut_down:
            return
        self._shut_down = True
        self.continuation.stop()
        self.models.shutdown()
        self.client.shutdown()
        size = self.normalGeometry().size() if self.isMaximized() else self.size()
        self.settings.window_width, self.settings.window_height = size.width(), size.height()
        self.settings.window_maximised = self.isMaximized()
        self.save_settings(quiet=True)


def fitted_size(width: int, height: int, screen: QScreen) -> QSize:
    """The window's size, made to fit the screen's room for windows (a size saved on a larger
    screen, or the default on a small or scaled one, was larger than the screen)."""
    room = screen.availableGeometry().size()
    return QSize(min(width, room.width()), min(height, room.height()))


def _load_options(settings: Settings) -> tuple[int, int | None]:
    return settings.n_threads, settings.gpu_layers


def _not_written_yet(path: Path) -> bool:
    """Whether `path` is a file not written yet in a folder the user may write to (a name too
    long, or a folder the user may not search, is for opening to say why)."""
    try:
        return not path.exists() and path.parent.is_dir() and os.access(path.parent, os.W_OK)
    except OSError:
        return False
