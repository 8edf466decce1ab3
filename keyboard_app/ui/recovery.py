"""Crash recovery: unsaved text is written to a recovery file a moment after typing stops.

Each running copy of the app has a recovery file of its own in the recovery folder,
`recovery-<pid>-<random>.json`, and holds a lock beside it (`….json.lock`, a QLockFile naming the
process) for as long as it runs. The file is removed when the text is saved or the app closes
normally. So a recovery file whose lock no live process holds belongs to a copy that ended without
saving: the next start offers its text (`recovery_offer.py`), while the file of a copy that is
still running is never offered nor removed.

The file is written two seconds after the last change, and at the latest ten seconds after the
first change not yet written, however steadily the user types. The text is read from the editor a
slice at a time (`text_snapshot.py`) and encoded and written in a thread of its own, so that a large
document never holds up the window; the file is replaced atomically, by one writer at a time, and
a write that a newer one (or a removal) has overtaken is not made.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal, Slot

from keyboard_app import paths
from keyboard_app.files import UnusableFile, atomic_path, read_json
from keyboard_app.ui.editor import GHOST, Editor
from keyboard_app.ui.text_file import MAX_DOCUMENT_BYTES, TextFormat, describe
from keyboard_app.ui.text_snapshot import TextSnapshot

log = logging.getLogger(__name__)

RECOVERY_VERSION = 1
# The pause in typing after which unsaved text is written.
AUTOSAVE_DELAY_MS = 2000
# However steadily the user types, unsaved text is written this long after its first change.
AUTOSAVE_MAX_DELAY_MS = 10_000
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
    """Writes the editor's unsaved text to this copy's recovery file: after a pause in typing, and
    at the latest AUTOSAVE_MAX_DELAY_MS after the first change not yet written.

    `document` tells the open file's path ('' if none), format and digest, restored with the
    text."""

    # The recovery file was written (its path).
    saved = Signal(str)
    # The recovery file could not be written (a message for the user).
    failed = Signal(str)
    # A write in the writer's thread ended: "" or what went wrong (a message for the user).
    _written = Signal(str)

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
        self._pause = self._new_timer(AUTOSAVE_DELAY_MS)
        self._deadline = self._new_timer(AUTOSAVE_MAX_DELAY_MS)
        self._snapshot = TextSnapshot(editor, self._write_in_background)
        # One writer thread; the lock is held while the file is written or removed, by it or by
        # the GUI thread, and the newest of the writes asked for is the one that may be made.
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="recovery-writer")
        self._file_lock = threading.Lock()
        self._newest = 0
        self._closed = False
        self._written.connect(self._on_written)
        editor.document().contentsChanged.connect(self._on_change)

    def _new_timer(self, interval_ms: int) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval_ms)
        timer.timeout.connect(self._autosave)
        return timer

    @property
    def path(self) -> Path:
        return self.file.path

    def _on_change(self) -> None:
        """The pause counts from the last change of the text, the longest wait from the first
        one not yet written. Ghost text shown or removed is no change (Qt reports it as one): a
        streaming continuation would otherwise postpone the recovery file until it ends, tens of
        seconds with a large model."""
        if self.editor.edit_origin == GHOST or self._closed:
            return
        self._pause.start()
        if not self._deadline.isActive():
            self._deadline.start()

    def _stop_timers(self) -> None:
        self._pause.stop()
        self._deadline.stop()

    @Slot()
    def _autosave(self) -> None:
        """A timer went off: read the text, to be written once it is read (or, with nothing
        unsaved, remove the file now)."""
        self._stop_timers()
        if not self.editor.document().isModified():
            self.discard()
        elif not self._snapshot.running:
            self._snapshot.start()

    def _write_in_background(self, parts: list[str]) -> None:
        """The text is read (every change up to now is in it): write it in the writer's thread."""
        self._stop_timers()
        if not self.editor.document().isModified() or not any(parts):
            self.discard()
            return
        write = self._claim()
        header = self._header()
        self._writer.submit(self._write_reporting, write, header, parts)

    def _write_reporting(self, write: int, header: str, parts: list[str]) -> None:
        """The writer's thread: write, and tell the GUI thread how it went (an error here would
        otherwise be kept by the executor, unseen)."""
        try:
            if self._write(write, header, parts):
                self._written.emit("")
        except OSError as error:
            self._written.emit(self._failure(error))
        except Exception as error:
            log.exception("writing the recovery file failed")
            self._written.emit(f"Unsaved text could not be kept for recovery: {error!r}.")

    @Slot(str)
    def _on_written(self, error: str) -> None:
        if error:
            self._report(error)
        else:
            self._last_error = ""
            log.debug("recovery file written")
            self.saved.emit(str(self.path))

    def flush(self) -> None:
        """Write the recovery file now if the text has unsaved changes (failures are told)."""
        try:
            self.write_now()
        except OSError as error:
            self._report(self._failure(error))
        else:
            self._last_error = ""

    def _failure(self, error: OSError) -> str:
        return f"Unsaved text could not be kept for recovery: {describe(error)} ({self.path})."

    def _report(self, message: str) -> None:
        log.error("%s", message)
        if message != self._last_error:
            self.failed.emit(message)
        self._last_error = message

    def write_now(self) -> Path | None:
        """Write the recovery file at once, on this thread (a crash, a signal, a restored text),
        if there are unsaved changes: its path, or None if there were none (undone back to the
        saved text, or an emptied document: an older recovery file goes too, or a crash would
        offer back what was undone); OSError if it could not be written."""
        self._stop_timers()
        self._snapshot.cancel()
        text = self.editor.text() if self.editor.document().isModified() else ""
        if not text:
            self.discard()
            return None
        self._write(self._claim(), self._header(), [text])
        log.debug("recovery file written")
        self.saved.emit(str(self.path))
        return self.path

    def _claim(self) -> int:
        """A number for a new write or removal of the file (GUI thread): any older one not made
        yet will not be."""
        self._newest += 1
        return self._newest

    def _header(self) -> str:
        """The recovery file's JSON object without its text, which comes last (see `_write`)."""
        path, text_format, file_digest = self.document()
        return json.dumps(
            {
                "version": RECOVERY_VERSION,
                "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "path": path,
                "newline": text_format.newline,
                "bom": text_format.bom,
                "file_digest": file_digest,
            },
            ensure_ascii=False,
        )

    def _write(self, write: int, header: str, parts: list[str]) -> bool:
        """Replace the recovery file with `header` and the text in `parts`, unless a newer write
        or removal was asked for since `write` was: whether it was written. Each part is encoded
        by itself, so that the writer's thread never holds Python's lock for long: the GUI thread
        goes on meanwhile. (A lone surrogate, which UTF-8 cannot hold, becomes `?`.)"""
        with self._file_lock:
            if write != self._newest:
                return False
            with atomic_path(self.path, private=True) as temporary, temporary.open("wb") as out:
                out.write(f'{header[:-1]}, "text": "'.encode())
                for part in parts:
                    escaped = json.dumps(part, ensure_ascii=False)[1:-1]
                    out.write(escaped.encode("utf-8", errors="replace"))
                out.write(b'"}')
        return True

    def discard(self) -> None:
        """Nothing unsaved remains (saved, undone, emptied, or closed on purpose): remove the
        recovery file, and let no write asked for before make it again."""
        self._stop_timers()
        self._snapshot.cancel()
        self._claim()
        with self._file_lock:
            try:
                self.path.unlink(missing_ok=True)
            except OSError as error:
                log.warning("cannot remove the recovery file %s: %s", self.path, error)

    def close(self) -> None:
        """The app closes normally: remove the recovery file, end the writer's thread and let go
        of the file's lock."""
        self._closed = True
        self.discard()
        self._writer.shutdown(wait=True, cancel_futures=True)
        self.file.release()
