"""The crash handler: an uncaught exception is logged, the text saved for recovery, the user told
(that the text was saved, and where, only when it was).

It is installed as `sys.excepthook` and `threading.excepthook`. Whatever thread the exception
happened in, saving the text and showing the dialog happen on the GUI thread (via a queued signal).
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from keyboard_app.ui.dialogs.messages import inform
from keyboard_app.ui.text_file import describe

log = logging.getLogger(__name__)


class CrashHandler(QObject):
    """Call `install()` once the main window exists; `autosave` writes the recovery file and
    returns its path (None if nothing was unsaved), or raises OSError."""

    # An exception's traceback text, delivered to the GUI thread.
    _crashed = Signal(str)

    def __init__(
        self, autosave: Callable[[], Path | None], parent_widget: QWidget | None = None
    ) -> None:
        super().__init__()
        self.autosave = autosave
        self.parent_widget = parent_widget
        self.dialog: QMessageBox | None = None
        self._crashed.connect(self._report)
        self._previous_hook = sys.excepthook

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread

    def uninstall(self) -> None:
        sys.excepthook = self._previous_hook
        threading.excepthook = threading.__excepthook__

    def handle(
        self,
        kind: type[BaseException],
        error: BaseException,
        trace: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous_hook(kind, error, trace)
            return
        log.critical("uncaught exception", exc_info=(kind, error, trace))
        details = "".join(traceback.format_exception(kind, error, trace))
        self._crashed.emit(details)

    def _handle_thread(self, hook_args: threading.ExceptHookArgs) -> None:
        self.handle(hook_args.exc_type, hook_args.exc_value or Exception(), hook_args.exc_traceback)

    @Slot(str)
    def _report(self, details: str) -> None:
        """GUI thread (this object lives there): save the text first, then show what happened."""
        summary = details.strip().splitlines()[-1] if details.strip() else "unknown error"
        self.dialog = inform(
            self.parent_widget,
            "Something went wrong",
            f"An unexpected error occurred. {self._save_text()}\n\n{summary}",
            details=details,
            icon=QMessageBox.Icon.Critical,
        )

    def _save_text(self) -> str:
        """Write the recovery file; what to tell the user about their text."""
        try:
            saved = self.autosave()
        except Exception as error:
            log.exception("autosave after a crash failed")
            reason = describe(error) if isinstance(error, OSError) else type(error).__name__
            return (
                f"Your unsaved text could not be saved for recovery ({reason}): "
                "save it to a file now, if you can."
            )
        if saved is None:
            return "Your text has no unsaved changes; restarting the app is recommended."
        return (
            f"Your text has been saved for recovery in {saved}; saving it to a file and "
            "restarting the app is recommended."
        )
