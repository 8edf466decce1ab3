"""The one settings store: typed, versioned JSON in the user config folder, written atomically.

Anything missing, of the wrong type or out of range falls back to its default, so a hand-edited,
half-written or hostile file (a folder, a pipe, JSON nested a thousand deep) never stops the app
from starting. Two copies of the app may run at once: each writes only what it changed over what
the file holds by then, one save at a time (a lock file beside it). No Qt here: the CLI and tests
use it too.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import reprlib
from collections.abc import Collection
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from keyboard_app import paths
from keyboard_app.engine.numbers import MAX_THREADS
from keyboard_app.engine.sampling import SamplingParams
from keyboard_app.files import UnusableFile, damaged_name, read_json, write_atomic
from keyboard_app.locking import exclusive_lock

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1
MAX_RECENT_FILES = 10
# Far above any real settings file (about 1 KB); a larger one is not read.
MAX_FILE_BYTES = 1 << 20
FILE_MODE = 0o600  # only the user's: it may hold the team server's API key
# Learning's switches: privacy controls, which every running copy follows as soon as one changes
# them (`SettingsStore.follow`).
LEARNING_SWITCHES = ("learning_enabled", "learning_paused")
# Fields of earlier versions, moved elsewhere (`SettingsStore.stored_value`): not written back,
# unlike the other keys this version does not know (a newer version's), which are kept.
RETIRED_KEYS = frozenset({"model_path"})


@dataclass
class Settings:
    """Everything the user can change. `gpu_layers`: None means automatic, 0 means CPU only."""

    top_k: int = 40
    temperature: float = 0.8
    top_p: float = 0.95
    continuation_tokens: int = 40
    suggestion_count: int = 3
    n_threads: int = 0  # 0: let the engine choose
    gpu_layers: int | None = None
    filter_offensive: bool = True
    font_family: str = ""  # empty: the default writing font
    font_size: int = 13
    explorer_visible: bool = False
    learning_enabled: bool = True  # learn the user's words as they are typed
    learning_paused: bool = False  # the status bar's pause: nothing at all is learned
    inline_predictions: bool = True  # the confident rest of a phrase in grey after the cursor
    # How likely the whole grey span must be: the engine's default (inline.DEFAULT_THRESHOLD; a
    # test keeps them equal: importing the engine's inline module here would load llama.cpp).
    inline_threshold: float = 0.8
    # A space replaces a mistyped word with the correction the strip marks. On by default: `bench
    # typos` measures about one correctly typed word in a thousand replaced (docs/engine.md).
    autocorrect: bool = True
    window_width: int = 1100  # the main window's last size (fitted to the screen it opens on)
    window_height: int = 720
    window_maximised: bool = False  # left maximised: opens so (its size above is the one restored)
    recent_files: list[str] = field(default_factory=list)
    server_url: str = ""  # the llama-server last connected to (Model > Connect to Server...)
    server_api_key: str = ""  # its API key: never logged (`SECRET_SETTINGS`)

    def sampling(self, max_tokens: int | None = None) -> SamplingParams:
        """How continuations are sampled, `max_tokens` long (default: `continuation_tokens`);
        ModelError if the engine does not accept a value."""
        return SamplingParams(
            max_tokens=self.continuation_tokens if max_tokens is None else max_tokens,
            top_k=self.top_k,
            temperature=self.temperature,
            top_p=self.top_p,
        )

    def add_recent_file(self, path: str) -> None:
        """Put `path` first in the recent-files list (no duplicates, bounded length)."""
        self.recent_files = [path, *(p for p in self.recent_files if p != path)]
        del self.recent_files[MAX_RECENT_FILES:]

    def forget_recent_file(self, path: str) -> None:
        """Take `path` out of the recent-files list."""
        self.recent_files = [p for p in self.recent_files if p != path]


SECRET_SETTINGS = {"server_api_key"}  # values never written to the log
# Inclusive ranges of the numeric settings; values outside fall back to the default.
RANGES: dict[str, tuple[float, float]] = {
    "top_k": (1, 200),
    "temperature": (0.05, 2.0),
    "top_p": (0.05, 1.0),
    "continuation_tokens": (1, 400),
    "suggestion_count": (1, 7),
    "n_threads": (0, MAX_THREADS),
    "gpu_layers": (0, 1000),
    "font_size": (6, 48),
    "inline_threshold": (0.3, 0.95),
    "window_width": (200, 16384),
    "window_height": (150, 16384),
}


def _has_type(name: str, value: Any, default: Any) -> bool:
    """Booleans are only booleans; numbers are never booleans; floats accept integers."""
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if name == "gpu_layers":
        return value is None or isinstance(value, int)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))


def _valid(name: str, value: Any, default: Any) -> bool:
    if not _has_type(name, value, default):
        return False
    if name in RANGES and value is not None:
        low, high = RANGES[name]
        return bool(low <= value <= high)
    if name == "recent_files":
        return all(isinstance(item, str) for item in value)
    return True


def _usable_recent_files(value: list[str]) -> list[str]:
    """The list without repeats and without names that are no path (empty, or with a NUL, which
    no file name can hold: opening one raised ValueError), cut to the number shown."""
    usable = [name for name in value if name and "\0" not in name]
    if len(usable) < len(value):
        log.warning("settings: dropped %d unusable recent file name(s)", len(value) - len(usable))
    return list(dict.fromkeys(usable))[:MAX_RECENT_FILES]


def settings_from_dict(data: dict[str, Any]) -> Settings:
    """Typed settings from parsed JSON; each missing or invalid value is replaced by its default."""
    defaults = Settings()
    values: dict[str, Any] = {}
    for spec in fields(Settings):
        default = getattr(defaults, spec.name)
        if spec.name not in data:
            continue
        value = data[spec.name]
        if _valid(spec.name, value, default):
            values[spec.name] = float(value) if isinstance(default, float) else value
            if spec.name == "recent_files":
                values[spec.name] = _usable_recent_files(value)
        else:
            log.warning(
                "settings: invalid %s=%s, using %r",
                spec.name,
                "(not shown)" if spec.name in SECRET_SETTINGS else reprlib.repr(value),
                default,
            )
    return Settings(**values)


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    return {"version": SETTINGS_VERSION, **asdict(settings)}


def _with_unknown_keys(settings: Settings, stored: dict[str, Any]) -> dict[str, Any]:
    """`settings` as JSON, with the keys of `stored` that this version neither knows nor retired."""
    known = settings_to_dict(settings)
    unknown = {k: v for k, v in stored.items() if k not in known and k not in RETIRED_KEYS}
    return {**unknown, **known}


def merge(ours: Settings, known: Settings | None, theirs: Settings) -> Settings:
    """What to write when this copy holds `ours`, had `known` when it last read or wrote the file,
    and the file now holds `theirs` (another copy wrote it meanwhile): the fields this copy changed
    since `known` (all of them if unknown) take its values, the others keep the file's; the recent
    files are this copy's first, then the file's others but those this copy took out since
    `known` (a file gone), up to the usual number."""
    merged = copy.deepcopy(theirs)
    for spec in fields(Settings):
        if spec.name == "recent_files":
            continue
        value = getattr(ours, spec.name)
        if known is None or value != getattr(known, spec.name):
            setattr(merged, spec.name, copy.deepcopy(value))
    taken_out = set(known.recent_files if known else []) - set(ours.recent_files)
    theirs_kept = [name for name in theirs.recent_files if name not in taken_out]
    recent = dict.fromkeys([*ours.recent_files, *theirs_kept])
    merged.recent_files = list(recent)[:MAX_RECENT_FILES]
    return merged


class SettingsStore:
    """Loads and saves `Settings` as JSON; by default in the platform's config folder.

    `save` merges with what the file holds by then (see `merge`), so that two copies of the app
    keep each other's changes; it raises OSError when the file cannot be written."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.settings_path()
        self._known: Settings | None = None

    def load(self) -> Settings:
        settings = self._load()
        self._known = copy.deepcopy(settings)
        return settings

    def stored_value(self, name: str) -> object:
        """The value of `name` as the file holds it (None if absent), unchecked: for moving a
        field that `Settings` no longer has to where it lives now."""
        return self._read().get(name)

    def save(self, settings: Settings) -> Settings:
        """Write `settings` merged with the file's present contents; returns what was written
        (the caller may adopt the merged recent files). Keys this version does not know are
        written back as the file held them: a newer version's settings survive this one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Read, merge and write under the lock: two copies saving at once (a logout closes both)
        # would otherwise both merge with the file from before the other's write.
        with exclusive_lock(self.path.with_name(self.path.name + ".lock")):
            data = self._read()
            if not data:
                self._keep_if_damaged()
            merged = merge(settings, self._known, self._parse(data))
            text = json.dumps(_with_unknown_keys(merged, data), indent=2, sort_keys=True) + "\n"
            write_atomic(self.path, text, mode=FILE_MODE, create_folder=False)  # made above
        self._known = copy.deepcopy(settings)
        return merged

    def follow(self, settings: Settings, names: Collection[str]) -> bool:
        """Take the file's values of the fields `names` into `settings`, as if read from the file
        now (another copy changed them: the next save keeps them); whether any value changed.
        Only values the file holds: a file gone, damaged or half-read gives no defaults (which
        would turn learning back on)."""
        data = self._read()
        stored = self._parse(data)
        changed = False
        for name in names:
            if name not in data or getattr(stored, name) != data[name]:
                continue  # absent, or invalid (its default stood in)
            value = getattr(stored, name)
            changed |= getattr(settings, name) != value
            setattr(settings, name, copy.deepcopy(value))
            if self._known is not None:
                setattr(self._known, name, copy.deepcopy(value))
        return changed

    def _load(self) -> Settings:
        return self._parse(self._read())

    def _parse(self, data: dict[str, Any]) -> Settings:
        version = data.get("version", SETTINGS_VERSION)
        if version != SETTINGS_VERSION:
            # Newer files keep the fields this version knows; there are no older versions yet.
            log.info(
                "settings: file version %s, reading as version %d",
                reprlib.repr(version),
                SETTINGS_VERSION,
            )
        return settings_from_dict(data)

    def _keep_if_damaged(self) -> None:
        """Rename a file that is there but could not be used (a hand edit gone wrong, a damaged
        disk) to `<name>.damaged-<time>` beside it: the save would otherwise write the defaults
        over everything it held. A folder or a pipe is left where it is (the save then fails)."""
        try:
            content = read_json(self.path, MAX_FILE_BYTES)
        except FileNotFoundError:
            return
        except UnusableFile as error:
            if error.kind:  # a folder, a pipe: not a file that held settings
                return
        except OSError:
            return
        else:
            if isinstance(content, dict):
                return
        kept = damaged_name(self.path)
        os.replace(self.path, kept)
        log.warning("settings: %s could not be used; kept as %s", self.path, kept)

    def _read(self) -> dict[str, Any]:
        """The file's JSON object; empty if there is no file or it cannot be used."""
        try:
            data = read_json(self.path, MAX_FILE_BYTES)
        except FileNotFoundError:
            return {}
        except (OSError, UnusableFile) as error:
            log.warning("settings: cannot read %s (%s); using defaults", self.path, error)
            return {}
        if not isinstance(data, dict):
            log.warning("settings: %s does not hold an object; using defaults", self.path)
            return {}
        return data
