"""`keyboard-app gui --demo-text TEXT --screenshot PATH`: type, wait for suggestions, save a PNG.

Works without a display (`QT_QPA_PLATFORM=offscreen`); this is how the README's screenshot is made.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from keyboard_app.bench.key_typing import type_char
from keyboard_app.ui.app import create_app, open_window
from keyboard_app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

KEY_INTERVAL_MS = 40
TIMEOUT_MS = 120_000


class ScreenshotDemo(QObject):
    """Types the text once the model is loaded; `finished` carries the exit code."""

    finished = Signal(int)

    def __init__(self, window: MainWindow, text: str, path: Path) -> None:
        super().__init__(window)
        self.window = window
        self.text = text
        self.path = path
        self.error = ""
        self._typed = 0
        self._saving = False
        self._timer = QTimer(self)
        self._timer.setInterval(KEY_INTERVAL_MS)
        self._timer.timeout.connect(self._type_next)
        QTimer.singleShot(TIMEOUT_MS, self, lambda: self._fail("timed out waiting for suggestions"))
        window.client.load_failed.connect(self._fail)
        window.suggestions.shown.connect(self._check_strip)
        if window.client.model_info is not None:
            self._timer.start()
        else:
            window.client.loaded.connect(lambda _info: self._timer.start())

    def _type_next(self) -> None:
        if self._typed >= len(self.text):
            self._timer.stop()
            self._check_strip()
            return
        type_char(self.window.editor, self.text[self._typed])
        self._typed += 1

    def _check_strip(self) -> None:
        """Once all is typed: save when the strip shows suggestions for exactly the text."""
        if self._typed < len(self.text) or self._saving:
            return
        if self.window.strip.context == self.window.editor.context() and self.window.strip.best():
            self._saving = True
            QTimer.singleShot(150, self, self._save)  # let the strip repaint first

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.window.grab().save(str(self.path)):
            self._fail(f"cannot write {self.path}")
            return
        log.info("screenshot saved to %s", self.path)
        self.finished.emit(0)

    def _fail(self, message: str) -> None:
        self.error = message
        self.finished.emit(1)


def run_demo(
    text: str, screenshot: Path, model: str | None, files: Sequence[Path] = ()
) -> tuple[int, str]:
    """Run the demo with `files` open (as `keyboard-app gui FILE...` does); returns the exit code
    and an error message ('' on success)."""
    app = create_app()
    with tempfile.TemporaryDirectory() as scratch:
        # The demo's typing must not touch the user's own recovery file, nor learn into their store.
        window = open_window(
            model,
            recovery_file=Path(scratch) / "recovery.json",
            files=files,
            personal_store=Path(scratch) / "personal.sqlite3",
        )
        demo = ScreenshotDemo(window, text, screenshot)
        results: list[int] = []

        def finished(code: int) -> None:
            results.append(code)
            app.exit(code)

        demo.finished.connect(finished)
        app.exec()
        window.editor.document().setModified(False)
        window.shutdown()
        window.close()
    return (results[0] if results else 1), demo.error
