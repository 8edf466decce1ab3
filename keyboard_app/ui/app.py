"""Starting the desktop app: the QApplication, the main window, the model, the crash handler."""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import PySide6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from keyboard_app import APP_ID, APP_NAME
from keyboard_app.models import store as model_store
from keyboard_app.models.errors import ModelManagerError
from keyboard_app.qt_check import ensure_xcb_libraries
from keyboard_app.settings import SettingsStore
from keyboard_app.ui.crash import CrashHandler
from keyboard_app.ui.main_window import MainWindow
from keyboard_app.ui.status_bar import NO_MODEL
from keyboard_app.ui.theme import apply_style

log = logging.getLogger(__name__)


def check_qt_binding() -> None:
    """Warn about PySide6 6.12.0 on Python < 3.12: it drops references to None and True (on
    void method calls and `emit(True)`) until the interpreter crashes."""
    if PySide6.__version__ == "6.12.0" and sys.version_info < (3, 12):
        log.warning(
            "PySide6 6.12.0 miscounts references on Python %d.%d and will crash; "
            "install PySide6-Essentials 6.11 or use Python 3.12+",
            *sys.version_info[:2],
        )


def create_app() -> QApplication:
    """The QApplication (created once per process), named and styled."""
    check_qt_binding()
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        ensure_xcb_libraries()
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("Keyboard App")
    app.setDesktopFileName(APP_ID)
    apply_style(app)
    return app


def move_model_file_setting(settings: SettingsStore) -> None:
    """Settings files of earlier versions remembered the model file opened last (`model_path`),
    which won over the model store's default. Move it into the store, once, so that the user keeps
    their model and the store's default is the one record of the chosen model."""
    legacy = settings.stored_value("model_path")
    if legacy is None:
        return
    if isinstance(legacy, str) and legacy and Path(legacy).is_file():
        try:
            model_store.set_default_file(Path(legacy))
        except ModelManagerError as error:
            log.warning("cannot keep the model file %s: %s", legacy, error)
        else:
            log.info("the model file %s is now the model store's default", legacy)
    try:
        settings.save(settings.load())  # without the old field
    except OSError as error:
        log.warning("cannot save the settings to %s: %s", settings.path, error)


def open_window(
    model: str | None,
    recovery_file: Path | None = None,
    files: Sequence[Path] = (),
    personal_store: Path | None = None,
) -> MainWindow:
    """Show the main window with `files` open (see `MainWindow.open_files`) and start loading the
    model in the engine thread. `personal_store`: where the words typed are learned (default:
    the user's own store; a scratch file for the demo)."""
    store = SettingsStore()
    move_model_file_setting(store)
    window = MainWindow(
        store.load(), store, recovery_file=recovery_file, personal_store=personal_store
    )
    window.show()
    window.open_files(list(files))
    try:
        path = model_store.model_to_load(model)
    except ModelManagerError as error:
        window.status.show_no_model(str(error))
        return window
    if path is None:
        window.status.show_no_model(NO_MODEL)
    else:
        window.load_model(str(path))
    return window


class InterruptToClose:
    """Ctrl+C in the terminal closes the window the way Quit does (asking about unsaved
    changes) instead of raising KeyboardInterrupt in whatever runs next. Installed before the
    window exists, so that a Ctrl+C while it opens closes it as soon as it is up. (Python sees
    a signal only when it runs, hence a timer that lets it run while Qt waits for events.)"""

    POLL_MS = 250

    def __init__(self, app: QApplication) -> None:
        self.window: MainWindow | None = None
        self.interrupted = False
        self._previous = signal.signal(signal.SIGINT, self._handle)
        self._timer = QTimer(app)
        self._timer.timeout.connect(lambda: None)
        self._timer.start(self.POLL_MS)

    def _handle(self, _signal: int, _frame: object) -> None:
        self.interrupted = True
        QTimer.singleShot(0, self._close)

    def _close(self) -> None:
        if self.window is not None:
            self.window.close()

    def uninstall(self) -> None:
        self._timer.stop()
        signal.signal(signal.SIGINT, self._previous)


def run(model: str | None, files: Sequence[Path] = ()) -> int:
    """`keyboard-app gui [FILE...]`: run the editor until it is closed (130 after Ctrl+C)."""
    app = create_app()
    interrupt = InterruptToClose(app)
    try:
        window = open_window(model, files=files)
    except BaseException:
        interrupt.uninstall()
        raise
    interrupt.window = window
    if interrupt.interrupted:
        QTimer.singleShot(0, window.close)
    crash = CrashHandler(window.autosaver.write_now, window)
    crash.install()
    window.offer_recovery()
    try:
        code = app.exec()
    finally:
        interrupt.uninstall()
        crash.uninstall()
        window.shutdown()
    return 130 if interrupt.interrupted else code
