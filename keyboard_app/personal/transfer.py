"""The export file: what the personal store holds, as JSON, and its strict reading back.

```json
{"format": "keyboard-app personal store", "version": 1, "exported": 1767225600.0,
 "words": [{"word": "Ljubljana", "inside": true, "count": 4, "last_used": 1767225600.0}],
 "phrases": [{"tokens": ["<s>", "Kind", "regards"], "count": 2, "last_used": 1767225600.0}]}
```

`inside` says whether the word was spelled so inside a sentence (its case its own: the store's
`words.inside`); in a file without it (an older version's) a word in small letters is, one with
a capital is not (it may be a sentence's start). Times are Unix times in seconds; a phrase is the tokens of a bigram or trigram, `<s>` (first
only) standing for a paragraph's start. Reading checks every field before anything is imported, so that a damaged or
hostile file is one clear error; entries that break the learning rules (a secret-looking token)
are skipped, as they would never have been learned. Words and tokens are composed (NFC), as typed
text is, so that a file written with combining marks adds to the same entries.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from keyboard_app.engine.numbers import is_finite_number, is_whole
from keyboard_app.engine.trigrams import BOUNDARY, TOKENS
from keyboard_app.engine.words import composed, is_word
from keyboard_app.files import UnusableFile, parse_json, read_json, write_atomic
from keyboard_app.personal.errors import PersonalStoreError
from keyboard_app.personal.learning import (
    MAX_TOKEN_CHARS,
    is_dropped_chunk,
    is_dropped_token,
    learnable,
)
from keyboard_app.personal.results import phrase_text

FORMAT = "keyboard-app personal store"
VERSION = 1
MAX_FILE_BYTES = 512 * 2**20
MAX_COUNT = 2**53  # counts beyond this are no counts of typing
FUTURE_SLACK_S = 86_400.0  # a last use up to a day ahead (another machine's clock) is believed


@dataclass(frozen=True)
class Record:
    """One entry to import: a word (one token) or a phrase (two or three)."""

    tokens: tuple[str, ...]
    count: int
    last_used: float
    inside: bool | None = None  # a word's: spelled so inside a sentence (None: not said)


def document(words: list[Record], phrases: list[Record], now: float) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported": now,
        "words": [_entry({"word": r.tokens[0], "inside": bool(r.inside)}, r) for r in words],
        "phrases": [_entry({"tokens": list(r.tokens)}, r) for r in phrases],
    }


def dumps(data: Mapping[str, Any]) -> str:
    """The export file's text."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def write(path: Path, data: Mapping[str, Any]) -> None:
    try:
        # What the user wrote: only theirs to read, in a folder they chose.
        write_atomic(path, dumps(data), private=True, create_folder=False)
    except OSError as error:
        raise PersonalStoreError(
            f"The learned words cannot be exported to {path}: {error.strerror or error}."
        ) from error


# What an export file holds: its words and phrases, and how many entries were skipped.
Export = tuple[list[Record], list[Record], int]


def read(path: Path) -> Export:
    """The words and phrases of the export file at `path`, and how many entries were skipped."""
    return _checked(_load(path), str(path))


def parse(raw: bytes, name: str) -> Export:
    """`read` for an export's bytes (standard input's), `name` naming them in messages."""
    try:
        data = parse_json(raw)
    except UnusableFile as error:
        raise PersonalStoreError(f"{name} is not a JSON file of learned words: {error}.") from None
    return _checked(data, name)


def _checked(data: object, path: str) -> Export:
    where = f"{path} is not a keyboard-app export of learned words"
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PersonalStoreError(f'{where} (no "format": "{FORMAT}").')
    version = data.get("version")
    if not is_whole(version, 1):
        raise PersonalStoreError(f'{where} (its "version" is not a version number).')
    if version > VERSION:
        raise PersonalStoreError(
            f"{path} was exported by a newer version of keyboard-app (format version "
            f"{_shortened(str(version))}); "
            "update the app to import it."
        )
    now = time.time()
    reader = _Reader(where, now + FUTURE_SLACK_S)
    words = [reader.word(item, i) for i, item in enumerate(reader.items(data, "words"))]
    phrases = [reader.phrase(item, i) for i, item in enumerate(reader.items(data, "phrases"))]
    kept_words = [r for r in words if _learnable(r.tokens)]
    kept_phrases = [r for r in phrases if _learnable(r.tokens)]
    skipped = len(words) + len(phrases) - len(kept_words) - len(kept_phrases)
    return kept_words, kept_phrases, skipped


def _entry(head: dict[str, Any], record: Record) -> dict[str, Any]:
    return {**head, "count": record.count, "last_used": record.last_used}


def _load(path: Path) -> object:
    try:
        return read_json(path, MAX_FILE_BYTES)
    except OSError as error:
        raise PersonalStoreError(f"{path} cannot be read: {error.strerror or error}.") from error
    except UnusableFile as error:
        raise PersonalStoreError(f"{path} is not a JSON file of learned words: {error}.") from error


def _learnable(tokens: tuple[str, ...]) -> bool:
    if any(
        token != BOUNDARY and (is_dropped_token(token) or is_dropped_chunk(token))
        for token in tokens
    ):
        return False
    return len(tokens) < 2 or _kept_whole([token for token in tokens if token != BOUNDARY])


def _kept_whole(tokens: list[str]) -> bool:
    """Whether learning the phrase's own text keeps its tokens together in one run: a token that
    those before it make a secret (`password is swordfish`, `pin 4821`) is dropped there, and a
    phrase holding one would offer the secret after its label."""
    return any(
        run[i : i + len(tokens)] == tokens
        for run in learnable(phrase_text(tokens))
        for i in range(len(run) - len(tokens) + 1)
    )


class _Reader:
    """Checks of each field, each failure naming the entry."""

    def __init__(self, where: str, latest: float) -> None:
        self.where = where
        self.latest = latest

    def fail(self, what: str) -> PersonalStoreError:
        return PersonalStoreError(f"{self.where} ({what}).")

    def items(self, data: Mapping[str, object], key: str) -> list[Mapping[str, object]]:
        items = data.get(key, [])
        if not isinstance(items, list):
            raise self.fail(f'"{key}" is not a list')
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise self.fail(f"{key}[{i}] is not an object")
        return items

    def word(self, item: Mapping[str, object], i: int) -> Record:
        word = item.get("word")
        word = composed(word) if isinstance(word, str) else word
        if not isinstance(word, str) or not (_unread(word) or (is_word(word) and _token(word))):
            raise self.fail(f"words[{i}].word is not one word")
        inside = item.get("inside")
        if inside is not None and not isinstance(inside, bool):
            raise self.fail(f"words[{i}].inside is not true or false")
        return replace(self._record((word,), item, f"words[{i}]"), inside=inside)

    def phrase(self, item: Mapping[str, object], i: int) -> Record:
        tokens = item.get("tokens")
        if isinstance(tokens, list):
            tokens = [composed(t) if isinstance(t, str) else t for t in tokens]
        if not isinstance(tokens, list) or not 2 <= len(tokens) <= 3:
            raise self.fail(f"phrases[{i}].tokens is not a list of two or three tokens")
        if not all(isinstance(t, str) and (t == BOUNDARY or _token(t) == t) for t in tokens):
            raise self.fail(f"phrases[{i}].tokens holds something that is not a token")
        if BOUNDARY in tokens[1:]:
            raise self.fail(f"phrases[{i}].tokens has <s> where no paragraph starts")
        return self._record(tuple(str(t) for t in tokens), item, f"phrases[{i}]")

    def _record(self, tokens: tuple[str, ...], item: Mapping[str, object], name: str) -> Record:
        count = item.get("count")
        if not is_whole(count, 1, MAX_COUNT):
            raise self.fail(f"{name}.count is not a positive whole number")
        last_used = item.get("last_used")
        if not is_finite_number(last_used) or last_used < 0:
            raise self.fail(f"{name}.last_used is not a time")
        return Record(tokens, count, min(float(last_used), self.latest))


def _token(text: str) -> str | None:
    """`text` when it is exactly one token (or `_unread`)."""
    if _unread(text):
        return text
    match = TOKENS.fullmatch(text)
    return match.group() if match else None


def _unread(text: str) -> bool:
    """Whether `text` is longer than any token learned: it is taken as one without a look, to be
    skipped as too long (`_learnable`). Matching a word's pattern takes memory in proportion to
    the text: a word of 20 MB in a file took 3.5 GB."""
    return len(text) > MAX_TOKEN_CHARS


def _shortened(number: str) -> str:
    """A number for a message: a hostile file's 400 digits would fill the screen."""
    return number if len(number) <= 12 else f"{number[:12]}… ({len(number)} digits)"
