"""The one settings store: typed, versioned JSON in the user config folder, written atomically.

Anything missing, of the wrong type or out of range falls back to its default, so a hand-edited or
half-written file never stops the app from starting. No Qt here: the CLI and tests use it too.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from keyboard_app import paths

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1
FILE_NAME = "settings.json"
MAX_RECENT_FILES = 10


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
    model_path: str = ""  # empty: the model manager's default, else the built-in model
    recent_files: list[str] = field(default_factory=list)

    def add_recent_file(self, path: str) -> None:
        """Put `path` first in the recent-files list (no duplicates, bounded length)."""
        self.recent_files = [path, *(p for p in self.recent_files if p != path)]
        del self.recent_files[MAX_RECENT_FILES:]


# Inclusive ranges of the numeric settings; values outside fall back to the default.
RANGES: dict[str, tuple[float, float]] = {
    "top_k": (1, 200),
    "temperature": (0.05, 2.0),
    "top_p": (0.05, 1.0),
    "continuation_tokens": (1, 400),
    "suggestion_count": (1, 7),
    "n_threads": (0, 256),
    "gpu_layers": (0, 1000),
    "font_size": (6, 48),
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
        else:
            log.warning("settings: invalid %s=%r, using %r", spec.name, value, default)
    return Settings(**values)


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    return {"version": SETTINGS_VERSION, **asdict(settings)}


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, flush it to disk, rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


class SettingsStore:
    """Loads and saves `Settings` as JSON; by default in the platform's config folder."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.user_config_dir() / FILE_NAME

    def load(self) -> Settings:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return Settings()
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            log.warning("settings: cannot read %s (%s); using defaults", self.path, error)
            return Settings()
        if not isinstance(data, dict):
            log.warning("settings: %s does not hold an object; using defaults", self.path)
            return Settings()
        version = data.get("version")
        if version != SETTINGS_VERSION:
            # Newer files keep the fields this version knows; there are no older versions yet.
            log.info("settings: file version %r, reading as version %d", version, SETTINGS_VERSION)
        return settings_from_dict(data)

    def save(self, settings: Settings) -> None:
        text = json.dumps(settings_to_dict(settings), indent=2, sort_keys=True) + "\n"
        atomic_write_text(self.path, text)
