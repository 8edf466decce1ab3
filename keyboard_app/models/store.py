"""The model store: installed GGUF files in the user data folder, described by a JSON manifest.

The manifest (`models/manifest.json`) records each model's name, source, revision, quantization,
size, SHA-256 and date, and the model the app uses: one of the store's (`default`), a GGUF file
opened from elsewhere (`default_file`), or neither (the built-in model). It is the one record of
that choice, which `models use`, the Models dialog and Open Model File all change. It is rewritten
atomically (`files.write_atomic`), so a crash never leaves it half-written, under a lock between
processes (`locking.exclusive_lock`), so that the app and the CLI never lose each other's changes.
A damaged manifest reads as empty but is never replaced: changes are refused until it is repaired.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import reprlib
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from keyboard_app import paths
from keyboard_app.files import UnusableFile, move_into_place, read_json, sha256_of, write_atomic
from keyboard_app.models.errors import ModelManagerError
from keyboard_app.models.locking import exclusive_lock

log = logging.getLogger(__name__)

MANIFEST_VERSION = 1
_LOCK = threading.Lock()
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
# A model's file as the manifest names it: a plain file name in the store folder, as
# `safe_model_name` makes them; never a path, a hidden file or the manifest itself.
_MODEL_FILE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*\.gguf")


@dataclass(frozen=True)
class InstalledModel:
    name: str
    file: str  # relative to the store folder
    source: str  # a hub repository, or "imported from PATH"
    revision: str | None
    quantization: str
    size_bytes: int
    sha256: str
    installed: str  # ISO 8601 date and time
    type_mix: dict[str, int] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return store_dir() / self.file


def store_dir() -> Path:
    """The model store's folder, created if it can be (`paths.made`: reading an unmade one finds
    no model, and whoever writes there says why)."""
    return paths.made(paths.model_store_dir())


def manifest_path() -> Path:
    return store_dir() / "manifest.json"


# Names that mean the built-in model (`keyboard-app models use builtin`): no installed model has one.
BUILTIN_NAMES = frozenset({"builtin", "built-in"})


def safe_model_name(name: str) -> str:
    """A name usable as a file name on every platform, and not one of the built-in model's."""
    cleaned = _SAFE_NAME.sub("-", name).strip(".-")
    if not cleaned:
        raise ModelManagerError(f"{name!r} cannot be used as a model name.")
    if cleaned.lower() in BUILTIN_NAMES:
        raise ModelManagerError(
            f"{name!r} is the built-in model's name; choose another name for this model."
        )
    return cleaned[:80]


def _empty() -> dict[str, Any]:
    return {"version": MANIFEST_VERSION, "default": None, "default_file": None, "models": {}}


MAX_MANIFEST_BYTES = 16 << 20  # a manifest of thousands of models is a few hundred KB


class _DamagedManifest(Exception):
    """The manifest exists but cannot be used; the message says why, for a person."""


def _read_checked() -> dict[str, Any]:
    """The manifest; an empty one if there is none. _DamagedManifest if it is unusable."""
    try:
        data = read_json(manifest_path(), MAX_MANIFEST_BYTES)
    except FileNotFoundError:
        return _empty()
    except UnusableFile as exc:
        raise _DamagedManifest(str(exc)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("models"), dict):
        raise _DamagedManifest("it does not hold a list of models")
    return data


def _read() -> dict[str, Any]:
    """The manifest for reading: an unusable one reads as empty (the app starts with the built-in
    model), but it is kept: only `_updating` writes, and it refuses to replace it."""
    path = manifest_path()
    try:
        return _read_checked()
    except (OSError, _DamagedManifest) as exc:
        log.warning("ignoring unreadable model manifest %s: %s", path, exc)
        return _empty()


@contextlib.contextmanager
def _updating() -> Iterator[dict[str, Any]]:
    """The manifest to change in place, saved when the block ends without an exception.

    One change at a time, across processes too (the app and the CLI share the store), so that
    none is lost. A damaged manifest is never replaced: that would forget every installed model."""
    path = manifest_path()
    with _LOCK, exclusive_lock(path.with_name(path.name + ".lock")):
        try:
            data = _read_checked()
        except _DamagedManifest as exc:
            raise ModelManagerError(
                f"The model list {path} is damaged ({exc}); nothing was changed. Repair the file "
                "or move it away (the installed models are then forgotten), and try again."
            ) from exc
        except OSError as exc:
            raise ModelManagerError(f"Cannot read the model list {path}: {exc.strerror}.") from exc
        yield data
        _write(data)


def _write(data: dict[str, Any]) -> None:
    path = manifest_path()
    try:
        write_atomic(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
    except OSError as exc:
        raise ModelManagerError(f"Cannot save the model list {path}: {exc.strerror}.") from exc


_FIELD_TYPES: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "file": str,
    "source": str,
    "revision": (str, type(None)),
    "quantization": str,
    "size_bytes": int,
    "sha256": str,
    "installed": str,
    "type_mix": dict,
}


def _from_record(record: object) -> InstalledModel | None:
    """An installed model from its manifest entry; None (and a warning) for an entry of the wrong
    shape or types, or whose file lies outside the store (a hand-edited or hostile manifest)."""
    if not _valid_record(record):
        log.warning("ignoring malformed manifest entry %s", reprlib.repr(record))
        return None
    assert isinstance(record, dict)
    return InstalledModel(**record)


def _valid_record(record: object) -> bool:
    if not isinstance(record, dict) or not set(record) <= set(_FIELD_TYPES):
        return False
    if not all(name in record for name in _FIELD_TYPES if name != "type_mix"):
        return False
    if not all(isinstance(record[n], t) for n, t in _FIELD_TYPES.items() if n in record):
        return False
    return _MODEL_FILE.fullmatch(record["file"]) is not None


def installed_models() -> list[InstalledModel]:
    """Installed models, by name."""
    with _LOCK:
        records = _read()["models"]
    models = [_from_record(r) for _, r in sorted(records.items())]
    return [m for m in models if m is not None]


def get_model(name: str) -> InstalledModel:
    for model in installed_models():
        if model.name == name:
            return model
    raise ModelManagerError(
        f"No installed model is called {name!r}; see `keyboard-app models list`."
    )


def add_model(
    name: str,
    staged: Path,
    *,
    source: str,
    revision: str | None,
    quantization: str,
    type_mix: dict[str, int],
) -> InstalledModel:
    """Move the validated GGUF `staged` (a temporary name in the store folder) into place, flushed
    to disk, and record it."""
    name = safe_model_name(name)
    target = store_dir() / f"{name}.gguf"
    model = InstalledModel(
        name=name,
        file=target.name,
        source=source,
        revision=revision,
        quantization=quantization,
        size_bytes=staged.stat().st_size,
        sha256=sha256_of(staged),
        installed=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        type_mix=dict(type_mix),
    )
    with _updating() as data:
        if name in data["models"]:
            raise ModelManagerError(
                f"A model called {name!r} is already installed; remove it first."
            )
        move_into_place(staged, target)
        data["models"][name] = asdict(model)
    log.info("installed model %s (%s, %d bytes)", name, quantization, model.size_bytes)
    return model


def remove_model(name: str) -> None:
    """Delete an installed model; if it was the default, the app goes back to the built-in one."""
    with _updating() as data:
        record = data["models"].pop(name, None)
        if record is None:
            raise ModelManagerError(f"No installed model is called {name!r}.")
        if data.get("default") == name:
            data["default"] = None
    model = _from_record(record)
    if model is None:  # never delete what a hand-edited or hostile entry names
        raise ModelManagerError(
            f"The entry {name!r} in the model list {manifest_path()} was malformed; it was "
            "removed from the list, and no file was deleted."
        )
    try:
        model.path.unlink(missing_ok=True)
    except OSError as exc:  # e.g. on Windows, while the app has the model open
        raise ModelManagerError(
            f"{name} was removed from the list, but its file {model.path} cannot be deleted: "
            f"{exc.strerror}."
        ) from exc
    log.info("removed model %s", name)


def set_default_model(name: str | None) -> None:
    """Make `name` the app's model; None means the built-in model."""
    with _updating() as data:
        if name is not None and name not in data["models"]:
            raise ModelManagerError(f"No installed model is called {name!r}.")
        data["default"] = name
        data["default_file"] = None


def set_default_file(path: Path) -> None:
    """Make the GGUF file `path`, outside the store (Open Model File), the app's model."""
    path = Path(path).absolute()
    if not path.is_file():
        raise ModelManagerError(f"{path} is not a model file.")
    with _updating() as data:
        data["default"] = None
        data["default_file"] = str(path)


def default_model_file() -> Path | None:
    """The file outside the store the app uses, if that is the choice (whether or not it exists)."""
    with _LOCK:
        file = _read().get("default_file")
    return Path(file) if isinstance(file, str) and file else None


def default_model_name() -> str | None:
    with _LOCK:
        name = _read().get("default")
    return name if isinstance(name, str) else None


def model_file(model: str | Path) -> Path:
    """The GGUF meant by `model`: a path, or the name of an installed model (a name has no path
    separator; "builtin" is the built-in model). ModelManagerError for an unknown name."""
    path = Path(model)
    if path.is_file() or not isinstance(model, str) or "/" in model or os.sep in model:
        return path
    if model.lower() in BUILTIN_NAMES:
        return paths.builtin_model_path()
    return get_model(model).path


def model_to_load(requested: str | None) -> Path | None:
    """The model to load: the one asked for (a file or an installed model's name), else the
    store's default (a model of the store or a file opened with Open Model File), else the
    built-in model; None if there is none."""
    if requested:
        return model_file(requested)
    chosen = default_model_path()
    if chosen is not None:
        return chosen
    builtin = paths.builtin_model_path()
    return builtin if builtin.is_file() else None


def default_model_path() -> Path | None:
    """The GGUF the app should load, or None for the built-in model (also if the file is gone)."""
    file = default_model_file()
    if file is not None:
        if file.is_file():
            return file
        log.warning("default model file %s is missing; using the built-in model", file)
        return None
    name = default_model_name()
    if name is None:
        return None
    try:
        path = get_model(name).path
    except ModelManagerError:
        log.warning("default model %s is not installed; using the built-in model", name)
        return None
    if not path.is_file():
        log.warning("default model file %s is missing; using the built-in model", path)
        return None
    return path
