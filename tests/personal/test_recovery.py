"""Migrations, and files that are damaged, foreign or from a newer version."""

from __future__ import annotations

import contextlib
import random
import sqlite3
from pathlib import Path

import pytest

from keyboard_app.personal import PersonalStore, PersonalStoreError, learnable, schema
from tests.personal.helpers import check_consistent

LATEST = len(schema.MIGRATIONS)


def real_store(path: Path) -> bytes:
    """A store of a few hundred entries, closed; its bytes."""
    with PersonalStore.open(path) as store:
        text = " ".join(
            f"word{'abcdefghij'[i % 10]}{'klmnopqrst'[i // 10 % 10]}" for i in range(400)
        )
        store.learn(learnable(text.replace("word", "w")))
    return path.read_bytes()


def moved_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if ".damaged-" in path.name)


def test_a_version_0_file_of_ours_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    connection.close()
    with PersonalStore.open(path) as store:
        assert store.recovered_from is None
        store.learn([["works"]])
        assert store.completions("w") == [("works", 1)]
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA user_version").fetchone() == (LATEST,)
    connection.close()


def test_an_upgrade_keeps_the_data_and_runs_once(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with PersonalStore.open(path) as store:
        store.learn(learnable("Kind regards"))
    upgrade = (
        "ALTER TABLE words ADD COLUMN note TEXT",
        "UPDATE words SET note = 'from the version before'",
    )
    connection = sqlite3.connect(path, isolation_level=None)
    assert schema.migrate(connection, [*schema.MIGRATIONS, upgrade]) == LATEST
    assert schema.migrate(connection, [*schema.MIGRATIONS, upgrade]) == LATEST + 1  # nothing
    assert connection.execute("PRAGMA user_version").fetchone() == (LATEST + 1,)
    assert connection.execute("SELECT word, note FROM words ORDER BY key").fetchall() == [
        ("Kind", "from the version before"),
        ("regards", "from the version before"),
    ]
    connection.close()


def test_a_version_1_store_keeps_its_words_and_trusts_no_capital_until_written_again(
    tmp_path: Path,
) -> None:
    """Version 1 kept a word's first spelling when it was never written inside a sentence, so
    its capitals may be a sentence's start (Thx): they are not offered until written inside;
    its small letters are the user's."""
    path = tmp_path / "p.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    schema.migrate(connection, schema.MIGRATIONS[:1])
    connection.execute(
        "INSERT INTO words (key, word, count, last_used) VALUES ('thx', 'Thx', 3, 0),"
        " ('naledi', 'Naledi', 2, 0), ('linux', 'linux', 4, 0)"
    )
    connection.close()
    with PersonalStore.open(path) as store:
        assert store.recovered_from is None
        assert store.word_counts(["thx", "naledi"]) == {"thx": 3, "naledi": 2}
        spelled = store.spellings(["thx", "naledi", "linux"])
        assert spelled == {"thx": None, "naledi": None, "linux": "linux"}  # small letters: theirs
        store.learn(learnable("I met Naledi."))
        assert store.spellings(["naledi"]) == {"naledi": "Naledi"}


def test_a_failing_upgrade_leaves_the_old_version_whole(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with PersonalStore.open(path) as store:
        store.learn(learnable("Kind regards"))
    broken = ("ALTER TABLE words ADD COLUMN note TEXT", "UPDATE nowhere SET x = 1")
    connection = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        schema.migrate(connection, [*schema.MIGRATIONS, broken])
    assert connection.execute("PRAGMA user_version").fetchone() == (LATEST,)
    columns = [row[1] for row in connection.execute("PRAGMA table_info(words)")]
    assert "note" not in columns
    connection.close()
    with PersonalStore.open(path) as store:
        assert store.completions("kind") == [("Kind", 1)]


def test_a_store_of_a_newer_version_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    PersonalStore.open(path).close()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 7")
    connection.close()
    with pytest.raises(PersonalStoreError, match="newer version of keyboard-app"):
        PersonalStore.open(path)
    assert path.exists() and moved_files(tmp_path) == []


def test_random_bytes_are_moved_aside_and_a_new_store_started(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    content = random.Random(1).randbytes(20_000)
    path.write_bytes(content)
    with PersonalStore.open(path) as store:
        assert store.recovered_from is not None
        assert store.recovered_from.name.startswith("p.sqlite3.damaged-")
        assert store.recovered_from.read_bytes() == content  # never deleted
        store.learn([["again"]])
        assert store.completions("a") == [("again", 1)]
    check_consistent(path)


@pytest.mark.parametrize("fraction", [0.02, 0.5, 0.9])
def test_a_truncated_store_is_moved_aside(tmp_path: Path, fraction: float) -> None:
    path = tmp_path / "p.sqlite3"
    content = real_store(path)
    with path.open("r+b") as handle:
        handle.truncate(int(len(content) * fraction))
    with PersonalStore.open(path) as store:
        assert store.recovered_from == moved_files(tmp_path)[0]
        assert store.stats().entries == 0


def test_a_store_damaged_inside_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    content = real_store(path)
    with path.open("r+b") as handle:
        handle.seek(len(content) // 2)
        handle.write(random.Random(2).randbytes(8192))
    with PersonalStore.open(path) as store:
        assert store.recovered_from is not None


def damage_an_index(path: Path, content: bytearray) -> None:
    """Write the store's `content` to `path` with the cells of one index's first page damaged."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        size = connection.execute("PRAGMA page_size").fetchone()[0]
        (root,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'words_by_count'"
        ).fetchone()
    content[root * size - 1100 : root * size] = b"\x7f" * 1100  # its cells, at the page's end
    path.write_bytes(bytes(content))


def test_a_store_damaged_in_an_index_alone_is_rebuilt_and_keeps_every_entry(
    tmp_path: Path,
) -> None:
    """An index holds nothing its table does not: rebuilt from the table, the store loses
    nothing, where moving it aside lost every learned word. A copy of the damaged file is kept."""
    path = tmp_path / "p.sqlite3"
    content = bytearray(real_store(path))
    with PersonalStore.open(path) as store:
        before = sorted((e.kind, e.tokens, e.count) for e in store.entries(limit=10**6))
    damage_an_index(path, content)
    with PersonalStore.open(path) as store:
        assert store.recovered_from is None
        assert sorted((e.kind, e.tokens, e.count) for e in store.entries(limit=10**6)) == before
    check_consistent(path)
    (copy,) = moved_files(tmp_path)
    assert copy.read_bytes() == bytes(content)


def test_a_damaged_store_named_is_one_line_of_error(tmp_path: Path) -> None:
    """SQLite's check gives a line for each damaged cell of a page; the error (the command line's
    `error:` line, the app's dialog) says the first and how many more, on one line."""
    path = tmp_path / "p.sqlite3"
    content = bytearray(real_store(path))
    damage_an_index(path, content)
    with pytest.raises(PersonalStoreError) as caught:
        PersonalStore.open(path, recover=False)
    message = str(caught.value)
    assert "\n" not in message and "***" not in message
    assert "more problem" in message


def test_a_foreign_sqlite_database_is_moved_aside_with_its_log(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("CREATE TABLE notes (body TEXT)")
    connection.execute("INSERT INTO notes VALUES ('keep me')")
    connection.commit()
    wal = Path(f"{path}-wal")
    assert wal.exists() and wal.stat().st_size > 0  # still open: the row is in the log
    with PersonalStore.open(path) as store:
        moved = store.recovered_from
        assert moved is not None and Path(f"{moved}-wal").exists()
        assert store.stats().entries == 0
    connection.close()
    foreign = sqlite3.connect(moved)
    assert foreign.execute("SELECT body FROM notes").fetchall() == [("keep me",)]
    foreign.close()


@pytest.mark.parametrize(
    "planted",
    [
        "CREATE TRIGGER planted AFTER INSERT ON words BEGIN DELETE FROM ngrams; END",
        "CREATE VIEW planted AS SELECT word FROM words",
        "CREATE INDEX planted ON words (last_used)",
        "DROP TRIGGER word_added",  # and what the app made must all be there
        "DROP TABLE histories",
    ],
)
def test_a_store_holding_what_the_app_never_made_is_moved_aside(
    tmp_path: Path, planted: str
) -> None:
    """A trigger planted in the file would run inside every transaction of the app's; one gone
    would leave the counts wrong."""
    path = tmp_path / "p.sqlite3"
    real_store(path)
    connection = sqlite3.connect(path)
    connection.execute(planted)
    connection.commit()
    connection.close()
    with PersonalStore.open(path) as store:
        moved = store.recovered_from
        assert moved is not None
        store.learn(learnable("Kind regards"))
        assert store.stats().entries == 5  # two words, three phrases: a new store's
    connection = sqlite3.connect(path)
    names = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    connection.close()
    assert "planted" not in names and {"word_added", "histories"} <= names
    check_consistent(path)


def test_two_damaged_files_in_a_row_keep_both(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    for content in (b"first damaged file", b"second damaged file"):
        path.unlink(missing_ok=True)
        for side in ("-wal", "-shm"):
            Path(f"{path}{side}").unlink(missing_ok=True)
        path.write_bytes(content * 100)
        PersonalStore.open(path).close()
    kept = {
        p.read_bytes()[:19] for p in moved_files(tmp_path) if not p.name.endswith(("-wal", "-shm"))
    }
    assert kept == {b"first damaged filef", b"second damaged file"}


def test_an_empty_file_is_a_new_store(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    path.write_bytes(b"")
    with PersonalStore.open(path) as store:
        assert store.recovered_from is None


def test_a_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(PersonalStoreError, match="cannot be created"):
        PersonalStore.open(tmp_path / "file" / "p.sqlite3")


def test_a_store_path_that_is_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "p.sqlite3").mkdir()
    with pytest.raises(PersonalStoreError, match="cannot be opened: it is a folder"):
        PersonalStore.open(tmp_path / "p.sqlite3")


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_store_deleted_or_replaced_while_open_stops_learning_with_a_clear_error(
    tmp_path: Path, how: str
) -> None:
    """What would be learned into the old file would be lost with it, without a word."""
    path = tmp_path / "personal.sqlite3"
    with PersonalStore.open(path) as store:
        store.learn(learnable("Okonkwo agreed"))
        for file in tmp_path.iterdir():
            file.unlink()
        if how == "replaced":
            with PersonalStore.open(path) as other:  # a backup put back, another copy's new one
                other.learn(learnable("hello"))
        with pytest.raises(PersonalStoreError, match="deleted, moved or replaced"):
            store.learn(learnable("Zorblax agreed"))
    with PersonalStore.open(path) as reopened:
        assert reopened.word_counts(["Okonkwo", "Zorblax"]) == {"Okonkwo": 0, "Zorblax": 0}
