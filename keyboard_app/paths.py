"""Where things live: shipped resources (source tree or frozen bundle), user data, config, cache.

This is the only module that knows these locations; everything else asks it.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import platformdirs

from keyboard_app import APP_NAME

log = logging.getLogger(__name__)

_RESOURCES_ENV = "KEYBOARD_APP_RESOURCES"
_DATA_ENV = "KEYBOARD_APP_DATA_DIR"
_CONFIG_ENV = "KEYBOARD_APP_CONFIG_DIR"


def resources_dir() -> Path:
    """The shipped `resources/` folder, from the source tree or a PyInstaller bundle."""
    override = os.environ.get(_RESOURCES_ENV)
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    """A path inside the shipped resources."""
    return resources_dir().joinpath(*parts)


def gpt2_vocab_dir() -> Path:
    return resource("gpt2")


def builtin_model_path() -> Path:
    return resource("models", "keyboard-app-builtin-q8_0.gguf")


def lexicon_path() -> Path:
    """The English dictionary blended into suggestions (see engine/lexicon.py)."""
    return resource("lexicon", "english-words.tsv")


def trigrams_path() -> Path:
    """The word trigram model mixed into the built-in model's next words (see engine/trigrams.py)."""
    return resource("lexicon", "english-trigrams.npz")


def offensive_words_path() -> Path:
    """The words never suggested (see engine/wordfilter.py)."""
    return resource("lexicon", "offensive-words.txt")


def user_data_dir() -> Path:
    """Per-user data (model store, recovery files); overridable for tests and portable installs."""
    override = os.environ.get(_DATA_ENV)
    path = (
        Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    )
    return made(path)


def personal_store_path() -> Path:
    """The words and phrases the keyboard has learned from its user (see personal/store.py)."""
    return user_data_dir() / "personal.sqlite3"


def user_config_dir() -> Path:
    override = os.environ.get(_CONFIG_ENV)
    path = (
        Path(override)
        if override
        else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    )
    return made(path)


def made(folder: Path) -> Path:
    """`folder`, created if missing. When it cannot be (a file has its name, no permission), the
    path is still returned: whoever writes there gets the error and says so, and the app starts."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        log.warning("cannot create %s: %s", folder, error)
    return folder
