"""The personal store's tables, and the migrations that bring an older file up to date.

`PRAGMA user_version` holds the schema version and `PRAGMA application_id` marks the file as this
app's, so that a foreign SQLite database is told apart from an empty new one. `MIGRATIONS[i]`
upgrades version `i` to `i + 1`; version 0 is a file with no tables yet. A migration runs in one
transaction with the version change, so an interrupted upgrade leaves the old version intact.

Counters, history totals and the number of different next tokens are kept up to date by triggers,
so that every path that changes the counts (learning, penalties, forgetting, pruning, import) keeps
them right, and the per-keystroke queries never sum anything.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Sequence

APPLICATION_ID = 0x4B425044  # "KBPD": keyboard-app personal data
SEPARATOR = "\x1f"  # joins the tokens of an n-gram's history; no token contains it

Migration = Sequence[str]

_VERSION_1: Migration = (
    # One entry per word whatever its case: `key` is the word lower-cased, `word` its spelling.
    """CREATE TABLE words (
        key TEXT PRIMARY KEY,
        word TEXT NOT NULL,
        count INTEGER NOT NULL CHECK (count > 0),
        last_used REAL NOT NULL
    ) WITHOUT ROWID""",
    # Completions of one or two typed letters read these in count order, LIMIT rows at most;
    # longer prefixes read the few words in their range of the primary key.
    "CREATE INDEX words_by_first_letter ON words (substr(key, 1, 1), count DESC)",
    "CREATE INDEX words_by_first_two ON words (substr(key, 1, 2), count DESC)",
    "CREATE INDEX words_by_count ON words (count DESC)",
    # Bigrams (n = 2: history is one token) and trigrams (n = 3: two tokens), tokens as written.
    """CREATE TABLE ngrams (
        history TEXT NOT NULL,
        next TEXT NOT NULL,
        n INTEGER NOT NULL CHECK (n IN (2, 3)),
        count INTEGER NOT NULL CHECK (count > 0),
        last_used REAL NOT NULL,
        PRIMARY KEY (history, next)
    ) WITHOUT ROWID""",
    "CREATE INDEX ngrams_by_count ON ngrams (history, count DESC)",
    # For each history: the sum of its n-grams' counts and how many different tokens followed it.
    """CREATE TABLE histories (
        history TEXT PRIMARY KEY,
        total INTEGER NOT NULL,
        distinct_next INTEGER NOT NULL
    ) WITHOUT ROWID""",
    "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
    "INSERT INTO counters (name, value) VALUES ('words', 0), ('ngrams', 0), ('word_total', 0)",
    """CREATE TRIGGER word_added AFTER INSERT ON words BEGIN
        UPDATE counters SET value = value + 1 WHERE name = 'words';
        UPDATE counters SET value = value + new.count WHERE name = 'word_total';
    END""",
    """CREATE TRIGGER word_counted AFTER UPDATE OF count ON words BEGIN
        UPDATE counters SET value = value + new.count - old.count WHERE name = 'word_total';
    END""",
    """CREATE TRIGGER word_removed AFTER DELETE ON words BEGIN
        UPDATE counters SET value = value - 1 WHERE name = 'words';
        UPDATE counters SET value = value - old.count WHERE name = 'word_total';
    END""",
    """CREATE TRIGGER ngram_added AFTER INSERT ON ngrams BEGIN
        INSERT OR IGNORE INTO histories (history, total, distinct_next)
            VALUES (new.history, 0, 0);
        UPDATE histories SET total = total + new.count, distinct_next = distinct_next + 1
            WHERE history = new.history;
        UPDATE counters SET value = value + 1 WHERE name = 'ngrams';
    END""",
    """CREATE TRIGGER ngram_counted AFTER UPDATE OF count ON ngrams BEGIN
        UPDATE histories SET total = total + new.count - old.count WHERE history = new.history;
    END""",
    """CREATE TRIGGER ngram_removed AFTER DELETE ON ngrams BEGIN
        UPDATE histories SET total = total - old.count, distinct_next = distinct_next - 1
            WHERE history = old.history;
        DELETE FROM histories WHERE history = old.history AND distinct_next <= 0;
        UPDATE counters SET value = value - 1 WHERE name = 'ngrams';
    END""",
)

_VERSION_2: Migration = (
    # Whether `word` was written inside a sentence and not in capitals throughout, where its case
    # is the word's own (Naledi, linux); 0 for a spelling seen only at a sentence's start (Thx)
    # or as a line typed with Caps Lock has it. Of the spellings kept before, those in small
    # letters are the user's (a capital may be a sentence's start's).
    "ALTER TABLE words ADD COLUMN inside INTEGER NOT NULL DEFAULT 0",
    "UPDATE words SET inside = 1 WHERE word = key",
)

MIGRATIONS: tuple[Migration, ...] = (_VERSION_1, _VERSION_2)


def version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def application_id(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA application_id").fetchone()[0])


def table_names(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {str(name) for (name,) in rows}


def objects(connection: sqlite3.Connection) -> set[tuple[str, str, str]]:
    """The database's tables, indexes, triggers and views as (type, name, SQL), SQLite's own
    (`sqlite_...`) left out."""
    rows = connection.execute(
        "SELECT type, name, sql FROM sqlite_master"
        " WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    )
    return {(str(kind), str(name), str(sql)) for kind, name, sql in rows}


@functools.cache
def expected_objects() -> frozenset[tuple[str, str, str]]:
    """What the migrations make, exactly: a store holding anything else (a trigger someone
    planted, which would run on every word learned) is not one this app made."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(connection)
        return frozenset(objects(connection))
    finally:
        connection.close()


def migrate(connection: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the database up to `len(migrations)`, in one write transaction (read again inside
    it, so that two processes opening a new file at once migrate it once). Returns the version
    the database was at. `connection` must be in autocommit mode (isolation_level None)."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        found = version(connection)
        for target in range(found + 1, len(migrations) + 1):
            for statement in migrations[target - 1]:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {int(target)}")
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return found


def join_history(tokens: Sequence[str]) -> str:
    return SEPARATOR.join(tokens)


def split_history(history: str) -> tuple[str, ...]:
    return tuple(history.split(SEPARATOR))
