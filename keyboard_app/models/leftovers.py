"""The hidden intermediate files of an install in the store, and removing those of killed ones.

Each install names its files `.MODEL.TOKEN.staging.gguf` and `.MODEL.TOKEN.f32.gguf` (the writer's
own temporaries add `.HEX.part`), and holds a lock on `.install-TOKEN.lock` while they exist. A
process that is killed (SIGKILL, a closed terminal, a logout) runs no cleanup, and its files, up
to several GB for GPT-2 XL, stay behind; the OS drops its lock. So the next install removes every
such file whose lock no one holds, and never the files of an install that is still running.
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

from keyboard_app.models.errors import ModelManagerError
from keyboard_app.models.locking import exclusive_lock

log = logging.getLogger(__name__)

_INTERMEDIATE = re.compile(
    r"\.\.?.+\.(?P<token>[0-9a-f]{12})\.(?:staging|f32)\.gguf(?:\.[0-9a-f]{12}\.part)?"
)


def _owner_lock(folder: Path, token: str) -> Path:
    return folder / f".install-{token}.lock"


@contextlib.contextmanager
def install_files(folder: Path, model_name: str) -> Iterator[Callable[[str], Path]]:
    """For the block: a function naming this install's hidden files in `folder` by kind, and the
    lock that marks them as in use. Leftovers of earlier installs are removed first."""
    token = secrets.token_hex(6)
    with exclusive_lock(_owner_lock(folder, token)):
        remove_leftovers(folder)
        yield lambda kind: folder / f".{model_name}.{token}.{kind}.gguf"


def remove_leftovers(folder: Path) -> int:
    """Delete the intermediate files in `folder` of installs that no longer run; their count."""
    owners: dict[str, list[Path]] = {}
    for path in folder.glob(".*"):
        match = _INTERMEDIATE.fullmatch(path.name)
        if match:
            owners.setdefault(match["token"], []).append(path)
    removed = 0
    for token, paths in owners.items():
        try:
            with exclusive_lock(_owner_lock(folder, token), busy="in use"):
                for path in paths:
                    path.unlink(missing_ok=True)
                    removed += 1
        except ModelManagerError:
            continue  # that install is still running
        log.info("removed %d file(s) left by an install that was stopped", len(paths))
    return removed
