"""Look and feel: the Fusion style with the system's light or dark palette, and the writing font."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QWidget

from keyboard_app import paths

# Comfortable reading faces, the first installed one wins; the system serif font is the fallback.
WRITING_FONTS = (
    "Charter",
    "Iowan Old Style",
    "Georgia",
    "Source Serif 4",
    "Noto Serif",
    "Liberation Serif",
    "DejaVu Serif",
)


def apply_style(app: QApplication) -> None:
    """Fusion follows the system colour scheme (Qt 6.5+), so dark and light both work."""
    app.setStyle("Fusion")
    icon = app_icon()
    if not icon.isNull():
        app.setWindowIcon(icon)


def app_icon() -> QIcon:
    icon = QIcon()
    folder = paths.icons_dir()
    for png in sorted(folder.glob("keyboard-app-*.png")):
        icon.addFile(str(png))
    svg = folder / "keyboard-app.svg"
    if svg.exists():
        icon.addFile(str(svg))
    return icon


def writing_font(family: str, size: int) -> QFont:
    """The editor's font: `family` if installed, else the first available comfortable face."""
    installed = set(QFontDatabase.families())
    if not family or family not in installed:
        family = next((name for name in WRITING_FONTS if name in installed), "")
    font = (
        QFont(family) if family else QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    )
    font.setPointSize(size)
    font.setStyleHint(QFont.StyleHint.Serif, QFont.StyleStrategy.PreferAntialias)
    return font


def restyle(window: QWidget) -> None:
    """Set the style sheets of `window`'s widgets again, for the application's palette now. A
    style sheet's `palette(...)` colours are read when it is set, and a widget with a style sheet
    is not told of the window's new palette: after the desktop switched to its dark scheme (at
    dusk, or by hand) the editor and the strip stayed light in a dark window."""
    for widget in window.findChildren(QWidget):
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet("")
            widget.setStyleSheet(sheet)
