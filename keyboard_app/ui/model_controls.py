"""The app's model: loading it in the engine thread, Models... and Open Model File..., and what
happens when a model cannot be loaded.

The model the app starts on next time (the model store's default, also set by `keyboard-app models
use`) changes only once the chosen model has loaded: a model that fails keeps the one the app had,
and the choice stays as it was. When nothing is loaded yet (the app starting on a chosen model
that has since broken), the built-in model is loaded instead, and the message says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from keyboard_app import paths
from keyboard_app.models import store as model_store
from keyboard_app.models.errors import ModelManagerError
from keyboard_app.ui.dialogs.messages import inform
from keyboard_app.ui.status_bar import NO_MODEL

if TYPE_CHECKING:
    from keyboard_app.engine.predictor import ModelInfo
    from keyboard_app.settings import Settings
    from keyboard_app.ui.dialogs.model_dialog import ModelDialog
    from keyboard_app.ui.engine_client import EngineClient
    from keyboard_app.ui.status_bar import StatusBar

log = logging.getLogger(__name__)

GGUF_FILTER = "GGUF models (*.gguf);;All files (*)"
Remember = Callable[[], None]  # makes the model just loaded the one the app starts on
RELOAD_LATER = "The model file {name} was removed: the new settings apply to the next model loaded."


class ModelControls(QObject):
    """Loads models for the window; `dialog` is the Models dialog once shown."""

    def __init__(
        self,
        window: QWidget,
        client: EngineClient,
        status: StatusBar,
        settings: Callable[[], Settings],
        personal_store: Path,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._client = client
        self._status = status
        self._settings = settings
        self._personal_store = personal_store
        self.dialog: ModelDialog | None = None
        self.message: QMessageBox | None = None  # the last "cannot load" or "cannot use" box
        # The model being loaded, what makes it the one the app starts on, and whether a server
        # in use stays.
        self._loading: tuple[Path, Remember | None, bool] | None = None
        client.loaded.connect(self._on_loaded)
        client.load_failed.connect(self._on_load_failed)

    def load(
        self, path: str | Path, remember: Remember | None = None, *, keep_server: bool = False
    ) -> None:
        """Load `path` in the engine thread (the editor stays usable meanwhile); once it has
        loaded, `remember` makes it the model the app starts on. With `keep_server`, a server in
        use stays in use (`EngineClient.load`)."""
        self._loading = (Path(path), remember, keep_server)
        self._status.show_loading(Path(path).name)
        s = self._settings()
        personal = str(self._personal_store)
        self._client.load(
            str(path),
            s.n_threads or None,
            s.gpu_layers,
            s.filter_offensive,
            personal,
            keep_server=keep_server,
        )

    def reload(self) -> None:
        """Load again, with the engine options just changed, the model being loaded (what it
        is to be remembered as kept), else the one loaded, a server in use staying in use;
        nothing when there is neither, or when the file of the one loaded was removed since
        (the options apply to the next model loaded, and the status bar says so)."""
        if self._loading is not None:
            path, remember, keep_server = self._loading
            self.load(path, remember, keep_server=keep_server)
        elif self._client.model_info is not None:
            path = self._client.model_info.path
            if path.is_file():
                self.load(path, keep_server=True)
            else:
                self._status.showMessage(RELOAD_LATER.format(name=path.name), 10_000)

    def use_file(self, path: str) -> None:
        """A GGUF the user chose (Open Model File), the model store's default once loaded."""
        self.load(path, lambda: self._remember(lambda: model_store.set_default_file(Path(path))))

    def use_installed(self, name: str) -> None:
        """A model of the store chosen in the Models dialog ("" for the built-in model)."""
        try:  # the manifest's file, never one of that name in the current folder
            path = model_store.get_model(name).path if name else paths.builtin_model_path()
        except ModelManagerError as error:
            self.message = inform(self._window, "Cannot use the model", str(error))
            return
        self.load(path, lambda: self._remember(lambda: model_store.set_default_model(name or None)))

    def open_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self._window, "Open model file", "", GGUF_FILTER)
        if name:
            self.use_file(name)

    def show_dialog(self) -> None:
        """Show the Models dialog, in front and with the keyboard (raising it alone left the
        keys going to the editor)."""
        from keyboard_app.ui.dialogs.model_dialog import ModelDialog

        if self.dialog is None:
            self.dialog = ModelDialog(self._window)
            self.dialog.installed_chosen.connect(self.use_installed)
            self.dialog.file_chosen.connect(self.use_file)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()

    def shutdown(self) -> None:
        """Stop the dialog's import or download (joined)."""
        if self.dialog is not None:
            self.dialog.runner.shutdown()

    def _on_loaded(self, info: ModelInfo) -> None:
        if self._client.server is not None:  # the local model kept behind the server
            self._status.show_server(self._client.server)
        else:
            self._status.show_model(info)
        remember = self._loading[1] if self._loading is not None else None
        self._loading = None
        if remember is not None:
            remember()

    def _remember(self, choose: Callable[[], object]) -> None:
        try:
            choose()
        except ModelManagerError as error:
            self._status.showMessage(str(error), 5000)
            return
        if self.dialog is not None:
            self.dialog.refresh()  # its "(default)" mark

    def _on_load_failed(self, message: str) -> None:
        failed = self._loading[0] if self._loading is not None else None
        self._loading = None
        info = self._client.model_info
        builtin = paths.builtin_model_path()
        if info is None and failed is not None and builtin.is_file() and failed != builtin:
            log.warning("cannot load %s (%s); loading the built-in model", failed, message)
            message += " The built-in model is used instead."
            self.load(builtin)
        elif self._client.server is not None:  # a reload behind the server: the server stays
            self._status.show_server(self._client.server)
        elif info is None:
            self._status.show_no_model(NO_MODEL)
        else:
            self._status.show_model(info)
        self.message = inform(self._window, "Cannot load the model", message)
