"""Model > Connect to Server...: a real llama-server on 127.0.0.1, the fallback when it goes away."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from keyboard_app.engine import Predictor
from keyboard_app.engine.sources.corrections import CorrectionSource
from keyboard_app.models.serve import ServerProcess
from keyboard_app.settings import settings_from_dict
from keyboard_app.ui.dialogs.connect_server import ConnectServerDialog
from keyboard_app.ui.main_window import MainWindow
from keyboard_app.ui.server_link import ConnectRequest, ServerLink
from tests.llama_server import running_server
from tests.ui.conftest import LOAD_TIMEOUT_MS, ui_settings

KEY = "team-key-123"


@pytest.fixture
def server(model_path: Path) -> Iterator[ServerProcess]:
    with running_server(model_path, parallel=2, api_key=KEY) as process:
        yield process


@pytest.fixture
def connected(
    qtbot: QtBot, make_window: Callable[..., MainWindow], model_path: Path, server: ServerProcess
) -> MainWindow:
    win = make_window(ui_settings(), model_path)
    with qtbot.waitSignal(win.client.server_changed, timeout=LOAD_TIMEOUT_MS) as changed:
        win.server.connect_to(server.url, KEY)
    assert changed.args is not None and changed.args[0] is not None
    return win


def _action(win: MainWindow, text: str) -> QAction:
    return next(a for a in win.findChildren(QAction) if a.text() == text)


def test_connect_shows_the_server_then_disconnect_returns_to_the_local_model(
    qtbot: QtBot, connected: MainWindow, server: ServerProcess
) -> None:
    win = connected
    assert server.url in win.status.device_label.text()
    assert "ms round trip" in win.status.device_label.text()
    assert "on server" in win.status.model_label.text()
    assert win.settings.server_url == server.url
    disconnect = _action(win, "&Disconnect")
    assert disconnect.isEnabled()
    qtbot.keyClicks(win.editor, "Once upon a ti")
    qtbot.waitUntil(lambda: win.strip.context == "Once upon a ti" and bool(win.strip.best()))
    with qtbot.waitSignal(win.client.server_changed, timeout=5000) as changed:
        disconnect.trigger()
    assert changed.args == [None]
    assert not disconnect.isEnabled()
    assert "on server" not in win.status.model_label.text()


def test_a_server_killed_while_typing_falls_back_to_the_local_model(
    qtbot: QtBot, connected: MainWindow, server: ServerProcess
) -> None:
    win = connected
    qtbot.keyClicks(win.editor, "Once upon a")
    qtbot.waitUntil(lambda: win.strip.context == "Once upon a")
    server.process.kill()
    server.process.wait()
    started = time.perf_counter()
    with qtbot.waitSignal(win.client.server_lost, timeout=2000):
        qtbot.keyClicks(win.editor, " ti")
    qtbot.waitUntil(lambda: win.strip.context == "Once upon a ti" and bool(win.strip.best()))
    assert time.perf_counter() - started < 1.0  # the local model answered within a second
    assert win.editor.toPlainText() == "Once upon a ti"
    assert win.server.notice.isVisible()
    assert not _action(win, "&Disconnect").isEnabled()
    qtbot.keyClicks(win.editor, "me")  # typing goes on, on the local model
    qtbot.waitUntil(lambda: win.strip.context == "Once upon a time")


def test_a_wrong_key_is_told_and_the_local_model_stays(
    qtbot: QtBot, make_window: Callable[..., MainWindow], model_path: Path, server: ServerProcess
) -> None:
    win = make_window(ui_settings(), model_path)
    with qtbot.waitSignal(win.client.server_failed, timeout=LOAD_TIMEOUT_MS) as failed:
        win.server.connect_to(server.url, "wrong")
    assert failed.args is not None and "refused the API key" in failed.args[0]
    qtbot.keyClicks(win.editor, "Once upon a")
    qtbot.waitUntil(lambda: win.strip.context == "Once upon a" and bool(win.strip.best()))


def test_the_dialog_warns_about_unencrypted_addresses_and_tests_the_server(
    qtbot: QtBot, server: ServerProcess
) -> None:
    dialog = ConnectServerDialog("http://192.168.1.20:8080", "", None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.warning.isVisible()
    assert dialog.api_key.echoMode() == dialog.api_key.EchoMode.Password
    for safe in ("https://keyboard.example.org", "http://localhost:8080", server.url):
        dialog.url.setText(safe)
        assert not dialog.warning.isVisible(), safe
    with qtbot.waitSignal(dialog.tested, timeout=5000):
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert "needs an API key" in dialog.test_result.text()
    dialog.api_key.setText(KEY)
    with qtbot.waitSignal(dialog.tested, timeout=5000):
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert dialog.test_result.text().startswith("OK: stand-in")


def test_the_key_is_never_logged(
    qtbot: QtBot,
    caplog: pytest.LogCaptureFixture,
    make_window: Callable[..., MainWindow],
    model_path: Path,
    server: ServerProcess,
) -> None:
    caplog.set_level(logging.DEBUG)
    win = make_window(ui_settings(), model_path)
    with qtbot.waitSignal(win.client.server_changed, timeout=LOAD_TIMEOUT_MS):
        win.server.connect_to(server.url, KEY)
    qtbot.keyClicks(win.editor, "Once upon")
    qtbot.waitUntil(lambda: win.strip.context == "Once upon")
    settings_from_dict({"server_api_key": ["not", KEY]})  # invalid: logged without its value
    assert "server_api_key" in caplog.text
    assert server.url in caplog.text
    assert KEY not in caplog.text


def test_disconnect_without_a_server_keeps_the_local_model(
    qtbot: QtBot, make_window: Callable[..., MainWindow], model_path: Path
) -> None:
    win = make_window(ui_settings(), model_path)
    with qtbot.waitSignal(win.client.server_changed, timeout=5000) as changed:
        win.server.disconnect_server()
    assert changed.args == [None]
    qtbot.keyClicks(win.editor, "Once upon a")
    qtbot.waitUntil(lambda: win.strip.context == "Once upon a" and bool(win.strip.best()))


def test_the_server_predictor_keeps_its_own_sources_and_the_users_words(
    random_model: Path, server: ServerProcess, tmp_path: Path
) -> None:
    local = Predictor.load(random_model, personal=tmp_path / "personal.sqlite3")
    local.keep_word("teh")  # taken back from autocorrect before connecting
    link = ServerLink()
    remote, _ = link.connect(local, ConnectRequest(1, server.url, KEY))
    corrections = [s for s in remote.sources if isinstance(s, CorrectionSource)]
    # Scored with the server's model, not the local one's last distribution.
    assert corrections and all(c._network is remote.network for c in corrections)
    assert [s.kind for s in remote.sources].count("personal") == 1
    assert remote.personal_store is local.personal_store
    assert "teh" in remote.kept_words
    remote.keep_word("wrold")  # taken back while connected
    back = link.disconnect(remote)
    assert back is local and "wrold" in back.kept_words
    back.close()
