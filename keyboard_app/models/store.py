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
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from keyboard_app import paths
from keyboard_app.engine.errors import ModelError
from keyboard_app.files import UnusableFile, move_into_place, read_json, sha256_of, write_atomic
from keyboard_app.models.errors import ModelManagerError
from keyboard_app.models.locking import exclusive_lock

log = logging.getLogger(__name__)

MANIFEST_VERSION = 1
_LOCK = threading.Lock()
# Model names are file names: letters and digits of any script, `.`, `_` and `-`; at most 80
# characters and 120 bytes of UTF-8, so that the install's hidden names (`leftovers`) fit in the
# 255 bytes a file name may have.
_NAME_PUNCTUATION = frozenset("._-")
_UNSAFE_RUN = re.compile("\0+")
MAX_NAME_CHARS = 80
MAX_NAME_BYTES = 120


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
    """A name usable as a file name on every platform, and not one of the built-in model's.

    Letters and digits of every script are kept (`modèle` stays `modèle`, in the NFC form that
    macOS's decomposed file names are turned into); every run of anything else (spaces, slashes,
    emoji, control characters) becomes one `-`."""
    cleaned = _clean_name(name)
    if not cleaned:
        raise ModelManagerError(
            f"{name!r} cannot be used as a model name: a name needs a letter or a digit."
        )
    if cleaned.lower() in BUILTIN_NAMES:
        raise ModelManagerError(
            f"{name!r} is the built-in model's name; choose another name for this model."
        )
    return cleaned


def _clean_name(name: str) -> str:
    kept = "".join(c if _is_name_character(c) else "\0" for c in unicodedata.normalize("NFC", name))
    cleaned = _UNSAFE_RUN.sub("-", kept).strip(".-")[:MAX_NAME_CHARS]
    while len(cleaned.encode("utf-8")) > MAX_NAME_BYTES:
        cleaned = cleaned[:-1]
    return cleaned.rstrip(".-")


def _is_name_character(character: str) -> bool:
    """A letter, a mark (the accents of decomposed letters, the vowel signs of Indic scripts), a
    digit, `.`, `_` or `-`: nothing that separates paths or is special to any file system."""
    return character in _NAME_PUNCTUATION or unicodedata.category(character)[0] in "LMN"


def _is_model_file_name(file: str) -> bool:
    """A model's file as the manifest may name it: a plain file name in the store folder, made
    of what `safe_model_name` keeps; never a path, a hidden file or the manifest itself."""
    stem = file.removesuffix(".gguf")
    return (
        stem != file and stem[:1] not in ("", ".", "-") and all(_is_name_character(c) for c in stem)
    )


def _installed_key(records: dict[str, Any], name: str) -> str | None:
    """The manifest's key for the model `name` means: `name` itself, or the name it was installed
    under (`safe_model_name("my model")`, `my-model`); None if there is none."""
    for key in (name, unicodedata.normalize("NFC", name), _clean_name(name)):
        if key in records:
            return key
    return None


def _name_taken(records: dict[str, Any], name: str) -> str | None:
    """The installed model whose name is `name` but for case, if any: on macOS and Windows both
    would be one file, so that installing one would replace the other's file."""
    folded = name.casefold()
    return next((key for key in records if key.casefold() == folded), None)


def _refuse_taken_name(records: dict[str, Any], name: str) -> None:
    taken = _name_taken(records, name)
    if taken == name:
        raise ModelManagerError(f"A model called {name!r} is already installed; remove it first.")
    if taken is not None:
        raise ModelManagerError(
            f"A model called {taken!r} is already installed, and {name!r} differs from it only "
            "in case (the same file name on macOS and Windows); choose another name, or remove "
            f"{taken!r} first."
        )


def check_new_name(name: str) -> None:
    """ModelManagerError if a model called `name` (a `safe_model_name`), or the same but for
    case, is installed."""
    with _LOCK:
        records = _read()["models"]
    _refuse_taken_name(records, name)


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
    return _is_model_file_name(record["file"])


def installed_models() -> list[InstalledModel]:
    """Installed models, by name."""
    with _LOCK:
        records = _read()["models"]
    models = [_from_record(r) for _, r in sorted(records.items())]
    return [m for m in models if m is not None]


def get_model(name: str) -> InstalledModel:
    """The installed model `name` means (see `_installed_key`)."""
    with _LOCK:
        records = _read()["models"]
    key = _installed_key(records, name)
    model = _from_record(records[key]) if key is not None else None
    if model is not None:
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
        _refuse_taken_name(data["models"], name)
        move_into_place(staged, target)
        data["models"][name] = asdict(model)
    log.info("installed model %s (%s, %d bytes)", name, quantization, model.size_bytes)
    return model


def remove_model(name: str) -> str:
    """Delete an installed model; if it was the default, the app goes back to the built-in one.
    Returns the name it was installed under (`name` may be that name as typed before cleaning,
    `my model` for `my-model`). The file is deleted under the manifest's lock, so that an install
    of the same name cannot put its file in place between the entry's removal and the deletion."""
    with _updating() as data:
        name = _installed_key(data["models"], name) or name
        record = data["models"].pop(name, None)
        if record is None:
            raise ModelManagerError(f"No installed model is called {name!r}.")
        if data.get("default") == name:
            data["default"] = None
        model = _from_record(record)
        failure = None if model is None else _delete(model.path)
    if model is None:  # never delete what a hand-edited or hostile entry names
        raise ModelManagerError(
            f"The entry {name!r} in the model list {manifest_path()} was malformed; it was "
            "removed from the list, and no file was deleted."
        )
    if failure is not None:  # e.g. on Windows, while the app has the model open
        raise ModelManagerError(
            f"{name} was removed from the list, but its file {model.path} cannot be deleted: "
            f"{failure.strerror}."
        ) from failure
    log.info("removed model %s", name)
    return name


def _delete(path: Path) -> OSError | None:
    """Delete `path` if it is there; the error instead of raising it (the manifest is saved)."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        return exc
    return None


def set_default_model(name: str | None, *, validate: bool = False) -> str | None:
    """Make `name` the app's model; None means the built-in model. Returns the name it was
    installed under, as `remove_model` does. A model whose file is missing, or with `validate`
    does not validate, is refused: the app would load the built-in model instead. (The app
    records a model once it has loaded, which proves more than the validator.)"""
    if name is not None:
        model = get_model(name)
        problem = file_problem(model.path, validate=validate)
        if problem is not None:
            raise ModelManagerError(
                f"Cannot use {model.name}: {problem} Remove it and install it again."
            )
        name = model.name
    with _updating() as data:
        if name is not None and name not in data["models"]:
            raise ModelManagerError(f"No installed model is called {name!r}.")
        data["default"] = name
        data["default_file"] = None
    return name


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
        return _default_file(_read())


def default_model_name() -> str | None:
    with _LOCK:
        return _default_name(_read())


def _default_file(data: dict[str, Any]) -> Path | None:
    file = data.get("default_file")
    return Path(file) if isinstance(file, str) and file else None


def _default_name(data: dict[str, Any]) -> str | None:
    name = data.get("default")
    return name if isinstance(name, str) else None


def model_file(model: str | Path) -> Path:
    """The GGUF meant by `model`: a path, or the name of an installed model (a name has no path
    separator; "builtin" is the built-in model). ModelManagerError for an unknown name. Something
    there by a model file's name (a folder, a pipe called x.gguf) is a path: opening it says what
    it is (a folder `gpt2` is no reason not to use the model of that name)."""
    path = Path(model)
    named_as_a_file = str(model).lower().endswith(".gguf")
    if path.is_file() or (named_as_a_file and path.exists()) or not isinstance(model, str):
        return path
    if "/" in model or os.sep in model:
        return path
    if model.lower() in BUILTIN_NAMES:
        return paths.builtin_model_path()
    try:
        return get_model(model).path
    except ModelManagerError:
        if not named_as_a_file:
            raise
        raise ModelManagerError(
            f"There is no model file {model!r} here, nor an installed model of that name; "
            "see `keyboard-app models list`."
        ) from None


@dataclass(frozen=True)
class ChosenModel:
    """The app's model as the manifest records it, and what is loaded for it.

    `label`: the choice as people name it (an installed model's name, a file's path), or None
    for the built-in model. `path`: the file loaded, or None for the built-in model (also when
    the choice cannot be used). `problem`: why the choice cannot be used (a sentence)."""

    label: str | None
    path: Path | None
    problem: str | None = None

    def loaded_path(self) -> Path | None:
        """The file loaded: the chosen one, else the built-in model; None if that is missing."""
        if self.path is not None:
            return self.path
        builtin = paths.builtin_model_path()
        return builtin if builtin.is_file() else None


def chosen_model(*, validate: bool = False) -> ChosenModel:
    """The app's model: the one decision of what is loaded when no model is asked for (the app,
    `suggest`, `models list`). A chosen model whose file is missing, or (with `validate`) does
    not validate, is not loaded: the built-in model is. The app validates the file it loads
    itself, and says why it cannot load one."""
    with _LOCK:
        data = _read()
    file, name = _default_file(data), _default_name(data)
    if file is not None:
        label, path = str(file), file
    elif name is not None:
        record = data["models"].get(name)
        model = _from_record(record) if record is not None else None
        if model is None:
            return ChosenModel(name, None, f"No installed model is called {name!r}.")
        label, path = name, model.path
    else:
        return ChosenModel(None, None)
    problem = file_problem(path, validate=validate)
    return ChosenModel(label, None if problem else path, problem)


def file_problem(path: Path, *, validate: bool) -> str | None:
    """Why the model file `path` cannot be loaded (a sentence), or None: it is missing, or, with
    `validate`, fails the validator."""
    if not validate:
        return None if path.is_file() else f"Model file {path} does not exist."
    from keyboard_app.engine.gguf_validate import validate_gguf  # NumPy and gguf: only here

    try:
        validate_gguf(path)
    except ModelError as exc:
        return str(exc)
    return None


def _logged(choice: ChosenModel) -> ChosenModel:
    if choice.problem is not None:
        log.warning("%s cannot be used; using the built-in model: %s", choice.label, choice.problem)
    return choice


def model_to_load(requested: str | None) -> Path | None:
    """The model to load: the one asked for (a file or an installed model's name), else the
    store's default (a model of the store or a file opened with Open Model File), else the
    built-in model; None if there is none."""
    if requested:
        return model_file(requested)
    return _logged(chosen_model()).loaded_path()


def default_model_path() -> Path | None:
    """The GGUF the app should load, or None for the built-in model (also if the file is gone)."""
    return _logged(chosen_model()).path
