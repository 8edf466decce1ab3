"""Where things live: shipped resources (source tree or frozen bundle), user data, config, cache.

This is the only module that knows these locations; everything else asks it.
"""

from __future__ import annotations

import functools
import importlib.metadata
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
PRIVATE_FOLDER = 0o700


def resources_dir() -> Path:
    """The shipped `resources/` folder: from a PyInstaller bundle, a source checkout (an editable
    install included) or a wheel's install, which puts it in `<prefix>/share/keyboard-app/`."""
    override = os.environ.get(_RESOURCES_ENV)
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return _source_or_installed_resources()


@functools.cache
def _source_or_installed_resources() -> Path:
    """The resources of a source checkout or a wheel's install: where the package is does not
    change while it runs, so the file system is asked once (the corrector's table path is asked
    on every keystroke)."""
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file():
        return checkout / "resources"
    return _installed_resources() or checkout / "resources"


@functools.cache
def _installed_resources() -> Path | None:
    """Where pip put the package's data files (pyproject's data-files), read from its RECORD, so that
    a `--user`, `--prefix` or virtual environment install is found alike."""
    try:
        files = importlib.metadata.distribution(APP_NAME).files or []
    except importlib.metadata.PackageNotFoundError:
        return None
    marker = f"share/{APP_NAME}/resources/gpt2/encoder.json"
    for file in files:
        if file.as_posix().endswith(marker):
            return Path(str(file.locate())).resolve().parents[1]
    return None


def resource(*parts: str) -> Path:
    """A path inside the shipped resources."""
    return resources_dir().joinpath(*parts)


def gpt2_vocab_dir() -> Path:
    return resource("gpt2")


def builtin_model_path() -> Path:
    return resource("models", "keyboard-app-builtin-q8_0.gguf")


def icons_dir() -> Path:
    """The app's icon in its sizes (PNG) and as SVG."""
    return resource("icons")


def corpora_dir() -> Path:
    """The training corpora, in a source checkout only (neither a wheel nor the bundle ships them)."""
    return resource("corpora")


def lexicon_path() -> Path:
    """The English dictionary blended into suggestions (see engine/lexicon.py)."""
    return resource("lexicon", "english-words.tsv")


def misspellings_path() -> Path:
    """Common misspellings and their corrections (see corrector/misspellings.py)."""
    return resource("lexicon", "misspellings.tsv")


def trigrams_path() -> Path:
    """The word trigram model mixed into the built-in model's next words (see engine/trigrams.py)."""
    return resource("lexicon", "english-trigrams.npz")


def formulas_path() -> Path:
    """The stock phrases of letters and e-mails (see engine/sources/formulas.py)."""
    return resource("lexicon", "formulas.txt")


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


def model_store_dir() -> Path:
    """The models downloaded, converted or imported, with their manifest (see models/store.py)."""
    return user_data_dir() / "models"


def recovery_dir() -> Path:
    """The running copies' recovery files of unsaved text (see ui/recovery.py)."""
    return user_data_dir() / "recovery"


def settings_path() -> Path:
    """The settings file (see settings.py)."""
    return user_config_dir() / "settings.json"


def user_config_dir() -> Path:
    override = os.environ.get(_CONFIG_ENV)
    path = (
        Path(override)
        if override
        else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    )
    return made(path)


def made(folder: Path) -> Path:
    """`folder`, created if missing, for the user alone (it holds what they wrote and learned;
    one that was there keeps the permissions it has). When it cannot be (a file has its name, no
    permission), the path is still returned: whoever writes there gets the error and says so, and
    the app starts."""
    try:
        folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    except OSError as error:
        log.warning("cannot create %s: %s", folder, error)
    return folder
