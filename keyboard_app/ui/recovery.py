"""Crash recovery: unsaved text is written to a recovery file a moment after typing stops.

Each running copy of the app has a recovery file of its own in the recovery folder,
`recovery-<pid>-<random>.json`, and holds a lock beside it (`….json.lock`, a QLockFile naming the
process) for as long as it runs. The file is removed when the text is saved or the app closes
normally. So a recovery file whose lock no live process holds belongs to a copy that ended without
saving: the next start offers its text (`recovery_offer.py`), while the file of a copy that is
still running is never offered nor removed.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal

from keyboard_app import paths
from keyboard_app.files import UnusableFile, read_json, write_atomic
from keyboard_app.ui.editor import GHOST, Editor
from keyboard_app.ui.text_file import MAX_DOCUMENT_BYTES, TextFormat, describe

log = logging.getLogger(__name__)

RECOVERY_VERSION = 1
AUTOSAVE_DELAY_MS = 2000
# A recovery file holds one document, written as JSON (escapes may double its size).
MAX_RECOVERY_BYTES = 2 * MAX_DOCUMENT_BYTES + 4096


def recovery_folder() -> Path:
    return paths.recovery_dir()


@dataclass(frozen=True)
class Recovered:
    """The text of a recovery file, the file it came from (or ''), and that file's format."""

    text: str
    path: str
    format: TextFormat
    saved_at: str = ""
    file_digest: str = ""  # the SHA-256 of the file's content the text was based on ('': unknown)


def read_recovery(path: Path) -> Recovered | None:
    """What a recovery file holds, or None if there is nothing usable (missing, damaged, hostile:
    the reason is logged)."""
    try:
        data = read_json(path, MAX_RECOVERY_BYTES)
    except FileNotFoundError:
        return None
    except (OSError, UnusableFile) as error:
        log.warning("unreadable recovery file %s: %s", path, error)
        return None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str) or not data["text"]:
        log.warning("recovery file %s holds no text", path)
        return None
    newline = data.get("newline")
    text_format = TextFormat(
        newline if newline in ("\n", "\r\n", "\r") else "\n", data.get("bom") is True
    )
    return Recovered(
        data["text"],
        _string(data.get("path")),
        text_format,
        _string(data.get("saved_at")),
        _string(data.get("file_digest")),
    )


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""


class RecoveryFile:
    """A recovery file and its lock: a copy of the app that holds the lock owns the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = QLockFile(f"{path}.lock")
        self._lock.setStaleLockTime(0)  # a lock is stale only when its process has ended

    def claim(self) -> bool:
        """Take the lock if no live process holds it (its owner ended: the lock was left)."""
        return self._lock.tryLock(0)

    def release(self) -> None:
        """Let go of the file (left for the next start to offer, if it still exists)."""
        self._lock.unlock()

    def remove(self) -> None:
        """Delete the file, then its lock."""
        try:
            self.path.unlink(missing_ok=True)
        except OSError as error:
            log.warning("cannot remove the recovery file %s: %s", self.path, error)
        self.release()


def own_recovery_file(folder: Path) -> RecoveryFile:
    """A new recovery file in `folder` for this copy of the app, locked by it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        log.warning("cannot create the recovery folder %s: %s", folder, error)
    file = RecoveryFile(folder / f"recovery-{os.getpid()}-{secrets.token_hex(4)}.json")
    if not file.claim():
        log.warning("cannot lock the recovery file %s", file.path)
    return file


def left_behind(folder: Path, own: Path) -> Iterator[RecoveryFile]:
    """The recovery files in `folder` of copies of the app that have ended, newest first, each
    claimed (locked) by this copy; those of copies still running are left alone."""
    try:
        found = [path for path in folder.glob("*.json") if path != own]
        found.sort(key=_modified, reverse=True)
    except OSError as error:
        log.warning("cannot list the recovery folder %s: %s", folder, error)
        return
    for path in found:
        file = RecoveryFile(path)
        if file.claim():
            yield file


def remove_stale_locks(folder: Path) -> None:
    """Remove the locks that ended copies left without a recovery file."""
    try:
        locks = list(folder.glob("*.json.lock"))
    except OSError:
        return
    for lock in locks:
        file = RecoveryFile(lock.with_suffix(""))
        if not file.path.exists() and file.claim():
            file.release()


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


class Autosaver(QObject):
    """Writes the editor's unsaved text to this copy's recovery file after a pause in typing.

    `document` tells the open file's path ('' if none) and format, restored with the text."""

    # The recovery file was written (its path).
    saved = Signal(str)
    # The recovery file could not be written (a message for the user).
    failed = Signal(str)

    def __init__(
        self,
        editor: Editor,
        document: Callable[[], tuple[str, TextFormat, str]],
        path: Path | None = None,
    ) -> None:
        super().__init__(editor)
        self.editor = editor
        self.document = document
        self.file = RecoveryFile(path) if path else own_recovery_file(recovery_folder())
        if path:
            self.file.claim()
        self._last_error = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        editor.document().contentsChanged.connect(self._on_change)

    @property
    def path(self) -> Path:
        return self.file.path

    def _on_change(self) -> None:
        """The pause counts from the last change of the text. Ghost text shown or removed is no
        change (Qt reports it as one): a streaming continuation would otherwise postpone the
        recovery file until it ends, tens of seconds with a large model."""
        if self.editor.edit_origin != GHOST:
            self._timer.start()

    def flush(self) -> None:
        """Write the recovery file now if the text has unsaved changes (failures are told)."""
        try:
            self.write_now()
        except OSError as error:
            message = (
                f"Unsaved text could not be kept for recovery: {describe(error)} ({self.path})."
            )
            log.error("%s", message)
            if message != self._last_error:
                self.failed.emit(message)
            self._last_error = message
        else:
            self._last_error = ""

    def write_now(self) -> Path | None:
        """Write the recovery file if there are unsaved changes: its path, or None if there were
        none (undone back to the saved text: an older recovery file goes too, or a crash would
        offer back what was undone); OSError if it could not be written."""
        self._timer.stop()
        if not self.editor.document().isModified():
            self.discard()
            return None
        path, text_format, file_digest = self.document()
        payload = {
            "version": RECOVERY_VERSION,
            "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "path": path,
            "newline": text_format.newline,
            "bom": text_format.bom,
            "file_digest": file_digest,
            "text": self.editor.text(),
        }
        # (A lone surrogate, which UTF-8 cannot hold, becomes `?` rather than failing the write.)
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8", errors="replace")
        write_atomic(self.path, data, private=True)
        log.debug("recovery file written")
        self.saved.emit(str(self.path))
        return self.path

    def discard(self) -> None:
        """Nothing unsaved remains (saved, or closed on purpose): remove the recovery file."""
        self._timer.stop()
        try:
            self.path.unlink(missing_ok=True)
        except OSError as error:
            log.warning("cannot remove the recovery file %s: %s", self.path, error)

    def close(self) -> None:
        """The app closes normally: remove the recovery file and let go of its lock."""
        self.discard()
        self.file.release()
