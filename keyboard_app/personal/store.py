"""PersonalStore: the one owner of the personal database (every read and write goes through it).

Every change is one transaction (`BEGIN IMMEDIATE`, so that a second process waits for the busy
timeout instead of failing), so a kill at any moment leaves the file as it was before the change or
after it. The size is bounded: when a change leaves more entries than `max_entries`, or more bytes
than `max_bytes`, the entries with the lowest score `count * 0.5 ** (age_days / 90)` are pruned, in
the same transaction, down to 90% of the cap. Safe to use from several threads: writes take one
lock and connection, reads another (so a read never waits for a write).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from keyboard_app.engine.trigrams import BOUNDARY
from keyboard_app.files import file_identity
from keyboard_app.personal import database, pruning, queries
from keyboard_app.personal.counting import PARAGRAPH_START, Tally, history_levels
from keyboard_app.personal.errors import PersonalStoreError
from keyboard_app.personal.results import Entry, Followers, Imported, NextCounts, Stats
from keyboard_app.personal.schema import join_history

if TYPE_CHECKING:
    from keyboard_app.personal.transfer import Export

logger = logging.getLogger(__name__)

MAX_ENTRIES = 200_000
MAX_BYTES = 64 * 2**20
PENALTY = 2  # a suggestion taken and deleted at once: the +1 its taking learned, and one against
WORD_PENALTY = 1  # the word itself is only un-learned: it may be right in another context


class PersonalStore:
    """The user's words and phrases with their counts, in SQLite at `path` (created if missing).

    `recovered_from` is where a damaged or foreign file found at `path` was moved, for the app to
    tell the user; None when there was none (or `recover` was False)."""

    def __init__(
        self,
        path: str | Path,
        *,
        max_entries: int = MAX_ENTRIES,
        max_bytes: int = MAX_BYTES,
        recover: bool = True,
    ) -> None:
        if max_entries < 1 or max_bytes < 1:
            raise ValueError("the caps must be positive")
        self.path = Path(path)
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._lock = threading.RLock()  # the writing connection's
        self._connection, self.recovered_from = database.connect(self.path, recover=recover)
        self._file = _identity_at_open(self.path)
        queries.register_functions(self._connection)
        # Reads have a connection of their own (the write-ahead log lets them go on while a
        # transaction is written), so a suggestion never waits for a batch being learned.
        self._read_lock = threading.Lock()
        try:
            self._reader = database.connect_reader(self.path)
        except BaseException:
            self._connection.close()
            raise
        queries.register_functions(self._reader)

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        max_entries: int = MAX_ENTRIES,
        max_bytes: int = MAX_BYTES,
        recover: bool = True,
    ) -> PersonalStore:
        """Open (or create) the store at `path`; with `recover` False (a file the user named, not
        the app's own store), a file that is not a usable store is an error and is left alone."""
        return cls(path, max_entries=max_entries, max_bytes=max_bytes, recover=recover)

    # Learning

    def learn(self, runs: Iterable[Sequence[str]], now: float | None = None) -> int:
        """Count the words, bigrams and trigrams of each run (see `learning.learnable`), in one
        transaction. Returns how many words were counted."""
        tally = Tally()
        for run in runs:
            tally.add_run(run)
        return self._add(tally, now)

    def learn_after(
        self, history: Sequence[str], tokens: Sequence[str], now: float | None = None
    ) -> int:
        """Count `tokens` as following `history` (tokens learned already, `BOUNDARY` first at a
        paragraph's start): their words, and the n-grams that end in them."""
        return self.learn_each_after([(history, tokens)], now)

    def learn_each_after(
        self, learned: Iterable[tuple[Sequence[str], Sequence[str]]], now: float | None = None
    ) -> int:
        """`learn_after` for each (history, tokens), all in one transaction (so that a busy store
        leaves none of them counted, and trying again counts each once)."""
        return self._add(_tally_after(learned), now)

    def unlearn_each_after(self, learned: Iterable[tuple[Sequence[str], Sequence[str]]]) -> None:
        """Take back what `learn_each_after(learned)` counted (words finished, then deleted
        straight away), in one transaction."""
        tally = _tally_after(learned)
        if tally:
            with self._writing("taking back what was learned") as connection:
                queries.subtract(connection, tally)

    def penalise(self, history: Sequence[str], word: str) -> None:
        """A suggestion taken after `history` and deleted straight away: its n-grams after the
        history lose PENALTY counts and the word WORD_PENALTY, none below zero (removed then)."""
        with self._writing("lowering a count") as connection:
            for level in history_levels(history):
                queries.lower_ngram(connection, join_history(level), word, PENALTY)
            queries.lower_word(connection, word.lower(), WORD_PENALTY)

    def _add(self, tally: Tally, now: float | None) -> int:
        if not tally:
            return 0
        when = time.time() if now is None else now
        with self._writing("learning") as connection:
            queries.add(connection, tally, when)
            self._keep_within_caps(connection, when)
        return tally.words_counted

    # Per-keystroke questions

    def completions(self, prefix: str, limit: int = 10) -> list[tuple[str, int]]:
        """Words starting with `prefix` (case-insensitive), most used first, spelled as the user
        spells them, with their counts."""
        with self._reading() as reader:
            return queries.completions(reader, prefix.lower(), limit)

    def next_counts(
        self, history: Sequence[str], limit: int = 20, also: Iterable[str] = ()
    ) -> NextCounts:
        """What followed the last two tokens of `history` and the last one (at most `limit` of
        each, most frequent first, and the tokens `also` whatever their rank), with the totals.
        At a paragraph's start `history` is `[BOUNDARY]` or `[BOUNDARY, BOUNDARY]`."""
        levels = history_levels(history)
        wanted = tuple(also)
        with self._reading() as reader:
            found = [queries.followers(reader, h, limit, wanted) for h in levels]
        bigram = found[0] if found else Followers(tuple(history[-1:]), {})
        if len(found) > 1:
            return NextCounts(trigram=found[1], bigram=bigram)
        if tuple(history[-1:]) == (BOUNDARY,):  # a paragraph's start
            return NextCounts(trigram=replace(bigram, history=PARAGRAPH_START), bigram=bigram)
        return NextCounts(trigram=Followers(tuple(history[-2:]), {}), bigram=bigram)

    def word_counts(self, words: Iterable[str]) -> dict[str, int]:
        """How often each of `words` was learned (case-insensitive); 0 for those never seen."""
        asked = list(words)
        if not asked:
            return {}
        with self._reading() as reader:
            counts = queries.word_counts(reader, list({w.lower() for w in asked}))
        return {word: counts.get(word.lower(), 0) for word in asked}

    def spellings(self, words: Iterable[str]) -> dict[str, str | None]:
        """Each of `words` learned, by the word lower-cased, with how the user spells it: as last
        written inside a sentence and not in capitals throughout, where its case is its own
        (None where never so). Words never learned are left out."""
        keys = list({w.lower() for w in words})
        if not keys:
            return {}
        with self._reading() as reader:
            return queries.spellings(reader, keys)

    def word_total(self) -> int:
        """The sum of all words' counts (what `stats().word_total` says, for one row's read)."""
        with self._reading() as reader:
            return queries.counter(reader, "word_total")

    # For people: the dialog and the command line

    def entries(self, search: str = "", limit: int = 1000) -> list[Entry]:
        """Words and phrases, most used first; `search` keeps those whose text contains it
        (ignoring case and accents)."""
        with self._reading() as reader:
            return queries.entries(reader, queries.search_form(search), limit)

    def forget(self, texts: Iterable[str]) -> int:
        """Forget each text: a word, and every phrase containing it; a phrase (several tokens,
        as `Entry.text` writes it), and every longer phrase containing it. Case-insensitive.
        Returns how many entries were removed."""
        with self._writing("forgetting") as connection:
            removed = queries.forget(connection, texts)
        self._flush_freed_pages()
        return removed

    def clear(self) -> None:
        """Forget everything, and leave no trace of it in the file."""
        with self._writing("clearing") as connection:
            queries.clear(connection)
        with self._lock:
            try:
                self._connection.execute("VACUUM")  # rebuilds the file from its (empty) tables
            except sqlite3.Error as error:
                logger.warning("Could not rebuild the cleared personal store: %s", error)
        self._flush_freed_pages()

    def export_json(self, path: str | Path) -> int:
        """Write everything learned to `path` (see `transfer`); returns the entries written.
        Never over the store itself (a slip of the command line), which the export would replace."""
        from keyboard_app.personal import transfer

        if database.is_store_file(Path(path), self.path):
            raise PersonalStoreError(
                f"The learned words cannot be exported to {path}: it is the personal store "
                "itself. Choose another file."
            )
        document = self.export_document()
        transfer.write(Path(path), document)
        return len(document["words"]) + len(document["phrases"])

    def export_document(self) -> dict[str, Any]:
        """Everything learned, as the export file holds it (`transfer.document`)."""
        from keyboard_app.personal import transfer

        with self._reading() as reader:
            words, phrases = queries.snapshot(reader)
        return transfer.document(words, phrases, time.time())

    def import_json(self, path: str | Path) -> Imported:
        """Merge an export file into the store (counts add up), all in one transaction: a file
        that is not a valid export changes nothing. Says how many entries were imported, and
        how many were dropped to keep within the caps."""
        from keyboard_app.personal import transfer

        return self.import_export(transfer.read(Path(path)), str(path))

    def import_export(self, export: Export, name: str) -> Imported:
        """`import_json` for an export already read (`transfer.parse`), `name` its source."""
        words, phrases, skipped = export
        if skipped:
            logger.info("Skipped %d entries of %s that are never learned", skipped, name)
        with self._writing("importing") as connection:
            queries.merge(connection, words, phrases)
            pruned = self._keep_within_caps(connection, time.time())
        return Imported(len(words) + len(phrases), pruned, skipped)

    def stats(self) -> Stats:
        with self._reading() as reader:
            return queries.stats(reader)

    # Housekeeping

    def close(self) -> None:
        with self._lock, self._read_lock:
            self._reader.close()
            self._connection.close()

    def __enter__(self) -> PersonalStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _keep_within_caps(self, connection: sqlite3.Connection, now: float) -> int:
        """Prune the rarest and oldest entries beyond the caps; returns how many."""
        stats = queries.stats(connection)
        target = pruning.target_entries(stats, self.max_entries, self.max_bytes)
        if target >= stats.entries:
            return 0
        removed = pruning.prune(connection, stats.entries - target, now)
        logger.info("Pruned %d rare and old entries of the personal store", removed)
        return removed

    def _flush_freed_pages(self) -> None:
        """Copy the write-ahead log into the file and empty it, so that what was just forgotten
        does not linger there (best effort: another process reading keeps it for now)."""
        with self._lock:
            try:
                self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as error:
                logger.warning("Could not flush the personal store's log: %s", error)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._read_lock, database.sqlite_errors(self.path, "reading it"):
            yield self._reader

    @contextlib.contextmanager
    def _writing(self, doing: str) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of the block's changes, or none of them."""
        with self._lock, database.sqlite_errors(self.path, doing):
            self._check_same_file(doing)
            connection = self._connection
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                _roll_back(connection)
                raise

    def _check_same_file(self, doing: str) -> None:
        """The file at `path` is still the one opened: what is written to one deleted or
        replaced since (by a clean-up, a sync tool, another program) would be lost with it. (A
        file that cannot be looked at now is left to SQLite's own error.)"""
        if self._file is None:
            return
        try:
            current = file_identity(self.path)
        except OSError:
            return
        if current != self._file:
            raise PersonalStoreError(
                f"The personal store {self.path} was deleted, moved or replaced while the app "
                f"was running, so {doing} stopped (it would have been lost with the old file). "
                "Start the app again to go on with the file there now."
            )


def _identity_at_open(path: Path) -> tuple[int, int] | None:
    try:
        return file_identity(path)
    except OSError:
        return None  # (":memory:", or a file opened through a path that cannot be looked at)


def _roll_back(connection: sqlite3.Connection) -> None:
    if not connection.in_transaction:
        return  # SQLite already rolled back (after a full disk, say)
    try:
        connection.execute("ROLLBACK")
    except sqlite3.Error:
        logger.exception("Rolling back a transaction of the personal store failed")


def _tally_after(learned: Iterable[tuple[Sequence[str], Sequence[str]]]) -> Tally:
    """The counts of tokens each after its history (counted already)."""
    tally = Tally()
    for history, tokens in learned:
        tally.add_run([*history, *tokens], skip=len(history))
    return tally
