"""Keeping the personal store within its caps: what goes first when it is full.

Each entry (a word or a phrase) scores `count * 0.5 ** (age_days / HALF_LIFE_DAYS)`: its count,
halved for every 90 days since it was last used. A word typed 8 times a year ago scores 0.5, below
one typed once last week; a name used daily never goes. When a cap is passed, the lowest scores
(the oldest first among equals) are removed down to PRUNE_TO of the cap, so that pruning happens
once in a while rather than on every word.
"""

from __future__ import annotations

import sqlite3

from keyboard_app.personal.results import Stats

HALF_LIFE_DAYS = 90.0
PRUNE_TO = 0.9
_SECONDS_PER_DAY = 86_400.0


def score(count: int, last_used: float, now: float) -> float:
    age_days = max(0.0, now - last_used) / _SECONDS_PER_DAY
    return float(count) * float(0.5 ** (age_days / HALF_LIFE_DAYS))


def target_entries(stats: Stats, max_entries: int, max_bytes: int) -> int:
    """How many entries to keep: all of them while within both caps, else PRUNE_TO of the cap
    passed (for bytes, in proportion to the bytes an entry takes now)."""
    target = stats.entries
    if stats.entries > max_entries:
        target = int(max_entries * PRUNE_TO)
    if stats.bytes > max_bytes and stats.entries:
        target = min(target, int(stats.entries * PRUNE_TO * max_bytes / stats.bytes))
    return target


def prune(connection: sqlite3.Connection, n: int, now: float) -> int:
    """Remove the `n` entries with the lowest scores (inside the caller's transaction)."""
    doomed = connection.execute(
        """SELECT kind, a, b FROM (
               SELECT 0 AS kind, key AS a, '' AS b,
                      prune_score(count, last_used, :now) AS score, last_used FROM words
               UNION ALL
               SELECT 1, history, next, prune_score(count, last_used, :now), last_used
               FROM ngrams)
           ORDER BY score, last_used LIMIT :n""",
        {"now": now, "n": n},
    ).fetchall()
    connection.executemany(
        "DELETE FROM words WHERE key = ?", [(a,) for kind, a, _ in doomed if kind == 0]
    )
    connection.executemany(
        "DELETE FROM ngrams WHERE history = ? AND next = ?",
        [(a, b) for kind, a, b in doomed if kind == 1],
    )
    return len(doomed)
