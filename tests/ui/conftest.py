"""Fixtures of the UI tests: offscreen Qt, private data and config folders, a real small model."""

from __future__ import annotations

import os

# Before any QApplication exists: render offscreen, no display needed.
os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QtMsgType, Slot
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from keyboard_app import paths
from keyboard_app.bench.key_typing import type_char
from keyboard_app.bench.random_model import write_stand_in_model
from keyboard_app.personal import PersonalStore
from keyboard_app.settings import Settings, SettingsStore
from keyboard_app.ui.engine_client import EngineClient
from keyboard_app.ui.main_window import MainWindow
from tests.model_factory import CONFIDENT_SPAN

# Qt messages that say nothing about the app (the offscreen platform's limits).
IGNORED_QT_MESSAGES = ("This plugin does not support",)
FAILING_QT_MESSAGES = (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
LOAD_TIMEOUT_MS = 30_000
SENTINEL = "Sentinelword"


@pytest.fixture(autouse=True)
def private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYBOARD_APP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KEYBOARD_APP_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture(autouse=True)
def qt_warnings_fail(qtlog: object) -> Iterator[None]:
    """A Qt warning (or worse) during a test fails it."""
    yield
    bad = [
        record.message
        for record in qtlog.records  # type: ignore[attr-defined]
        if record.type in FAILING_QT_MESSAGES and not record.message.startswith(IGNORED_QT_MESSAGES)
    ]
    assert not bad, f"Qt warnings: {bad}"


@pytest.fixture(scope="session")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A writer-made GPT-2 (2 layers, 64 wide, real vocabulary, random weights)."""
    return write_stand_in_model(tmp_path_factory.mktemp("model") / "stand-in.gguf", seed=1)


@pytest.fixture(scope="session")
def second_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_stand_in_model(tmp_path_factory.mktemp("model2") / "other.gguf", seed=2)


class ContinuationEnds(QObject):
    """How the engine thread's continuations ended, as the GUI thread receives it: after every
    piece they sent before. Waiting for an end therefore also waits for any piece on its way."""

    def __init__(self, client: EngineClient) -> None:
        super().__init__(client)
        self.outcomes: list[str] = []
        client._worker.continuation_done.connect(self._record)

    @Slot(int, str, str)
    def _record(self, _request_id: int, outcome: str, _error: str) -> None:
        self.outcomes.append(outcome)


def ui_settings() -> Settings:
    """Settings for tests: one CPU thread (the test machine is shared), short continuations."""
    return Settings(n_threads=1, continuation_tokens=24)


def close_window(window: MainWindow) -> None:
    """Close without the unsaved-changes question, joining the engine thread."""
    window.editor.document().setModified(False)
    window.shutdown()
    window.close()


@pytest.fixture
def make_window(qtbot: QtBot) -> Iterator[Callable[..., MainWindow]]:
    """Create main windows (settings from the store unless given); all are closed afterwards."""
    windows: list[MainWindow] = []

    def make(settings: Settings | None = None, model: Path | None = None) -> MainWindow:
        store = SettingsStore()
        win = MainWindow(settings or store.load(), store)
        qtbot.addWidget(win)
        windows.append(win)
        win.show()
        if model is not None:
            with qtbot.waitSignal(win.client.loaded, timeout=LOAD_TIMEOUT_MS):
                win.load_model(str(model))
            qtbot.waitUntil(lambda: bool(win.strip.best()), timeout=10_000)
        win.editor.setFocus()
        return win

    yield make
    for win in windows:
        close_window(win)


@pytest.fixture
def window(make_window: Callable[..., MainWindow], model_path: Path) -> MainWindow:
    """The main window with the small model loaded."""
    return make_window(ui_settings(), model_path)


@pytest.fixture
def store() -> Iterator[PersonalStore]:
    """A second connection to the window's store (the user's, in the tests' data folder)."""
    opened = PersonalStore.open(paths.personal_store_path())
    yield opened
    opened.close()


def settle(qtbot: QtBot, window: MainWindow, store: PersonalStore) -> None:
    """Wait until the engine thread has done every learning request sent so far (they are done
    in order: a sentinel sent last is learned last)."""
    before = store.word_counts([SENTINEL])[SENTINEL]
    window.client.learn(SENTINEL, "")
    qtbot.waitUntil(lambda: store.word_counts([SENTINEL])[SENTINEL] > before, timeout=10_000)


def confident_window(
    make_window: Callable[..., MainWindow], bigram_model: Callable[..., Path]
) -> MainWindow:
    """A window on a model sure of one span: "Thank you for your hel" shows "p with the report"."""
    return make_window(ui_settings(), bigram_model(CONFIDENT_SPAN))


def wait_for_inline(qtbot: QtBot, window: MainWindow, expected: str) -> None:
    qtbot.waitUntil(lambda: window.editor.inline_text == expected, timeout=10_000)


def type_text(window: MainWindow, text: str) -> None:
    """Type `text` into the editor, a key event a character."""
    for char in text:
        type_char(window.editor, char)


def preedit(window: MainWindow) -> str:
    """What the pre-edit area shows: the ghost text, or the input method's composition."""
    return window.editor.textCursor().block().layout().preeditAreaText()


def input_method(window: MainWindow, commit: str = "", composing: str = "") -> None:
    """An input method's event, as a CJK input method or an on-screen keyboard sends it: text
    committed, and the composition in progress."""
    event = QInputMethodEvent(composing, [])
    event.setCommitString(commit)
    QApplication.sendEvent(window.editor, event)
