"""Model > Connect to Server...: a real llama-server on 127.0.0.1, the fallback when it goes away."""

from __future__ import annotations

import logging
import re
import shutil
import signal
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAction, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import type_char
from keyboard_app.engine import Predictor
from keyboard_app.engine.remote import ServerClient
from keyboard_app.engine.remote_backend import RemoteBackend
from keyboard_app.engine.sampling import SamplingParams
from keyboard_app.engine.sources.corrections import CorrectionSource
from keyboard_app.models.serve import ServerProcess
from keyboard_app.settings import settings_from_dict
from keyboard_app.ui.continuation import NO_MODEL as NO_MODEL_TO_CONTINUE
from keyboard_app.ui.dialogs.connect_server import ConnectServerDialog
from keyboard_app.ui.engine_client import EngineClient
from keyboard_app.ui.main_window import MainWindow
from keyboard_app.ui.server_link import MAX_FAILURES, ConnectRequest, ServerLink
from keyboard_app.ui.status_bar import NO_MODEL
from keyboard_app.ui.worker import NO_LOCAL_MODEL
from tests.engine.test_server_failures import ANSWERS_500, flaky_proxy
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


def test_a_model_loaded_while_connected_replaces_the_server_and_disconnect_goes(
    qtbot: QtBot, connected: MainWindow, second_model_path: Path
) -> None:
    win = connected
    disconnect = _action(win, "&Disconnect")
    assert disconnect.isEnabled()
    with qtbot.waitSignal(win.client.loaded, timeout=LOAD_TIMEOUT_MS):
        win.load_model(str(second_model_path))
    assert not disconnect.isEnabled()  # nothing to disconnect from: the local model answers
    assert "on server" not in win.status.model_label.text()


def test_a_wrong_key_is_told_and_the_local_model_stays(
    qtbot: QtBot, make_window: Callable[..., MainWindow], model_path: Path, server: ServerProcess
) -> None:
    win = make_window(ui_settings(), model_path)
    with qtbot.waitSignal(win.client.server_failed, timeout=LOAD_TIMEOUT_MS) as failed:
        win.server.connect_to(server.url, "wrong")
    assert failed.args is not None and "refused the API key" in failed.args[0]
    qtbot.keyClicks(win.editor, "Once upon a")
    qtbot.waitUntil(lambda: win.strip.context == "Once upon a" and bool(win.strip.best()))


def test_after_a_connection_that_worked_the_dialog_tells_no_old_failure(
    qtbot: QtBot, make_window: Callable[..., MainWindow], model_path: Path, server: ServerProcess
) -> None:
    win = make_window(ui_settings(), model_path)
    with qtbot.waitSignal(win.client.server_failed, timeout=LOAD_TIMEOUT_MS):
        win.server.connect_to(server.url, "wrong")
    with qtbot.waitSignal(win.client.server_changed, timeout=LOAD_TIMEOUT_MS):
        win.server.connect_to(server.url, KEY)
    win.server.show_dialog()
    dialog = win.server.dialog
    assert isinstance(dialog, ConnectServerDialog)
    assert dialog.test_result.text() == ""
    dialog.reject()


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


def test_new_threads_while_connected_reload_the_local_model_and_keep_the_server(
    qtbot: QtBot, connected: MainWindow, server: ServerProcess
) -> None:
    """The threads (or GPU layers) changed in Settings load the local model again, kept behind
    the server; the server stays in use, and takes over from the new local model when left."""
    win = connected
    assert win.settings.n_threads == 1
    with qtbot.waitSignal(win.client.loaded, timeout=LOAD_TIMEOUT_MS) as loaded:
        win.apply_settings(replace(win.settings, n_threads=2))
    assert loaded.args is not None and win.client.server is not None
    assert _action(win, "&Disconnect").isEnabled()
    assert server.url in win.status.device_label.text()  # not the local model's device
    qtbot.keyClicks(win.editor, "Once upon a ti")
    qtbot.waitUntil(lambda: win.strip.context == "Once upon a ti" and bool(win.strip.best()))
    with qtbot.waitSignal(win.client.server_changed, timeout=5000):
        _action(win, "&Disconnect").trigger()
    assert "(2 threads)" in win.status.device_label.text()
    qtbot.keyClicks(win.editor, "me")
    qtbot.waitUntil(lambda: win.strip.context == "Once upon a time" and bool(win.strip.best()))


def test_a_reload_behind_the_server_that_fails_leaves_the_server_shown_and_in_use(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    model_path: Path,
    server: ServerProcess,
    tmp_path: Path,
) -> None:
    local = tmp_path / "local.gguf"
    shutil.copyfile(model_path, local)
    win = make_window(ui_settings(), local)
    with qtbot.waitSignal(win.client.server_changed, timeout=LOAD_TIMEOUT_MS):
        win.server.connect_to(server.url, KEY)
    local.write_bytes(local.read_bytes()[:4096])  # the local model's file damaged since
    with qtbot.waitSignal(win.client.load_failed, timeout=LOAD_TIMEOUT_MS):
        win.apply_settings(replace(win.settings, n_threads=2))
    assert win.client.server is not None and _action(win, "&Disconnect").isEnabled()
    assert server.url in win.status.device_label.text()
    assert win.models.message is not None
    win.models.message.accept()


def test_the_filter_changed_while_connected_keeps_the_server_and_applies_to_both(
    qtbot: QtBot, connected: MainWindow
) -> None:
    win = connected
    with qtbot.assertNotEmitted(win.client.loaded, wait=500):
        win.apply_settings(replace(win.settings, filter_offensive=False))
    assert _action(win, "&Disconnect").isEnabled() and win.client.server is not None
    qtbot.keyClicks(win.editor, "Hi")
    qtbot.waitUntil(lambda: win.strip.context == "Hi")
    worker = win.client._worker
    assert worker._predictor is not None and worker._link.local is not None
    assert not worker._predictor.filter_offensive and not worker._link.local.filter_offensive


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
    # The user's words are a slip's meanings there too (nalsdi: Naledi).
    assert all(c.personal is local.personal_store for c in corrections)
    assert [s.kind for s in remote.sources].count("personal") == 1
    assert remote.personal_store is local.personal_store
    assert "teh" in remote.kept_words
    remote.keep_word("wrold")  # taken back while connected
    back = link.disconnect(remote)
    assert back is local and "wrold" in back.kept_words
    back.close()


@pytest.fixture
def engine(qtbot: QtBot) -> Iterator[EngineClient]:
    """The engine thread without a local model (it failed to load, or there is none)."""
    client = EngineClient()
    client.set_instant(False)  # no work ahead: every request below is the test's own
    yield client
    client.shutdown()


def _connect(qtbot: QtBot, engine: EngineClient, url: str) -> ServerClient:
    """Connect `engine` to `url`; the server predictor's HTTP client."""
    with qtbot.waitSignal(engine.server_changed, timeout=LOAD_TIMEOUT_MS) as changed:
        engine.connect_server(url)
    assert changed.args is not None and changed.args[0] is not None
    remote = engine._worker._predictor  # the server's, while connected
    assert remote is not None and isinstance(remote.backend, RemoteBackend)
    return remote.backend.client


def _drained(qtbot: QtBot, engine: EngineClient) -> None:
    """Until the engine thread has handled every request sent before (a continuation is
    handled after them, and ends at once without a model)."""
    with qtbot.waitSignal(engine.continuation_done, timeout=10_000):
        engine.continue_text("", SamplingParams(max_tokens=1))


def test_disconnect_without_a_local_model_sends_nothing_more(
    qtbot: QtBot, engine: EngineClient, model_path: Path
) -> None:
    with running_server(model_path, parallel=2) as server:
        client = _connect(qtbot, engine, server.url)
        with qtbot.waitSignal(engine.suggestions, timeout=10_000):
            engine.suggest("My secret plan is to ", 3)
        sent = client.requests_sent
        with qtbot.waitSignal(engine.server_changed, timeout=5000) as changed:
            engine.connect_server(None)
        assert changed.args == [None]
        for text in ("My secret plan is to s", "My secret plan is to sell"):
            engine.suggest(text, 3)
            engine.explore(text)
        _drained(qtbot, engine)
        assert client.requests_sent == sent
        assert engine._worker._predictor is None  # no model, as before connecting


def test_without_a_local_model_the_server_continues_and_disconnect_says_no_model(
    qtbot: QtBot, make_window: Callable[..., MainWindow], server: ServerProcess
) -> None:
    win = make_window(ui_settings())  # no model loaded on this computer
    with qtbot.waitSignal(win.client.server_changed, timeout=LOAD_TIMEOUT_MS):
        win.server.connect_to(server.url, KEY)
    assert win.client.has_model
    qtbot.keyClicks(win.editor, "Once upon a")
    with qtbot.waitSignal(win.continuation.streaming_stopped, timeout=20_000):
        qtbot.keyClick(win.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert win.editor.preview_text
    qtbot.keyClick(win.editor, Qt.Key.Key_Escape)
    with qtbot.waitSignal(win.client.server_changed, timeout=5000):
        _action(win, "&Disconnect").trigger()
    assert not win.client.has_model
    assert win.status.model_label.text() == NO_MODEL


def test_a_server_lost_without_a_local_model_leaves_no_model(
    qtbot: QtBot, make_window: Callable[..., MainWindow], server: ServerProcess
) -> None:
    """Nothing answers any more: Continue says so at once, as before any model was loaded."""
    win = make_window(ui_settings())  # no model loaded on this computer
    with qtbot.waitSignal(win.client.server_changed, timeout=LOAD_TIMEOUT_MS):
        win.server.connect_to(server.url, KEY)
    server.process.kill()
    server.process.wait()
    with qtbot.waitSignal(win.client.server_lost, timeout=10_000):
        qtbot.keyClicks(win.editor, "Once upon a")
    assert not win.client.has_model
    assert win.status.model_label.text() == NO_MODEL
    with qtbot.waitSignal(win.continuation.message, timeout=1000) as said:
        qtbot.keyClick(win.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert said.args == [NO_MODEL_TO_CONTINUE]
    assert not win.editor.preview_active


def test_losing_the_second_server_never_falls_back_to_the_first(
    qtbot: QtBot, engine: EngineClient, model_path: Path
) -> None:
    with (
        running_server(model_path, parallel=2) as first,
        running_server(model_path, parallel=2) as second,
    ):
        client = _connect(qtbot, engine, first.url)
        _connect(qtbot, engine, second.url)
        sent = client.requests_sent
        second.process.kill()
        second.process.wait()
        with qtbot.waitSignal(engine.server_lost, timeout=5000) as lost:
            engine.suggest("Once upon a", 3)
        assert lost.args is not None and NO_LOCAL_MODEL in lost.args[0]
        engine.suggest("Once upon a ti", 3)
        _drained(qtbot, engine)
        assert client.requests_sent == sent
        assert engine._worker._predictor is None


@pytest.fixture
def with_local(qtbot: QtBot, engine: EngineClient, model_path: Path) -> EngineClient:
    with qtbot.waitSignal(engine.loaded, timeout=LOAD_TIMEOUT_MS):
        engine.load(str(model_path), 1, 0, True)
    return engine


def test_a_slow_answer_is_given_locally_and_the_server_kept(
    qtbot: QtBot, with_local: EngineClient, model_path: Path
) -> None:
    """Requests that time out while the server's /health answers: each keystroke is answered by
    the local model, the server stays; only `MAX_FAILURES` in a row leave it."""
    engine = with_local
    lost: list[str] = []
    engine.server_lost.connect(lost.append)
    with running_server(model_path, parallel=2) as server:
        client = _connect(qtbot, engine, server.url)
        backend = engine._worker._predictor.backend  # type: ignore[union-attr]
        assert isinstance(backend, RemoteBackend)
        usual = client.timeout
        client.timeout, backend.prefill_ms_per_token = 1e-4, 0.0  # every request times out
        for text in ("Once upon", "Once upon a"):
            with qtbot.waitSignal(engine.suggestions, timeout=10_000) as answered:
                engine.suggest(text, 3)
            assert answered.args is not None and answered.args[0] == text and answered.args[1]
        assert not lost and engine._worker._link.connected
        client.timeout = usual
        sent = client.requests_sent
        with qtbot.waitSignal(engine.suggestions, timeout=10_000):
            engine.suggest("Once upon a ti", 3)
        assert client.requests_sent > sent  # the server answered again
        client.timeout = 1e-4
        for text in ("Once upon a tim", "Once upon a time")[: MAX_FAILURES - 1]:
            with qtbot.waitSignal(engine.suggestions, timeout=10_000):
                engine.suggest(text, 3)
        with qtbot.waitSignal(engine.server_lost, timeout=10_000) as left:
            engine.suggest("Once upon a time ", 3)
        assert left.args is not None and f"{MAX_FAILURES} times in a row" in left.args[0]
        assert lost == [left.args[0]]


@pytest.mark.parametrize("change", ["another model", "an API key"])
def test_a_server_restarted_unusable_is_left_once_for_the_local_model(
    qtbot: QtBot, with_local: EngineClient, model_path: Path, second_model_path: Path, change: str
) -> None:
    engine = with_local
    failed: list[str] = []
    engine.failed.connect(failed.append)
    with running_server(model_path, parallel=2) as server:
        _connect(qtbot, engine, server.url)
        with qtbot.waitSignal(engine.suggestions, timeout=10_000):
            engine.suggest("Once upon a", 3)
        port = server.options.port
    model, key = (second_model_path, None) if change == "another model" else (model_path, KEY)
    with running_server(model, parallel=2, api_key=key, port=port):
        with qtbot.waitSignal(engine.server_lost, timeout=10_000) as lost:
            engine.suggest("Once upon a ti", 3)
        expected = "now runs another model" if key is None else "needs an API key"
        assert lost.args is not None and expected in lost.args[0]
        with qtbot.waitSignal(engine.suggestions, timeout=10_000) as answered:
            engine.suggest("Once upon a tim", 3)  # on the local model
        assert answered.args is not None and answered.args[0] == "Once upon a tim"
    assert not failed


def test_a_server_stalled_during_the_inline_prediction_is_left_at_once(
    qtbot: QtBot, with_local: EngineClient, model_path: Path
) -> None:
    """The server stops just after the strip's words came: the inline prediction that follows
    finds it silent, and the app falls back then, without an error message first."""
    engine = with_local
    failed: list[str] = []
    engine.failed.connect(failed.append)
    with running_server(model_path, parallel=2) as server:
        _connect(qtbot, engine, server.url)

        def stall(*_: object) -> None:
            if server.process.poll() is None:
                server.process.send_signal(signal.SIGSTOP)

        # In the engine thread, between the strip's words and the inline prediction.
        engine._worker.suggestions_ready.connect(stall, Qt.ConnectionType.DirectConnection)
        try:
            with qtbot.waitSignal(engine.server_lost, timeout=5000) as lost:
                engine.suggest("Once upon a ti", 3, inline_threshold=1e-9)
        finally:
            server.process.send_signal(signal.SIGCONT)
            engine._worker.suggestions_ready.disconnect(stall)
    assert not failed
    # Why, in full: the request's own time ran out, then /health's (not /health's alone).
    assert lost.args is not None
    assert re.fullmatch(
        rf"The server at {re.escape(server.url)} did not answer within [\d.]+ s, "
        r"nor its /health within 0\.5 s\.",
        lost.args[0],
    )


def _nothing_listening() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def test_a_failed_connection_takes_none_of_the_keys_being_typed(
    qtbot: QtBot, make_window: Callable[..., MainWindow], model_path: Path
) -> None:
    """Connect closes its dialog and the user types on while the app connects: the failure,
    arriving meanwhile, is told in the status bar and the strip's notice, not in a box that
    would take the next keys (a space would even press its OK unread). Each key goes where a
    keyboard's goes: to the widget with the focus."""
    win = make_window(ui_settings(), model_path)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.editor)
    failed: list[str] = []
    win.client.server_failed.connect(failed.append)
    text = "Typing goes on while the app connects to a server that is not there."
    win.server.connect_to(_nothing_listening(), "")
    for index, char in enumerate(text):
        focused = QApplication.focusWidget()
        assert focused is not None
        type_char(focused, char)
        qtbot.wait(5)
        if index == 10:  # the failure comes in the middle of the typing
            qtbot.waitUntil(lambda: bool(failed), timeout=10_000)
    assert win.editor.toPlainText() == text
    assert QApplication.focusWidget() is win.editor
    assert QApplication.activeModalWidget() is None
    assert "Cannot reach the server" in win.status.currentMessage()
    assert win.server.notice.isVisible()
    win.server.show_dialog()  # opened again, the dialog says why too
    dialog = win.server.dialog
    assert isinstance(dialog, ConnectServerDialog)
    assert "Cannot reach the server" in dialog.test_result.text()
    dialog.reject()


def test_a_server_that_answers_only_errors_is_left_for_the_local_model(
    qtbot: QtBot, with_local: EngineClient, model_path: Path
) -> None:
    """A server that breaks while in use (every request answered 500): each keystroke is
    answered by the local model without an error message, and after `MAX_FAILURES` in a row
    the server is left, told once; nothing more is sent to it."""
    engine = with_local
    failed: list[str] = []
    lost: list[str] = []
    engine.failed.connect(failed.append)
    engine.server_lost.connect(lost.append)
    with running_server(model_path, parallel=2) as server, flaky_proxy(server.url) as proxy:
        _connect(qtbot, engine, proxy.url)
        with qtbot.waitSignal(engine.suggestions, timeout=10_000):
            engine.suggest("Once upon a", 3)
        proxy.failing = ANSWERS_500
        for end in range(MAX_FAILURES):
            text = "Once upon a time"[: 12 + end]
            with qtbot.waitSignal(engine.suggestions, timeout=10_000) as answered:
                engine.suggest(text, 3)
            assert answered.args is not None and answered.args[0] == text and answered.args[1]
        assert not engine._worker._link.connected
        assert lost == [
            f"The server at {proxy.url} answered 500: boom ({MAX_FAILURES} times in a row)."
        ]
        sent = proxy.requests
        with qtbot.waitSignal(engine.suggestions, timeout=10_000):
            engine.suggest("Once upon a time", 3)
        assert proxy.requests == sent
    assert not failed


def test_the_strips_notice_is_read_out_as_what_it_says_in_the_texts_colour(
    qtbot: QtBot, window: MainWindow
) -> None:
    notice = window.server.notice
    notice.notify("The server stopped answering: suggestions come from this computer.")
    assert notice.isVisible()
    interface = QAccessible.queryAccessibleInterface(notice)
    assert interface is not None
    assert "stopped answering" in interface.text(QAccessible.Text.Name)
    label_colour = notice.palette().color(notice.foregroundRole())
    assert label_colour == window.palette().color(QPalette.ColorRole.WindowText)
    assert notice.font().pointSizeF() < window.font().pointSizeF()


def test_a_closed_dialog_is_not_kept_with_the_key_it_was_given(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    win = make_window(ui_settings())
    for _ in range(3):
        win.server.show_dialog()
        assert isinstance(win.server.dialog, ConnectServerDialog)
        win.server.dialog.api_key.setText(KEY)
        win.server.dialog.reject()
    qtbot.waitUntil(lambda: len(win.findChildren(ConnectServerDialog)) == 1, timeout=2_000)
    assert win.server.dialog.api_key.text() == ""  # the key typed before Cancel is not held
