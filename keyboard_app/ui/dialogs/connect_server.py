"""Model > Connect to Server...: a llama-server's URL and API key, a test, then Connect.

The test checks the server in a background thread (`remote_connect.check_server`: reachable, the
key accepted, a GPT-2 with GPT-2's vocabulary) so that the dialog never freezes. A plain `http://`
URL to another machine gets a warning: the text and the key would travel unencrypted. Connect
closes the dialog at once (the app connects in the background); if that failed, the dialog
opened again says why.
"""

from __future__ import annotations

import contextlib
import threading

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.remote import ServerAddress, ServerClient
from keyboard_app.engine.remote_connect import check_server

PRIVACY = (
    "The text before the cursor is sent to the server while you type, and the server can see "
    "it. Connect only to a server you trust."
)
UNENCRYPTED = (
    "This address is not encrypted (http:// to another machine): your text and the API key "
    "travel in the clear. Use https:// (a reverse proxy in front of the server) if you can."
)


def server_test(url: str, api_key: str | None) -> str:
    """One line saying what the server at `url` runs, or why it cannot be used."""
    try:
        client = ServerClient(url, api_key, timeout=3.0)
    except ModelError as error:
        return str(error)
    try:
        model = check_server(client)
    except ModelError as error:
        return str(error)
    finally:
        client.close()
    return f"OK: {model.name}, {model.total_slots} slots, {model.round_trip_ms:.0f} ms round trip."


class ConnectServerDialog(QDialog):
    """`connect_requested(url, api_key)` when the user presses Connect."""

    connect_requested = Signal(str, str)
    tested = Signal(str)  # the test's result line (from the test's thread, queued)

    def __init__(
        self, url: str, api_key: str, parent: QWidget | None = None, *, last_failure: str = ""
    ) -> None:
        """`last_failure`: why the last Connect failed (told in the status bar meanwhile)."""
        super().__init__(parent)
        self.setWindowTitle("Connect to Server")
        self.url = QLineEdit(url or "http://127.0.0.1:8080", self)
        self.url.setAccessibleName("Server URL")
        self.api_key = QLineEdit(api_key, self)
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setAccessibleName("API key")
        self.api_key.setPlaceholderText("none")
        self.warning = QLabel(UNENCRYPTED, self)
        self.warning.setWordWrap(True)
        self.test_result = QLabel(
            f"Connection failed: {last_failure}" if last_failure else "", self
        )
        self.test_result.setWordWrap(True)
        self.test_result.setTextFormat(Qt.TextFormat.PlainText)
        self.test_button = QPushButton("&Test", self)
        self.test_button.clicked.connect(self.test)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        connect = buttons.button(QDialogButtonBox.StandardButton.Ok)
        connect.setText("Co&nnect")  # &C is Cancel's under GNOME and KDE
        buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self._connect)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&URL:", self.url)
        form.addRow("API &key:", self.api_key)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        privacy = QLabel(PRIVACY, self)
        privacy.setWordWrap(True)
        layout.addWidget(privacy)
        layout.addWidget(self.warning)
        layout.addWidget(self.test_result)
        layout.addWidget(buttons)
        self.tested.connect(self._show_test)
        self.url.textChanged.connect(self._check_url)
        self._check_url(self.url.text())

    def _check_url(self, text: str) -> None:
        try:
            unencrypted = ServerAddress.parse(text).unencrypted_remote
        except ModelError:
            unencrypted = False
        self.warning.setVisible(unencrypted)

    def test(self) -> None:
        """Check the server in a background thread; `tested` brings the answer back."""
        self.test_button.setEnabled(False)
        self.test_result.setText("Testing…")
        url, key = self.url.text().strip(), self.api_key.text().strip() or None

        def report() -> None:
            line = server_test(url, key)
            with contextlib.suppress(RuntimeError):  # the dialog was deleted meanwhile
                self.tested.emit(line)

        threading.Thread(target=report, daemon=True).start()

    def _show_test(self, line: str) -> None:
        self.test_result.setText(line)
        self.test_button.setEnabled(True)

    def _connect(self) -> None:
        self.connect_requested.emit(self.url.text().strip(), self.api_key.text().strip())
        self.accept()
