"""Crash recovery: unsaved text is written to a recovery file a moment after typing stops.

The file is removed when the text is saved or the app closes normally, so a recovery file found at
start means the last session ended without that: the user is offered its text.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from keyboard_app import paths
from keyboard_app.files import write_atomic
from keyboard_app.ui.editor import Editor

log = logging.getLogger(__name__)

RECOVERY_VERSION = 1
AUTOSAVE_DELAY_MS = 2000


def recovery_path() -> Path:
    return paths.user_data_dir() / "recovery" / "unsaved-text.json"


def read_recovery(path: Path) -> tuple[str, str] | None:
    """(text, original file path or '') from a recovery file, or None if there is nothing usable."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        log.warning("unreadable recovery file %s: %s", path, error)
        return None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str) or not data["text"]:
        return None
    file_path = data.get("path")
    return data["text"], file_path if isinstance(file_path, str) else ""


class Autosaver(QObject):
    """Writes the editor's unsaved text to the recovery file after a pause in typing."""

    # The recovery file was written (its path).
    saved = Signal(str)

    def __init__(
        self, editor: Editor, document_path: Callable[[], str], path: Path | None = None
    ) -> None:
        super().__init__(editor)
        self.editor = editor
        self.document_path = document_path
        self.path = path or recovery_path()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        editor.document().contentsChanged.connect(self._timer.start)

    def flush(self) -> None:
        """Write the recovery file now if the text has unsaved changes."""
        self._timer.stop()
        if not self.editor.document().isModified():
            return
        payload = {
            "version": RECOVERY_VERSION,
            "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "path": self.document_path(),
            "text": self.editor.toPlainText(),
        }
        try:
            write_atomic(self.path, json.dumps(payload, ensure_ascii=False))
        except OSError as error:
            log.error("cannot write recovery file %s: %s", self.path, error)
            return
        log.debug("recovery file written")
        self.saved.emit(str(self.path))

    def discard(self) -> None:
        """Nothing unsaved remains (saved, or closed on purpose): remove the recovery file."""
        self._timer.stop()
        self.path.unlink(missing_ok=True)
