"""What the personal store's tests share: a store's invariants read straight from its file, and
running the child programs of `children.py`."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Lines typed word by word, each with the secrets in it that must never be learned (the word
# after them, "ok", is: it shows the secret's run has ended).
TYPED_SECRETS = [
    ("my password is hunter ok", ["hunter"]),
    ("password: swordfish ok", ["swordfish"]),
    ("card 4111 1111 1111 1111 ok", ["4111", "1111"]),
    ("call me on 555 123 4567 ok", ["555", "123", "4567"]),
    ("my pin is 4821 ok", ["4821"]),
    ("iban DE89 3704 0044 0532 0130 00 ok", ["3704", "0044", "0532", "0130", "00"]),
    ("API key: frobnicatewidget ok", ["frobnicatewidget"]),
    ("the door code is 4821 ok", ["4821"]),
    ("the wifi password:\nBlueberrymuffin ok", ["Blueberrymuffin"]),  # a label ending its line
]


def check_consistent(path: Path) -> None:
    """SQLite finds the file sound, and the counters and history totals kept by triggers agree
    with the rows they count."""
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        counters = dict(connection.execute("SELECT name, value FROM counters"))
        words, word_total = connection.execute(
            "SELECT count(*), coalesce(sum(count), 0) FROM words"
        ).fetchone()
        ngrams = connection.execute("SELECT count(*) FROM ngrams").fetchone()[0]
        assert counters == {"words": words, "ngrams": ngrams, "word_total": word_total}
        expected = connection.execute(
            "SELECT history, sum(count), count(*) FROM ngrams GROUP BY history ORDER BY history"
        ).fetchall()
        kept = connection.execute(
            "SELECT history, total, distinct_next FROM histories ORDER BY history"
        ).fetchall()
        assert kept == expected
    finally:
        connection.close()


def child(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `python -m tests.personal.children ARGS...` and wait for it."""
    return subprocess.run(
        child_command(*args), cwd=REPO, capture_output=True, text=True, timeout=timeout
    )


def child_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "tests.personal.children", *args]


def namespace_works() -> bool:
    """Whether this user may make a mount namespace (to mount a tiny tmpfs, or a read-only
    file, without being root outside it)."""
    try:
        done = subprocess.run(["unshare", "-rm", "true"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0
