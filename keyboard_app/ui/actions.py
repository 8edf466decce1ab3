"""Menus, the toolbar and keyboard shortcuts of the main window.

The Edit menu's Undo, Redo, Cut, Copy, Paste and Select All are keys: each sends its key to the
editor (`press_in_editor`; the clipboard's and Select All to the find bar's line when it has the
focus), so the menu does exactly what the key does there (a preview dropped before an undo, an
autocorrection's undo learned from, a paste an undo step of its own, long lines copied whole), with
no second path to keep in step. With the editor or a line focused, those keys never reach the
window's shortcuts (the widget takes them first); the menu shows them, and they work from the rest
of the window."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QToolBar, QWidget

from keyboard_app.settings import RANGES

if TYPE_CHECKING:
    from keyboard_app.ui.main_window import MainWindow

MAX_TAKE_ACTIONS = int(RANGES["suggestion_count"][1])
StandardKey = QKeySequence.StandardKey


@dataclass
class Actions:
    """The actions whose state changes while the app runs."""

    stop: QAction
    explorer: QAction
    recent: QMenu
    pause_learning: QAction
    take: list[QAction] = field(default_factory=list)


def _action(
    window: MainWindow,
    text: str,
    slot: Callable[[], object] | None,
    shortcut: StandardKey | str | list[str] | None = None,
    tip: str = "",
) -> QAction:
    """An action of the window; a list of shortcuts, or all of a standard key's bindings, trigger
    it (the first is shown)."""
    action = QAction(text, window)
    if isinstance(shortcut, list):
        action.setShortcuts([QKeySequence(key) for key in shortcut])
    elif isinstance(shortcut, StandardKey):
        action.setShortcuts(QKeySequence.keyBindings(shortcut))
    elif shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    if slot is not None:
        action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)
    return action


def install_actions(window: MainWindow) -> Actions:
    docs, cont, sugg = window.documents, window.continuation, window.suggestions
    menu = window.menuBar()
    file_menu = menu.addMenu("&File")
    file_menu.addAction(_action(window, "&New", docs.new, QKeySequence.StandardKey.New))
    file_menu.addAction(_action(window, "&Open…", docs.open, QKeySequence.StandardKey.Open))
    recent = file_menu.addMenu("Open &Recent")
    file_menu.addAction(_action(window, "&Save", docs.save, QKeySequence.StandardKey.Save))
    # Not StandardKey.SaveAs: Windows binds no key to it (Qt binds Ctrl+Shift+S elsewhere).
    file_menu.addAction(_action(window, "Save &As…", docs.save_as, "Ctrl+Shift+S"))
    file_menu.addSeparator()
    # Not StandardKey.Quit: Windows and some platforms bind nothing to it.
    file_menu.addAction(_action(window, "&Quit", window.close, "Ctrl+Q"))
    _install_edit(window)

    write = menu.addMenu("&Write")
    # Return and the keypad's Enter; these shortcuts are the only place these keys are handled.
    continue_action = _action(
        window,
        "&Continue",
        cont.start,
        ["Ctrl+Return", "Ctrl+Enter"],
        "Continue the text from the cursor",
    )
    ways_action = _action(
        window,
        "&Three Ways On",
        cont.start_alternatives,
        ["Ctrl+Shift+Return", "Ctrl+Shift+Enter"],
        "Three alternative continuations side by side",
    )
    # Not "Stop (Esc)": Esc drops the preview, Stop keeps what has come.
    stop = _action(
        window,
        "&Stop",
        cont.stop,
        tip="Stop the continuation and keep what has come (Esc drops it)",
    )
    stop.setEnabled(False)
    cont.streaming_started.connect(lambda: stop.setEnabled(True))
    cont.streaming_stopped.connect(lambda: stop.setEnabled(False))
    for action in (continue_action, ways_action, stop):
        write.addAction(action)
    write.addSeparator()
    take = []
    for position in range(MAX_TAKE_ACTIONS):
        action = _action(
            window,
            f"Take Suggestion &{position + 1}",
            functools.partial(sugg.take_position, position),
            f"Alt+{position + 1}",
        )
        write.addAction(action)
        take.append(action)

    view = menu.addMenu("&View")
    explorer = _action(window, "GPT-2 &Explorer", None, "Ctrl+E", "Next-token explorer")
    explorer.setCheckable(True)
    explorer.toggled.connect(window.set_explorer_visible)
    view.addAction(explorer)

    model_menu = menu.addMenu("&Model")
    model_menu.addAction(
        _action(window, "&Models…", window.show_model_dialog, "Ctrl+M", "Manage models")
    )
    model_menu.addAction(_action(window, "&Open Model File…", window.open_model_file))
    model_menu.addSeparator()
    server = window.server
    tip = "Use the model of a llama-server (your text is sent to it)"
    model_menu.addAction(_action(window, "Connect to &Server…", server.show_dialog, tip=tip))
    disconnect = _action(
        window, "&Disconnect", server.disconnect_server, tip="Back to the local model"
    )
    disconnect.setEnabled(False)
    server.connected_changed.connect(disconnect.setEnabled)
    model_menu.addAction(disconnect)

    pause_learning = _install_tools(window)

    settings_menu = menu.addMenu("&Settings")
    settings_menu.addAction(_action(window, "&Preferences…", window.show_settings_dialog, "Ctrl+,"))
    help_menu = menu.addMenu("&Help")
    help_menu.addAction(_action(window, "&About", window.show_about))

    toolbar = QToolBar("Writing", window)
    toolbar.setObjectName("writingToolbar")
    toolbar.setMovable(False)
    for action in (continue_action, ways_action, stop, explorer):
        toolbar.addAction(action)
    window.addToolBar(toolbar)
    return Actions(stop, explorer, recent, pause_learning, take)


# The keys that act where the focus is: Paste with the focus in the find bar pastes there.
_LINE_KEYS = (StandardKey.Cut, StandardKey.Copy, StandardKey.Paste, StandardKey.SelectAll)


def press_in_editor(window: MainWindow, key: StandardKey) -> None:
    """Press the platform's first binding of `key` in the editor, as the user would; a key of
    the clipboard or Select All in the window's line that has the focus (the find bar's) instead,
    as that key pressed there does. Undo and Redo are the document's."""
    combination = QKeySequence.keyBindings(key)[0][0]  # type: ignore[index]  # missing in stubs
    focused = QApplication.focusWidget()
    target: QWidget = window.editor
    if isinstance(focused, QLineEdit) and window.isAncestorOf(focused) and key in _LINE_KEYS:
        target = focused
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        event = QKeyEvent(kind, combination.key(), combination.keyboardModifiers())
        QApplication.sendEvent(target, event)


# The Edit menu's keys of the editor, in menu order (None: a separator).
_EDITOR_KEYS: list[tuple[str, StandardKey] | None] = [
    ("&Undo", StandardKey.Undo),
    ("&Redo", StandardKey.Redo),
    None,
    ("Cu&t", StandardKey.Cut),
    ("&Copy", StandardKey.Copy),
    ("&Paste", StandardKey.Paste),
    None,
    ("Select &All", StandardKey.SelectAll),
]


def _install_edit(window: MainWindow) -> None:
    """The Edit menu: the editor's keys (see the module's docstring), then find and replace."""
    edit = window.menuBar().addMenu("&Edit")
    editor = window.editor
    actions: dict[StandardKey, QAction] = {}
    for entry in _EDITOR_KEYS:
        if entry is None:
            edit.addSeparator()
            continue
        text, key = entry
        actions[key] = _action(window, text, functools.partial(press_in_editor, window, key), key)
        edit.addAction(actions[key])
    for key, available in (
        (StandardKey.Undo, editor.undoAvailable),
        (StandardKey.Redo, editor.redoAvailable),
        (StandardKey.Cut, editor.copyAvailable),
        (StandardKey.Copy, editor.copyAvailable),
    ):
        actions[key].setEnabled(False)
        available.connect(actions[key].setEnabled)
    edit.addSeparator()
    find = window.find_bar
    edit.addAction(_action(window, "&Find…", find.open, StandardKey.Find))
    edit.addAction(_action(window, "Find &Next", find.find_next, StandardKey.FindNext))
    edit.addAction(_action(window, "Find Pre&vious", find.find_previous, StandardKey.FindPrevious))
    edit.addAction(_action(window, "R&eplace…", find.open_replace, StandardKey.Replace))


def _install_tools(window: MainWindow) -> QAction:
    """The Tools menu: the personal store's actions. Returns the pause toggle."""
    personal = window.personal
    tools = window.menuBar().addMenu("&Tools")
    pause = _action(window, "&Pause Learning", None, tip="Learn nothing until resumed")
    pause.setCheckable(True)
    pause.toggled.connect(personal.set_paused)
    personal.pause_changed.connect(pause.setChecked)
    personal.pausable_changed.connect(pause.setEnabled)
    tools.addAction(pause)
    tools.addAction(
        _action(
            window,
            "&Learn from This Document",
            personal.learn_document,
            tip="Learn the words and phrases of the whole document",
        )
    )
    tools.addSeparator()
    tools.addAction(
        _action(window, "&What the Keyboard Has Learned…", personal.show_dialog, "Ctrl+Shift+L")
    )
    return pause


def fill_recent(actions: Actions, files: list[str], open_file: Callable[[Path], None]) -> None:
    """Rebuild the Open Recent menu from the settings' list."""
    actions.recent.clear()
    for index, name in enumerate(files):
        # `&&`: an ampersand in a file name is shown, not taken for a mnemonic.
        shown = Path(name).name.replace("&", "&&")
        entry = actions.recent.addAction(f"&{index + 1} {shown}")
        entry.setToolTip(name)
        entry.triggered.connect(lambda _checked=False, p=Path(name): open_file(p))
    actions.recent.setEnabled(bool(files))


def show_take_actions(actions: Actions, count: int) -> None:
    """Alt+1 ... Alt+count pick strip slots; the rest are hidden and inactive."""
    for position, action in enumerate(actions.take):
        action.setVisible(position < count)
        action.setEnabled(position < count)
