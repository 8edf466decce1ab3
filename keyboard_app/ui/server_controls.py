"""The app's side of a llama-server: Model > Connect to Server..., Disconnect, the status bar, and
the strip's discreet notice when the server goes away (the local model has taken over by then) or
cannot be connected to.

Nothing is sent anywhere until the user presses Connect; the connection is not restored when the
app starts again (the URL and the key are remembered for the dialog). The connection is made in
the background while the user types on: a failure is told without a message box, which would
take the keys being typed (the status bar and the notice say it; the dialog, opened again, too).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from keyboard_app.ui.dialogs.connect_server import ConnectServerDialog
from keyboard_app.ui.status_bar import NO_MODEL

if TYPE_CHECKING:
    from keyboard_app.settings import Settings
    from keyboard_app.ui.engine_client import EngineClient
    from keyboard_app.ui.server_link import ServerStatus
    from keyboard_app.ui.status_bar import StatusBar

NOTICE_MS = 6000
NOTICE_FONT_SCALE = 0.9
FAILURE_MESSAGE_MS = 30_000  # a failed connection's reason in the status bar


class StripNotice(QLabel):
    """A small line over the strip's right end, gone after a few seconds. In the text's own
    colour (the palette's mid grey was unreadable on a dark theme), a little smaller than the
    desktop's font (never a size in pixels: it follows the desktop's), and read out as what it
    says (a screen reader heard its name alone)."""

    def __init__(self, strip: QWidget) -> None:
        super().__init__(strip)
        self.setTextFormat(Qt.TextFormat.PlainText)
        font = self.font()
        if font.pointSizeF() > 0:  # (-1 for a font set in pixels)
            font.setPointSizeF(font.pointSizeF() * NOTICE_FONT_SCALE)
            self.setFont(font)
        self.setContentsMargins(8, 0, 8, 0)
        self.setAccessibleDescription("Suggestions notice")
        self.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)

    def notify(self, text: str) -> None:
        self.setText(text)
        self.adjustSize()
        parent = self.parentWidget()
        if parent is not None:
            self.move(max(0, parent.width() - self.width()), 0)
        self.show()
        self.raise_()
        self._timer.start(NOTICE_MS)


class ServerControls(QObject):
    """Connect / Disconnect; `connected_changed(bool)` for the menu's Disconnect."""

    connected_changed = Signal(bool)

    def __init__(
        self,
        window: QWidget,
        client: EngineClient,
        status: StatusBar,
        strip: QWidget,
        settings: Callable[[], Settings],
        save_settings: Callable[[], bool],
    ) -> None:
        """`settings` gives the window's settings of the moment (Preferences replaces them)."""
        super().__init__(window)
        self._window = window
        self._client = client
        self._status = status
        self._settings = settings
        self._save = save_settings
        self.notice = StripNotice(strip)
        self.connected: ServerStatus | None = None
        self.dialog: QWidget | None = None
        self.last_failure = ""  # why the last connection failed, shown when the dialog opens
        client.server_changed.connect(self._on_server)
        client.server_failed.connect(self._on_failed)
        client.server_lost.connect(self._on_lost)
        client.loaded.connect(self._on_local_model)

    def show_dialog(self) -> None:
        s = self._settings()
        if self.dialog is not None:  # one at a time: a closed one (holding the key) is not kept
            self.dialog.deleteLater()
        dialog = ConnectServerDialog(
            s.server_url, s.server_api_key, self._window, last_failure=self.last_failure
        )
        dialog.connect_requested.connect(self.connect_to)
        dialog.rejected.connect(dialog.api_key.clear)  # a key typed, then Cancel: not kept
        self.dialog = dialog
        dialog.open()

    def connect_to(self, url: str, api_key: str) -> None:
        settings = self._settings()
        settings.server_url = url
        settings.server_api_key = api_key
        self._save()
        self._status.showMessage(f"Connecting to {url} …")
        self._client.connect_server(url, api_key or None)

    def disconnect_server(self) -> None:
        self._client.connect_server(None)

    def _on_server(self, status: ServerStatus | None) -> None:
        self.connected = status
        self.last_failure = ""
        self._status.clearMessage()
        if status is None:
            self._show_local_model()
        else:
            self._status.show_server(status)
        self.connected_changed.emit(status is not None)

    def _on_failed(self, message: str) -> None:
        """Nothing changed (the model in use stays): said where it takes no keystroke."""
        self.last_failure = message
        self._status.showMessage(f"Connection failed: {message}", FAILURE_MESSAGE_MS)
        self.notice.notify("Could not connect to the server (the status bar says why)")

    def _on_lost(self, message: str) -> None:
        self.connected = None
        local = self._client.model_info is not None
        self.notice.notify(
            "Server unavailable: suggestions from this computer"
            if local
            else "Server unavailable: no model on this computer"
        )
        self._status.showMessage(message, 10_000)
        self._show_local_model()
        self.connected_changed.emit(False)

    def _show_local_model(self) -> None:
        """The status bar after leaving the server: the local model, or that there is none."""
        info = self._client.model_info
        if info is None:
            self._status.show_no_model(NO_MODEL)
        else:
            self._status.show_model(info)

    def _on_local_model(self) -> None:
        """A model loaded while connected replaces the server (the worker's rule), unless it was
        the local model loaded again with other options, kept behind the server."""
        if self.connected is not None and self._client.server is None:
            self.connected = None
            self.connected_changed.emit(False)
