"""The window follows the desktop's colours while it runs (a switch to the dark scheme)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from keyboard_app.ui.main_window import MainWindow

from .conftest import ui_settings

DARK_BASE = QColor("#1b1e20")
DARK_WINDOW = QColor("#2a2e32")


def _dark(light: QPalette) -> QPalette:
    dark = QPalette(light)
    dark.setColor(QPalette.ColorRole.Base, DARK_BASE)
    dark.setColor(QPalette.ColorRole.Window, DARK_WINDOW)
    dark.setColor(QPalette.ColorRole.Text, QColor("#fcfcfc"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#fcfcfc"))
    return dark


def _colour_at_top(widget: QWidget) -> QColor:
    """The colour drawn in the middle of `widget`'s top rows (below the strip's border)."""
    return widget.grab().toImage().pixelColor(widget.width() // 2, 4)


def test_the_editor_and_the_strip_follow_a_switch_to_a_dark_palette(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    """The menus and the status bar went dark, the page and the strip stayed white and light
    grey (their style sheets had read the colours once) until the app started again."""
    window = make_window(ui_settings())
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    light = QPalette(app.palette())
    try:
        app.setPalette(_dark(light))
        qtbot.waitUntil(lambda: _colour_at_top(window.strip) == DARK_WINDOW)
        qtbot.waitUntil(lambda: _colour_at_top(window.editor) == DARK_BASE)
        app.setPalette(light)  # and back, at dawn
        qtbot.waitUntil(
            lambda: _colour_at_top(window.editor) == light.color(QPalette.ColorRole.Base)
        )
        assert _colour_at_top(window.strip) == light.color(QPalette.ColorRole.Window)
    finally:
        app.setPalette(light)
