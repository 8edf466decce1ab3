"""The model store's lock between processes (`keyboard_app.locking`), its failures told as
ModelManagerError like every other failure of the model manager."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from keyboard_app import locking
from keyboard_app.models.errors import ModelManagerError


@contextlib.contextmanager
def exclusive_lock(path: Path, *, busy: str | None = None) -> Iterator[None]:
    """`locking.exclusive_lock`, raising ModelManagerError where that raises LockUnavailable."""
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(locking.exclusive_lock(path, busy=busy))
        except locking.LockUnavailable as error:
            raise ModelManagerError(str(error)) from error
        yield
