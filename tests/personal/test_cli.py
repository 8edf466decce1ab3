"""`keyboard-app personal ...` end to end, in process."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from keyboard_app import paths
from keyboard_app.cli import main
from keyboard_app.personal import PersonalStore


@pytest.fixture
def texts(tmp_path: Path) -> Path:
    (tmp_path / "letter.txt").write_text("Kind regards, Ljubljana.\nKind regards\n", "utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    (tmp_path / "latin1.txt").write_bytes("café".encode("latin-1"))
    (tmp_path / "unicode.txt").write_bytes("Kind regards".encode("utf-16"))  # Windows' own
    (tmp_path / "unmarked.txt").write_bytes("Kind regards".encode("utf-16-le"))  # no BOM
    return tmp_path


def test_learn_then_list_in_the_users_store(
    texts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["personal", "learn", str(texts / "letter.txt")]) == 0
    assert "Learned 5 words from" in capsys.readouterr().out
    assert paths.personal_store_path().exists()
    assert main(["personal", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["word", "or", "phrase", "count", "last", "used"]
    assert lines[1].split()[:3] == ["¶", "Kind", "2"] and lines[1].split()[3][:2] == "20"


def test_list_keeps_its_columns_with_wide_characters_and_accents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CJK character takes two columns of a terminal, a combining accent none: every line's
    count ends in the same column as the header's."""
    letter = tmp_path / "letter.txt"
    letter.write_text("東京 Ottoline Zoe\u0308\n", "utf-8")
    store = ["--store", str(tmp_path / "s.sqlite3")]
    assert main(["personal", "learn", str(letter), *store]) == 0
    capsys.readouterr()
    assert main(["personal", "list", *store]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any("東京" in line for line in lines) and any("Zoë" in line for line in lines)

    def columns_to_count(line: str) -> int:
        before = line[: line.index("count") + 5] if line is lines[0] else line[:-12].rstrip()
        return len(before) + sum(c in "東京" for c in before) - before.count("\u0308")

    assert {columns_to_count(line) for line in lines} == {columns_to_count(lines[0])}
    assert main(["personal", "list", "--search", "東", "--limit", "1", *store]) == 0
    lines = capsys.readouterr().out.splitlines()  # narrower than the heading
    assert columns_to_count(lines[1]) == columns_to_count(lines[0])


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_learning_a_large_file_shows_progress_on_a_terminal_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    letter = tmp_path / "long.txt"
    letter.write_text("Dear Ottoline, thank you for the letter.\n" * 3000, "utf-8")
    store = ["--store", str(tmp_path / "s.sqlite3")]
    assert main(["personal", "learn", str(letter), *store]) == 0
    assert capsys.readouterr().err == ""
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["personal", "learn", str(letter), *store]) == 0
    shown = terminal.getvalue()
    assert shown.startswith(f"\rLearning from {letter}: ")
    assert shown.endswith(f"\rLearning from {letter}: 100%\r\033[K")
    assert "Learned 21,000 words from" in capsys.readouterr().out


def test_learn_reports_each_bad_file_and_learns_the_others(
    texts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.sqlite3"
    names = ("image.png", "letter.txt", "missing.txt", "latin1.txt", "unicode.txt", "unmarked.txt")
    files = [texts / name for name in names]
    assert main(["personal", "learn", *map(str, files), str(tmp_path), "--store", str(store)]) == 1
    out, err = capsys.readouterr()
    assert "Learned 5 words from" in out
    assert "image.png is not a text file" in err
    assert "missing.txt does not exist" in err
    assert "latin1.txt is not UTF-8 text" in err
    for name in ("unicode.txt", "unmarked.txt"):
        assert f"{name} is not UTF-8 text (it is UTF-16 text: save it as UTF-8)" in err
    assert "is a folder" in err
    assert "Traceback" not in err
    with PersonalStore.open(store) as opened:
        assert opened.completions("lj") == [("Ljubljana", 1)]
        assert opened.completions("caf") == []


def test_list_as_json_with_search_and_limit(
    texts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(tmp_path / "s.sqlite3")]
    main(["personal", "learn", str(texts / "letter.txt"), *store])
    capsys.readouterr()
    assert main(["personal", "list", "--json", "--search", "regards", "--limit", "2", *store]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [(e["kind"], e["text"], e["tokens"], e["count"]) for e in entries] == [
        ("phrase", "¶ Kind regards", ["<s>", "Kind", "regards"], 2),
        ("phrase", "Kind regards", ["Kind", "regards"], 2),
    ]
    assert isinstance(entries[0]["last_used"], float) and len(entries[0]["last_used_date"]) == 10
    assert main(["personal", "list", "--search", "zebra", *store]) == 0
    assert "Nothing learned matches." in capsys.readouterr().out


def test_forget_words_and_phrases(
    texts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(tmp_path / "s.sqlite3")]
    main(["personal", "learn", str(texts / "letter.txt"), *store])
    assert main(["personal", "forget", "ljubljana", "kind regards", *store]) == 0
    assert "Forgot 8 entries." in capsys.readouterr().out
    assert main(["personal", "forget", "nothing", *store]) == 0
    assert "nothing forgotten" in capsys.readouterr().out
    with PersonalStore.open(tmp_path / "s.sqlite3") as opened:
        assert opened.completions("lj") == []
        assert opened.next_counts(["Kind"]).bigram.counts == {}
        assert opened.completions("kind") == [("Kind", 2)]


def test_export_import_and_a_bad_import(
    texts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = (["--store", str(tmp_path / name)] for name in ("a.sqlite3", "b.sqlite3"))
    main(["personal", "learn", str(texts / "letter.txt"), *first])
    export = tmp_path / "export.json"
    assert main(["personal", "export", str(export), *first]) == 0
    assert main(["personal", "import", str(export), *second]) == 0
    assert "Imported 12 words and phrases" in capsys.readouterr().out
    assert main(["personal", "import", str(texts / "letter.txt"), *second]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "not a JSON file" in err and "Traceback" not in err
    with PersonalStore.open(tmp_path / "b.sqlite3") as opened:
        assert opened.stats().entries == 12


def test_clear_needs_yes_without_a_terminal(
    texts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(tmp_path / "s.sqlite3")]
    main(["personal", "learn", str(texts / "letter.txt"), *store])
    assert main(["personal", "clear", *store]) == 2
    assert "add --yes" in capsys.readouterr().err
    with PersonalStore.open(tmp_path / "s.sqlite3") as opened:
        assert opened.stats().entries == 12
    assert main(["personal", "clear", "--yes", *store]) == 0
    with PersonalStore.open(tmp_path / "s.sqlite3") as opened:
        assert opened.stats().entries == 0


@pytest.mark.skipif(os.name != "posix", reason="a pseudo-terminal")
@pytest.mark.parametrize(("answer", "left"), [("n\n", 12), ("yes\n", 0)])
def test_clear_asks_on_a_terminal(
    texts: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    answer: str,
    left: int,
) -> None:
    import pty

    store = ["--store", str(tmp_path / "s.sqlite3")]
    main(["personal", "learn", str(texts / "letter.txt"), *store])
    controller, terminal = pty.openpty()
    with os.fdopen(terminal, "r") as tty:
        os.write(controller, answer.encode())
        monkeypatch.setattr(sys, "stdin", tty)
        assert main(["personal", "clear", *store]) == 0
    os.close(controller)
    assert "Forget all 12 learned words and phrases" in capsys.readouterr().out
    with PersonalStore.open(tmp_path / "s.sqlite3") as opened:
        assert opened.stats().entries == left


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="an endless device")
@pytest.mark.parametrize("action", ["learn", "import"])
def test_an_endless_device_is_refused_before_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], action: str
) -> None:
    assert main(["personal", action, "/dev/zero", "--store", str(tmp_path / "s.sqlite3")]) == 1
    err = capsys.readouterr().err
    assert "a device, not a file" in err and "Traceback" not in err


@pytest.mark.skipif(os.name != "posix", reason="a pseudo-terminal")
def test_clear_takes_end_of_input_at_its_question_as_no(
    texts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import pty

    store = ["--store", str(tmp_path / "s.sqlite3")]
    main(["personal", "learn", str(texts / "letter.txt"), *store])
    controller, terminal = pty.openpty()
    with os.fdopen(terminal, "r") as tty:
        os.write(controller, b"\x04")  # Ctrl+D
        monkeypatch.setattr(sys, "stdin", tty)
        assert main(["personal", "clear", *store]) == 0
    os.close(controller)
    assert "Nothing was cleared." in capsys.readouterr().out
    with PersonalStore.open(tmp_path / "s.sqlite3") as opened:
        assert opened.stats().entries == 12


def test_the_users_damaged_store_is_reported_and_replaced(
    capsys: pytest.CaptureFixture[str],
) -> None:
    own = paths.personal_store_path()
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_bytes(b"not a database at all" * 50)
    assert main(["personal", "list"]) == 0
    out, err = capsys.readouterr()
    assert "Nothing learned yet." in out and f"{own.name}.damaged-" in err


def test_a_file_named_with_store_that_is_no_store_is_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", "utf-8")
    other = tmp_path / "other.sqlite3"  # another program's database
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE contacts (name TEXT)")
    before = other.read_bytes()
    for command in (["list"], ["learn", str(notes)], ["export", str(tmp_path / "out.json")]):
        for store in (notes, other):
            assert main(["personal", *command, "--store", str(store)]) == 1
            assert "is not a personal store this app can use" in capsys.readouterr().err
    assert notes.read_text("utf-8") == "my notes\n"
    assert other.read_bytes() == before  # not even put in write-ahead-log mode
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt", "other.sqlite3"]


def test_an_empty_file_is_no_store_to_list_forget_clear_or_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLite takes an empty file for an empty database: `list` made a store of it (a path
    mistyped onto a file the user had just made, say)."""
    empty = tmp_path / "notes.txt"
    empty.touch(mode=0o644)
    for command in (["list"], ["forget", "word"], ["clear", "--yes"], ["export", "x.json"]):
        assert main(["personal", *command, "--store", str(empty)]) == 1
        assert f"{empty} is empty: there is no personal store in it yet." in capsys.readouterr().err
    assert empty.read_bytes() == b"" and stat.S_IMODE(empty.stat().st_mode) == 0o644
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_a_missing_store_is_created_only_to_learn_or_import_into(
    tmp_path: Path, texts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "new" / "s.sqlite3"
    for command in (["list"], ["forget", "word"], ["clear", "--yes"], ["export", "x.json"]):
        assert main(["personal", *command, "--store", str(store)]) == 1
        assert f"There is no personal store at {store}." in capsys.readouterr().err
    assert not store.parent.exists()
    missing = str(tmp_path / "missing.txt")
    assert main(["personal", "learn", missing, "--store", str(store)]) == 1
    assert main(["personal", "import", missing, "--store", str(store)]) == 1
    assert not store.parent.exists()  # nothing to learn or import: no store made for it
    assert main(["personal", "learn", str(texts / "letter.txt"), "--store", str(store)]) == 0
    assert store.exists()


def test_a_store_that_cannot_be_opened_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "s.sqlite3").mkdir()
    assert main(["personal", "list", "--store", str(tmp_path / "s.sqlite3")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: The personal store") and "Traceback" not in err


def test_usage_errors_exit_2() -> None:
    for argv in (["personal"], ["personal", "forget"], ["personal", "list", "--limit", "0"]):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 2
