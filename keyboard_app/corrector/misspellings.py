"""Common misspellings: the words people misspell out of habit rather than by a slip of the finger
(definetly, seperate, buisness, enviroment), each with its correction (`resources/lexicon/`'s
table, built from codespell's list by `training/misspellings.py`).

Such a misspelling is often two slips from its word (definetly) or a word with an ending (buis
and ness) or the start of a longer one (alway), which the slip model and the autocorrect rules
leave alone; the table's pairs are scored as a habit (`HABIT`: more likely than any slip), so
the strip offers the correction and a space may put it in (`autocorrect.py`). A word the user
or the dictionary knows is never corrected, listed or not.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from keyboard_app import paths

log = logging.getLogger(__name__)


def listed_correction(typed: str) -> str | None:
    """The correction the table gives for `typed` (any case), lower case; None if not listed."""
    return _table(paths.misspellings_path()).get(typed.lower())


def is_listed(typed: str, correction: str) -> bool:
    """Whether the table gives `correction` (any case) for `typed`."""
    return listed_correction(typed) == correction.lower()


@lru_cache(maxsize=2)
def _table(path: Path) -> dict[str, str]:
    """The table at `path`, read once; empty (and a warning logged) when it cannot be read: the
    corrector then knows slips alone, as before the table."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        log.warning("The list of common misspellings %s cannot be read: %s", path, error)
        return {}
    table = {}
    for line in lines:
        typo, _, fix = line.partition("\t")
        if typo and fix:
            table[typo] = fix
    return table
