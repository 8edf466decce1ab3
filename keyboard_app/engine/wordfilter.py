"""The offensive-word filter: keeps slurs and profanity out of suggestions.

The word list is better-profanity's (about 900 entries, single words and a few phrases), shipped
in `resources/lexicon/offensive-words.txt` with its licence; matching is on whole words,
case-insensitive.
"""

from __future__ import annotations

from functools import lru_cache

from keyboard_app.paths import offensive_words_path


@lru_cache(maxsize=1)
def offensive_words() -> frozenset[str]:
    """The lower-cased offensive words (single words only; phrases are never one suggestion)."""
    text = offensive_words_path().read_text("utf-8")
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
