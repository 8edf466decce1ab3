"""The app always exits: closing while the model is still loading leaves nothing behind."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QAction, QKeySequence
from pytestqt.qtbot import QtBot

from keyboard_app.ui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


def test_closing_while_the_model_loads(
    qtbot: QtBot, make_window: MakeWindow, model_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The model that finishes loading as the window closes arrives after the engine thread is
    gone: it is dropped, not sent a suggestion request (which raised in a slot, opened the crash
    dialog, and that dialog kept the app from quitting)."""
    win = make_window()
    with caplog.at_level(logging.INFO, logger="keyboard_app.ui.worker"):
        win.load_model(str(model_path))
        qtbot.waitUntil(lambda: "loading model" in caplog.text, timeout=10_000)
    win.close()
    assert not win.isVisible()
    with qtbot.assertNotEmitted(win.client.loaded, wait=500):
        pass  # the queued result of the load is delivered and dropped meanwhile
    assert win.client.model_info is None


def test_ctrl_q_quits_on_every_platform(make_window: MakeWindow) -> None:
    """Qt's standard Quit key is none on some platforms (Windows, this offscreen one)."""
    win = make_window()
    (quit_action,) = [a for a in win.findChildren(QAction) if a.text() == "&Quit"]
    assert quit_action.shortcut() == QKeySequence("Ctrl+Q")
    quit_action.trigger()
    assert not win.isVisible()
