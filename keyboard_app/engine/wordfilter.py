"""The offensive-word filter: keeps slurs and profanity out of suggestions.

The word list is better-profanity's (a maintained list of about 900 entries, single words and a few
phrases); matching is on whole words, case-insensitive.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

_WORDLIST_PACKAGE = "better_profanity"
_WORDLIST_FILE = "profanity_wordlist.txt"


@lru_cache(maxsize=1)
def offensive_words() -> frozenset[str]:
    """The lower-cased offensive words (single words only; phrases are never one suggestion)."""
    text = resources.files(_WORDLIST_PACKAGE).joinpath(_WORDLIST_FILE).read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and " " not in line
    )


def is_offensive(word: str) -> bool:
    return word.strip().lower() in offensive_words()


def contains_offensive(text: str) -> bool:
    """True when any word of `text` (letters, digits, apostrophes) is on the list."""
    words = offensive_words()
    token = []
    for char in text.lower() + " ":
        if char.isalnum() or char in "'’":
            token.append(char)
        elif token:
            if "".join(token).strip("'’") in words:
                return True
            token = []
    return False
