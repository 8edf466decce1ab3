"""The personal store's SQL, one function per question or change (the store holds the lock and
the transactions; these run inside them).

The per-keystroke queries read an index in the order they answer in and stop after LIMIT rows:
completions of one or two letters use the first-letter and first-two-letter indexes (in count
order), longer prefixes the few words in their range of the primary key; next tokens use the
(history, count) index, and the history's totals come from its row in `histories`.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal

from keyboard_app.engine.trigrams import BOUNDARY
from keyboard_app.personal import pruning
from keyboard_app.personal.counting import Tally
from keyboard_app.personal.results import Entry, Followers, Stats, phrase_text, text_tokens
from keyboard_app.personal.schema import SEPARATOR, join_history, split_history
from keyboard_app.personal.transfer import MAX_COUNT, Record


# A count stays within what an export may hold (`transfer.MAX_COUNT`), so that importing a file
# twice never makes a store whose export is refused.
def _upsert_word(spelling: str) -> str:
    """Add a word's count to the store's, its last use the later one, `spelling` the SQL of the
    spelling kept."""
    return f"""INSERT INTO words (key, word, count, last_used, inside) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET
        count = min(count + excluded.count, {MAX_COUNT}),
        last_used = max(last_used, excluded.last_used),
        word = {spelling},
        inside = max(inside, excluded.inside)"""


# Learning: the latest spelling written inside a sentence.
_ADD_WORD = _upsert_word("CASE WHEN excluded.inside THEN excluded.word ELSE word END")
# An import: the store's spelling written inside a sentence wins over the file's.
_MERGE_WORD = _upsert_word(
    "CASE WHEN inside THEN word WHEN excluded.inside THEN excluded.word ELSE word END"
)
_ADD_NGRAM = f"""INSERT INTO ngrams (history, next, n, count, last_used) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (history, next) DO UPDATE SET
        count = min(count + excluded.count, {MAX_COUNT}),
        last_used = max(last_used, excluded.last_used)"""
_COMPLETIONS_BY_LENGTH = {
    0: "SELECT word, count FROM words ORDER BY count DESC, key LIMIT :limit",
    1: """SELECT word, count FROM words WHERE substr(key, 1, 1) = :prefix
          ORDER BY count DESC, key LIMIT :limit""",
    2: """SELECT word, count FROM words WHERE substr(key, 1, 2) = :prefix
          ORDER BY count DESC, key LIMIT :limit""",
}
_COMPLETIONS_IN_RANGE = """SELECT word, count FROM words WHERE key >= :prefix AND key < :end
    ORDER BY count DESC, key LIMIT :limit"""
_MAX_IN_LIST = 256
_AFTER_END = "\U0010ffff"  # sorts after any character that may follow a prefix
_ENTRIES = """SELECT kind, a, b, count, last_used FROM (
        SELECT 0 AS kind, word AS a, '' AS b, count, last_used FROM words
        UNION ALL
        SELECT 1, history, next, count, last_used FROM ngrams)
    {where} ORDER BY count DESC, last_used DESC, a, b LIMIT :limit"""
# A search calls Python (`fold`) only for the entries that may hold it: those with non-ASCII
# text (which folding may change) and those whose ASCII text holds the search's longest run of
# letters and digits (which lies inside one token, whatever spaces or punctuation the entry's
# text puts between tokens): three times faster on a full store. CASE, not AND: SQLite
# may evaluate both sides of an AND.
_SEARCH = """WHERE CASE
        WHEN instr(lower(a), :piece) > 0 OR instr(lower(b), :piece) > 0
            OR length(a || b) != length(CAST(a || b AS BLOB))
        THEN instr(fold(entry_text(kind, a, b)), :search) > 0
        ELSE 0 END"""
_ALPHANUMERIC_RUNS = re.compile(r"[^\W_]+")


def search_form(text: str) -> str:
    """`text` as a search compares it: without accents or case (`istanbul` finds `İstanbul`,
    `resume` finds `résumé`, `STRASSE` finds `Straße`)."""
    if text.isascii():  # most entries: ten times faster, the same result
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def register_functions(connection: sqlite3.Connection) -> None:
    """The Python functions the queries call (SQLite's lower() folds ASCII letters only)."""
    connection.create_function("fold", 1, search_form, deterministic=True)
    connection.create_function("entry_text", 3, entry_text, deterministic=True)
    connection.create_function("prune_score", 3, pruning.score, deterministic=True)


def add(connection: sqlite3.Connection, tally: Tally, now: float) -> None:
    connection.executemany(
        _ADD_WORD,
        [(key, s.word, s.count, now, s.mid_sentence) for key, s in tally.words.items()],
    )
    connection.executemany(
        _ADD_NGRAM,
        [(h, token, _order(h), count, now) for (h, token), count in tally.ngrams.items()],
    )


def subtract(connection: sqlite3.Connection, tally: Tally) -> None:
    """Take `tally`'s counts off the store's (none below zero: removed then)."""
    for key, spelling in tally.words.items():
        lower_word(connection, key, spelling.count)
    for (history, token), count in tally.ngrams.items():
        lower_ngram(connection, history, token, count)


def merge(connection: sqlite3.Connection, words: list[Record], phrases: list[Record]) -> None:
    """Add imported counts to the store's (a word's spelling written inside a sentence here wins
    over the file's)."""
    connection.executemany(
        _MERGE_WORD,
        [(r.tokens[0].lower(), r.tokens[0], r.count, r.last_used, _inside(r)) for r in words],
    )
    connection.executemany(
        _ADD_NGRAM,
        [
            (join_history(r.tokens[:-1]), r.tokens[-1], len(r.tokens), r.count, r.last_used)
            for r in phrases
        ],
    )


def _inside(record: Record) -> bool:
    """Whether an imported word is spelled as written inside a sentence: as its file says, or
    for an older version's file, when it is in small letters (a capital there may be a
    sentence's start, as in a store of schema 1)."""
    if record.inside is not None:
        return record.inside
    return record.tokens[0] == record.tokens[0].lower()


def lower_ngram(connection: sqlite3.Connection, history: str, token: str, amount: int) -> None:
    key = (history, token)
    connection.execute(
        "DELETE FROM ngrams WHERE history = ? AND next = ? AND count <= ?", (*key, amount)
    )
    connection.execute(
        "UPDATE ngrams SET count = count - ? WHERE history = ? AND next = ?", (amount, *key)
    )


def lower_word(connection: sqlite3.Connection, key: str, amount: int) -> None:
    connection.execute("DELETE FROM words WHERE key = ? AND count <= ?", (key, amount))
    connection.execute("UPDATE words SET count = count - ? WHERE key = ?", (amount, key))


def completions(connection: sqlite3.Connection, key: str, limit: int) -> list[tuple[str, int]]:
    """The words whose lower-cased form starts with `key`, most used first."""
    query = _COMPLETIONS_BY_LENGTH.get(len(key), _COMPLETIONS_IN_RANGE)
    parameters = {"prefix": key, "end": key + _AFTER_END, "limit": max(limit, 0)}
    return [(str(word), int(count)) for word, count in connection.execute(query, parameters)]


def followers(
    connection: sqlite3.Connection, history: tuple[str, ...], limit: int, also: Sequence[str]
) -> Followers:
    joined = join_history(history)
    totals = connection.execute(
        "SELECT total, distinct_next FROM histories WHERE history = ?", (joined,)
    ).fetchone()
    if totals is None:
        return Followers(history, {})
    rows = connection.execute(
        "SELECT next, count FROM ngrams WHERE history = ? ORDER BY count DESC, next LIMIT ?",
        (joined, max(limit, 0)),
    )
    counts = {str(token): int(count) for token, count in rows}
    missing = [token for token in dict.fromkeys(also) if token not in counts]
    if missing:
        counts.update(_counts_of(connection, joined, missing))
    return Followers(history, counts, int(totals[0]), int(totals[1]))


def _counts_of(connection: sqlite3.Connection, history: str, tokens: list[str]) -> dict[str, int]:
    """The counts of `tokens` after `history`, those seen."""
    marks, padded = _in_list(tokens)
    rows = connection.execute(
        f"SELECT next, count FROM ngrams WHERE history = ? AND next IN ({marks})",
        (history, *padded),
    )
    return {str(token): int(count) for token, count in rows}


def word_counts(connection: sqlite3.Connection, keys: Sequence[str]) -> dict[str, int]:
    """The counts of the words `keys` (lower-cased), those seen."""
    return {str(key): int(count) for key, count in _words_columns(connection, "count", keys)}


def spellings(connection: sqlite3.Connection, keys: Sequence[str]) -> dict[str, str | None]:
    """The words `keys` (lower-cased) seen, each with its spelling when it was written inside a
    sentence (None else: Thx, seen only at sentences' starts)."""
    return {
        str(key): str(word) if inside else None
        for key, word, inside in _words_columns(connection, "word, inside", keys)
    }


def _words_columns(
    connection: sqlite3.Connection, columns: Literal["count", "word, inside"], keys: Sequence[str]
) -> Iterator[tuple[Any, ...]]:
    """(key, *`columns`) of the words `keys` that are in the store."""
    for start in range(0, len(keys), _MAX_IN_LIST):
        marks, padded = _in_list(keys[start : start + _MAX_IN_LIST])
        yield from connection.execute(
            f"SELECT key, {columns} FROM words WHERE key IN ({marks})", padded
        )


def _in_list(values: Sequence[str]) -> tuple[str, list[str]]:
    """Placeholders for an IN list of `values`, padded (with the first) to a power of two, so
    that a handful of statements, compiled once and cached, serve every length."""
    size = max(8, 1 << (len(values) - 1).bit_length())
    return ", ".join("?" * size), [*values, *[values[0]] * (size - len(values))]


def entries(connection: sqlite3.Connection, search: str, limit: int) -> list[Entry]:
    """The entries whose text, folded, holds `search` (folded), most used first."""
    query = _ENTRIES.format(where=_SEARCH if search else "")
    piece = max(_ALPHANUMERIC_RUNS.findall(search), key=len, default="")
    rows = connection.execute(query, {"search": search, "piece": piece, "limit": max(limit, 0)})
    return [
        Entry("word", (a,), count, last_used)
        if kind == 0
        else Entry("phrase", (*split_history(a), b), count, last_used)
        for kind, a, b, count, last_used in rows
    ]


def entry_text(kind: int, a: str, b: str) -> str:
    """An entry's text, as `Entry.text` writes it (the SQL function behind a search)."""
    return a if kind == 0 else phrase_text((*split_history(a), b))


def forget(connection: sqlite3.Connection, texts: Iterable[str]) -> int:
    """Remove the words and phrases `texts` (see PersonalStore.forget), reading the phrases once
    for all of them, each compared in one set look-up per piece of it; returns the entries
    removed. Texts and entries are compared composed (NFC) and lower-cased, so that a name
    learned from a decomposed (macOS) file goes too."""
    runs = {tuple(_folded(token) for token in text_tokens(text)) for text in texts}
    runs = {run for run in runs if any(token != BOUNDARY for token in run)}
    if not runs:
        return 0
    keys = {form for (word,) in (run for run in runs if len(run) == 1) for form in _forms(word)}
    removed = sum(
        connection.execute("DELETE FROM words WHERE key = ?", (key,)).rowcount for key in keys
    )
    tokens = {token for run in runs for token in run}
    rows = connection.execute("SELECT history, next FROM ngrams")
    doomed = [(h, token) for h, token in rows if _holds_any(f"{h}{SEPARATOR}{token}", runs, tokens)]
    connection.executemany("DELETE FROM ngrams WHERE history = ? AND next = ?", doomed)
    return removed + len(doomed)


def _folded(token: str) -> str:
    """A token as forgetting compares it: lower-cased and composed."""
    lowered = token.lower()
    return lowered if lowered.isascii() else unicodedata.normalize("NFC", lowered)


def _forms(key: str) -> set[str]:
    """A word's key composed and decomposed: both are found in stores of older versions."""
    return {key, unicodedata.normalize("NFD", key)}


def _holds_any(joined: str, runs: set[tuple[str, ...]], tokens: set[str]) -> bool:
    """Whether the tokens of an n-gram (joined by SEPARATOR) hold one of `runs` (folded) as
    neighbours: a few set look-ups, whatever the number of runs (`tokens`: all of theirs)."""
    folded = tuple(_folded(joined).split(SEPARATOR))
    if tokens.isdisjoint(folded):
        return False
    return any(
        folded[start:end] in runs
        for start in range(len(folded))
        for end in range(start + 1, len(folded) + 1)
    )


def clear(connection: sqlite3.Connection) -> None:
    for table in ("ngrams", "words", "histories"):
        connection.execute(f"DELETE FROM {table}")
    connection.execute("UPDATE counters SET value = 0")


def snapshot(connection: sqlite3.Connection) -> tuple[list[Record], list[Record]]:
    """Every word and phrase, read in one transaction (one consistent state)."""
    connection.execute("BEGIN")
    try:
        words = [
            Record((word,), count, last_used, inside=bool(inside))
            for word, inside, count, last_used in connection.execute(
                "SELECT word, inside, count, last_used FROM words ORDER BY key"
            )
        ]
        phrases = [
            Record((*split_history(h), token), count, last_used)
            for h, token, count, last_used in connection.execute(
                "SELECT history, next, count, last_used FROM ngrams ORDER BY history, next"
            )
        ]
    finally:
        connection.execute("COMMIT")
    return words, phrases


def stats(connection: sqlite3.Connection) -> Stats:
    counters = dict(connection.execute("SELECT name, value FROM counters"))
    pages = _pragma(connection, "page_count") - _pragma(connection, "freelist_count")
    return Stats(
        words=int(counters.get("words", 0)),
        phrases=int(counters.get("ngrams", 0)),
        bytes=pages * _pragma(connection, "page_size"),
        word_total=int(counters.get("word_total", 0)),
    )


def counter(connection: sqlite3.Connection, name: str) -> int:
    row = connection.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
    return int(row[0]) if row is not None else 0


def _pragma(connection: sqlite3.Connection, name: str) -> int:
    return int(connection.execute(f"PRAGMA {name}").fetchone()[0])


def _order(history: str) -> int:
    return history.count(SEPARATOR) + 2
