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


# The strongest of the list's words: a word made from one of them is as offensive (fuckery,
# shitload, bitched, nigga's), which the list's whole-word match misses. These only: most of the
# list's words start innocent words (spic: spicy, kill: killed, muff: muffin, cock: cocktail), and
# their possessives are innocent too (God's, Hell's Kitchen).
_OFFENSIVE_STARTS = (
    "fuck", "shit", "bitch", "cunt", "nigger", "nigga", "faggot", "whore", "slut", "wank", "twat",
    "asshole", "motherfuck",
)  # fmt: skip
_OFFENSIVE_INSIDE = ("fuck",)  # motherfucker (not "shit": Yamashita; nor "cunt": Scunthorpe)


def is_offensive(word: str) -> bool:
    """On the list (what the training data and the built-in word lists leave out)."""
    return word.strip().lower() in offensive_words()


def offends(word: str) -> bool:
    """What the filter keeps out of suggestions: a word on the list, or a word made from one of
    the strongest (`_OFFENSIVE_STARTS`, `_OFFENSIVE_INSIDE`)."""
    key = word.strip().lower()
    return (
        key in offensive_words()
        or key.startswith(_OFFENSIVE_STARTS)
        or any(stem in key for stem in _OFFENSIVE_INSIDE)
    )


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
