"""What the personal store answers: next-token counts, entries for people, its size; and the
one way a phrase is written as text (and read back) for the dialog and the command line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from keyboard_app.engine.trigrams import BOUNDARY, TOKENS

PARAGRAPH_MARK = "¶"  # how a phrase at a paragraph's start is shown
_PUNCTUATION = frozenset(".,;:!?")


@dataclass(frozen=True)
class Followers:
    """What followed one history: the most frequent next tokens with their counts (most frequent
    first, ties in token order), the sum of all its counts, and how many different tokens."""

    history: tuple[str, ...]
    counts: Mapping[str, int]
    total: int = 0
    distinct: int = 0


@dataclass(frozen=True)
class NextCounts:
    """The counts after the last two tokens (trigrams) and after the last one (bigrams), for a
    back-off or interpolation between them."""

    trigram: Followers
    bigram: Followers

    @property
    def evidence(self) -> int:
        """How many times the last token was seen followed by anything."""
        return self.bigram.total


@dataclass(frozen=True)
class Entry:
    """A learned word (one token) or phrase (a bigram or trigram), as the user sees it."""

    kind: Literal["word", "phrase"]
    tokens: tuple[str, ...]
    count: int
    last_used: float  # Unix time

    @property
    def text(self) -> str:
        return phrase_text(self.tokens)


@dataclass(frozen=True)
class Stats:
    words: int
    phrases: int
    bytes: int  # the database's pages in use (freed pages are reused, not counted)
    word_total: int  # the sum of all words' counts

    @property
    def entries(self) -> int:
        return self.words + self.phrases


@dataclass(frozen=True)
class Imported:
    """What an import did: the entries read from the file, how many entries (the file's or the
    store's own, the rarest and oldest) were dropped to keep the store within its caps, and how
    many of the file's were skipped as never learned (a secret-looking word, one too long)."""

    entries: int
    pruned: int = 0
    skipped: int = 0

    def summary(self, source: str, cap: int) -> str:
        """One sentence for a person (or three)."""
        said = f"Imported {_entries(self.entries, 'word or phrase', 'words and phrases')} from {source}."
        if self.skipped:
            said += (
                f" {_entries(self.skipped, 'entry was', 'entries were')} skipped: such words"
                " (secret-looking, or too long) are never learned."
            )
        if self.pruned:
            said += (
                f" The store keeps at most {cap:,} entries, so the {self.pruned:,} rarest and"
                " oldest were dropped."
            )
        return said


def _entries(count: int, one: str, more: str) -> str:
    return f"{count:,} {one if count == 1 else more}"


def phrase_text(tokens: Sequence[str]) -> str:
    """Tokens as text: spaces between words, punctuation against the word before, a paragraph's
    start as ¶."""
    text = ""
    for token in tokens:
        if token == BOUNDARY:
            text = PARAGRAPH_MARK
        elif token in _PUNCTUATION and text not in ("", PARAGRAPH_MARK):
            text += token
        else:
            text += f" {token}" if text else token
    return text


def text_tokens(text: str) -> tuple[str, ...]:
    """The tokens of a word or phrase written by `phrase_text` (or typed by a person)."""
    stripped = text.strip()
    start = (BOUNDARY,) if stripped.startswith(PARAGRAPH_MARK) else ()
    return (*start, *TOKENS.findall(stripped.removeprefix(PARAGRAPH_MARK)))
