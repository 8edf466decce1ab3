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
    window.show_as_left()
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


# The signals that close the window as Quit does: Ctrl+C in the terminal, the terminal closing,
# and a request to end (a logout, a shutdown, `kill`). (Windows has no SIGHUP.)
CLOSING_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class CloseOnSignal:
    """SIGINT, SIGTERM and SIGHUP first write the unsaved text to the recovery file (whatever
    sent them may end the process soon after: a session manager kills what is still running at
    logout), then close the window the way Quit does (asking about unsaved changes), instead of
    raising KeyboardInterrupt in whatever runs next or ending at once. A signal ignored when the
    app starts stays ignored (SIGHUP under `nohup`). Installed before the window exists, so that a
    signal while it opens closes it as soon as it is up. (Python sees a signal only when it runs,
    hence a timer that lets it run while Qt waits for events.)"""

    POLL_MS = 250

    def __init__(self, app: QApplication) -> None:
        self.window: MainWindow | None = None
        self.received: int | None = None  # the first signal received
        self._previous = {
            number: signal.signal(number, self._handle)
            for number in CLOSING_SIGNALS
            if signal.getsignal(number) is not signal.SIG_IGN
        }
        self._timer = QTimer(app)
        self._timer.timeout.connect(lambda: None)
        self._timer.start(self.POLL_MS)

    @property
    def exit_status(self) -> int | None:
        """The shell's status for a process ended by the signal received (130 after Ctrl+C)."""
        return None if self.received is None else 128 + self.received

    def _handle(self, number: int, _frame: object) -> None:
        if self.received is None:
            self.received = number
        QTimer.singleShot(0, self.close_window)

    def close_window(self) -> None:
        """Keep the unsaved text for recovery, then close the window as Quit does (once it has
        closed, its text was saved or discarded: nothing is written)."""
        if self.window is None or not self.window.isVisible():
            return
        try:
            self.window.autosaver.write_now()
        except OSError as error:
            log.error("cannot keep the unsaved text for recovery: %s", error)
        self.window.close()

    def uninstall(self) -> None:
        self._timer.stop()
        for number, previous in self._previous.items():
            signal.signal(number, previous)


def run(model: str | None, files: Sequence[Path] = ()) -> int:
    """`keyboard-app gui [FILE...]`: run the editor until it is closed (128 + the signal's number
    after SIGINT, SIGTERM or SIGHUP: 130 after Ctrl+C)."""
    app = create_app()
    signals = CloseOnSignal(app)
    try:
        window = open_window(model, files=files)
    except BaseException:
        signals.uninstall()
        raise
    signals.window = window
    if signals.received is not None:
        QTimer.singleShot(0, signals.close_window)
    crash = CrashHandler(window.autosaver.write_now, window)
    crash.install()
    window.offer_recovery()
    try:
        code = app.exec()
    finally:
        signals.uninstall()
        crash.uninstall()
        window.shutdown()
    return signals.exit_status or code
