"""An exclusive lock between processes (and threads): two copies of the app, or the app and
`keyboard-app ...`, share the settings file, the model store and the personal store, so that a
read-change-write of one of them (a settings save, a manifest update, a download, moving a damaged
store aside) must not run twice at once. No Qt here.

The lock is an OS lock (`flock` on POSIX, `msvcrt.locking` on Windows) on a small lock file beside
what it guards; the OS drops it when its holder ends, even when it is killed. The holder deletes
the file when it is done, so a lock file left behind means nothing; a process that locked a file
which was deleted meanwhile (the holder before it finished) notices and locks the new one.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from keyboard_app.files import file_identity

_POLL_S = 0.05


class LockUnavailable(OSError):
    """The lock was not taken: its file cannot be made, or another holder has it and the caller
    asked not to wait. The message is for a person."""


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _release(fd: int, path: Path) -> None:
        """Unlock and close; Windows deletes no open file, so delete it after, if no one has it."""
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        os.close(fd)
        with contextlib.suppress(OSError):
            path.unlink()

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _release(fd: int, path: Path) -> None:
        """Delete the file while still holding its lock, then unlock (by closing)."""
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        os.close(fd)


def _is_current(fd: int, path: Path) -> bool:
    """Whether the locked open file is still the one at `path` (not deleted by its last holder)."""
    held = os.fstat(fd)
    return file_identity(path) == (held.st_dev, held.st_ino)


def _open(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise LockUnavailable(f"Cannot create the lock file {path}: {exc.strerror}.") from exc


def _acquire(path: Path, busy: str | None) -> int:
    while True:
        fd = _open(path)
        if _try_lock(fd):
            if _is_current(fd, path):
                return fd
        elif busy is not None:
            os.close(fd)
            raise LockUnavailable(busy)
        else:
            time.sleep(_POLL_S)
        os.close(fd)


@contextlib.contextmanager
def exclusive_lock(path: Path, *, busy: str | None = None) -> Iterator[None]:
    """Hold the lock of the lock file `path` for the block.

    If another process (or thread) holds it: with `busy`, raise LockUnavailable(busy) at once;
    without, wait until it is free (for short critical sections such as a manifest update)."""
    fd = _acquire(path, busy)
    try:
        yield
    finally:
        _release(fd, path)
