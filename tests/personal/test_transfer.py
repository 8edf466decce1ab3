"""Export to JSON and import back: the round trip, merging, and files that must change nothing."""

from __future__ import annotations

import json
import time
import tracemalloc
from pathlib import Path

import pytest

from keyboard_app.personal import Imported, PersonalStore, PersonalStoreError, learnable
from keyboard_app.personal.transfer import FUTURE_SLACK_S, MAX_COUNT, parse
from tests.personal.helpers import check_consistent

TEXT = "Kind regards, John.\nLet me know if Ljubljana works."
NOW = 1_700_000_000.0  # in the past: a last use in the future is not believed


def everything(store: PersonalStore) -> list[tuple[str, tuple[str, ...], int, float]]:
    return sorted((e.kind, e.tokens, e.count, e.last_used) for e in store.entries(limit=10**6))


def test_round_trip_keeps_every_entry(tmp_path: Path) -> None:
    with PersonalStore.open(tmp_path / "a.sqlite3") as source:
        source.learn(learnable(TEXT), now=NOW)
        source.learn(learnable("Kind regards"), now=NOW + 5)
        assert source.export_json(tmp_path / "export.json") == source.stats().entries
        expected = everything(source)
    data = json.loads((tmp_path / "export.json").read_text("utf-8"))
    assert data["format"] == "keyboard-app personal store" and data["version"] == 1
    assert {"word": "Ljubljana", "inside": True, "count": 1, "last_used": NOW} in data["words"]
    assert {"tokens": ["<s>", "Kind", "regards"], "count": 2, "last_used": NOW + 5} in data[
        "phrases"
    ]
    with PersonalStore.open(tmp_path / "b.sqlite3") as target:
        assert target.import_json(tmp_path / "export.json") == Imported(len(expected))
        assert everything(target) == expected
        assert target.next_counts(["<s>", "Kind"]).trigram.total == 2
    check_consistent(tmp_path / "b.sqlite3")


def test_import_merges_counts_and_keeps_the_latest_use(tmp_path: Path) -> None:
    with PersonalStore.open(tmp_path / "a.sqlite3") as store:
        store.learn(learnable("Kind regards"), now=NOW)
        store.export_json(tmp_path / "export.json")
        store.learn(learnable("Kind regards"), now=NOW + 100)
        store.import_json(tmp_path / "export.json")
        assert store.completions("kind") == [("Kind", 3)]
        (entry,) = [e for e in store.entries() if e.tokens == ("<s>", "Kind", "regards")]
        assert (entry.count, entry.last_used) == (3, NOW + 100)
        assert store.next_counts(["<s>"]).bigram.total == 3
    check_consistent(tmp_path / "a.sqlite3")


def test_counts_merged_past_what_an_export_holds_stay_at_its_bound(tmp_path: Path) -> None:
    """A file imported twice (or onto counts already there) adds its counts; they stop at the
    bound an import accepts, so the store's own export always imports again."""
    top = {"word": "Ljubljana", "count": MAX_COUNT, "last_used": NOW}
    phrase = {"tokens": ["Kind", "regards"], "count": MAX_COUNT, "last_used": NOW}
    document = {"format": "keyboard-app personal store", "version": 1}
    (tmp_path / "in.json").write_text(json.dumps({**document, "words": [top], "phrases": [phrase]}))
    with PersonalStore.open(tmp_path / "a.sqlite3") as store:
        store.import_json(tmp_path / "in.json")
        store.import_json(tmp_path / "in.json")
        assert {e.text: e.count for e in store.entries()} == {
            "Ljubljana": MAX_COUNT,
            "Kind regards": MAX_COUNT,
        }
        store.export_json(tmp_path / "out.json")
        store.clear()
        assert store.import_json(tmp_path / "out.json") == Imported(2)
    check_consistent(tmp_path / "a.sqlite3")


def export_of_words(tmp_path: Path, words: list[dict[str, object]]) -> Path:
    """An export file holding `words` (and no phrases)."""
    path = tmp_path / "export.json"
    export = {"format": "keyboard-app personal store", "version": 1, "words": words}
    path.write_text(json.dumps(export), "utf-8")
    return path


def test_import_keeps_the_stores_spelling_of_a_word(tmp_path: Path) -> None:
    export_of_words(tmp_path, [{"word": "PARIS", "count": 2, "last_used": NOW + 10}])
    with PersonalStore.open(tmp_path / "a.sqlite3") as store:
        store.learn(learnable("we met in Paris"), now=NOW)
        store.import_json(tmp_path / "export.json")
        assert store.completions("par") == [("Paris", 3)]
        (entry,) = [e for e in store.entries() if e.tokens == ("Paris",)]
        assert entry.last_used == NOW + 10


def test_an_export_is_readable_by_its_owner_alone(tmp_path: Path) -> None:
    with PersonalStore.open(tmp_path / "a.sqlite3") as store:
        store.learn(learnable(TEXT), now=NOW)
        store.export_json(tmp_path / "export.json")
    assert (tmp_path / "export.json").stat().st_mode & 0o777 == 0o600


def test_entries_breaking_the_learning_rules_are_skipped(tmp_path: Path) -> None:
    export = {
        "format": "keyboard-app personal store",
        "version": 1,
        "words": [
            {"word": "hunter2", "count": 5, "last_used": NOW},
            {"word": "fine", "count": 2, "last_used": NOW},
        ],
        "phrases": [{"tokens": ["my", "hunter2"], "count": 1, "last_used": NOW}],
    }
    (tmp_path / "export.json").write_text(json.dumps(export), "utf-8")
    with PersonalStore.open(tmp_path / "a.sqlite3") as store:
        imported = store.import_json(tmp_path / "export.json")
        assert imported == Imported(1, skipped=2)
        assert [e.text for e in store.entries()] == ["fine"]
    assert imported.summary("export.json", 100) == (
        "Imported 1 word or phrase from export.json. 2 entries were skipped: such words "
        "(secret-looking, or too long) are never learned."
    )


@pytest.mark.parametrize(
    "tokens",
    [
        ["password", "is", "swordfish"],
        ["password", ":", "swordfish"],
        ["pwd", ":", "swordfish"],
        ["pin", "4821"],
        ["code", "is", "4821"],
    ],
)
def test_a_phrase_holding_a_secret_after_its_label_is_skipped(
    tmp_path: Path, tokens: list[str]
) -> None:
    """Such a phrase is never learned from text; imported, it would offer the secret after its
    label ("My password is " -> "swordfish")."""
    export = {
        "format": "keyboard-app personal store",
        "version": 1,
        "words": [],
        "phrases": [
            {"tokens": tokens, "count": 9, "last_used": NOW},
            {"tokens": ["<s>", "Kind", "regards"], "count": 1, "last_used": NOW},
            {"tokens": [",", "John", "."], "count": 1, "last_used": NOW},
        ],
    }
    (tmp_path / "export.json").write_text(json.dumps(export), "utf-8")
    with PersonalStore.open(tmp_path / "a.sqlite3") as store:
        assert store.import_json(tmp_path / "export.json") == Imported(2, skipped=1)
        assert {e.tokens for e in store.entries()} == {
            ("<s>", "Kind", "regards"),
            (",", "John", "."),
        }


GOOD_WORD = {"word": "fine", "count": 1, "last_used": NOW}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n", "not a JSON file"),
        (b'{"format": "keyboard-app personal store", "version": 1, "words": [', "not a JSON file"),
        (b"[" * 100_000 + b"]" * 100_000, "not a JSON file"),
        (json.dumps([1, 2]).encode(), 'no "format"'),
        (json.dumps({"format": "something else", "version": 1}).encode(), 'no "format"'),
        (json.dumps({"format": "keyboard-app personal store"}).encode(), '"version"'),
        (
            json.dumps({"format": "keyboard-app personal store", "version": 9}).encode(),
            "newer version",
        ),
    ],
)
def test_a_file_that_is_no_export_is_one_clear_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    (tmp_path / "bad.json").write_bytes(content)
    with (
        PersonalStore.open(tmp_path / "a.sqlite3") as store,
        pytest.raises(PersonalStoreError, match=message),
    ):
        store.import_json(tmp_path / "bad.json")


def test_a_huge_version_number_is_shortened_in_the_message(tmp_path: Path) -> None:
    document = {"format": "keyboard-app personal store", "version": 10**400}
    (tmp_path / "bad.json").write_text(json.dumps(document))
    with (
        PersonalStore.open(tmp_path / "a.sqlite3") as store,
        pytest.raises(PersonalStoreError, match="newer version") as raised,
    ):
        store.import_json(tmp_path / "bad.json")
    assert "(format version 100000000000… (401 digits))" in str(raised.value)


@pytest.mark.parametrize(
    ("words", "phrases", "message"),
    [
        ({"word": "a b"}, [], r"words\[1\].word"),
        ("x" * 10, [], r'"words" is not a list'),
        ({"word": "ok", "count": 0, "last_used": NOW}, [], r"words\[1\].count"),
        ({"word": "ok", "count": True, "last_used": NOW}, [], r"words\[1\].count"),
        ({"word": "ok", "count": 2**60, "last_used": NOW}, [], r"words\[1\].count"),
        ({"word": "ok", "count": 1, "last_used": "yesterday"}, [], r"words\[1\].last_used"),
        ({"word": "ok", "count": 1, "last_used": float("nan")}, [], r"words\[1\].last_used"),
        ({"word": "ok", "count": 1, "last_used": 10**400}, [], r"words\[1\].last_used"),
        ({"word": "ok", "count": 1, "last_used": -1.0}, [], r"words\[1\].last_used"),
        (None, {"tokens": ["a"], "count": 1, "last_used": NOW}, r"phrases\[1\].tokens"),
        (None, {"tokens": list("abcd"), "count": 1, "last_used": NOW}, r"phrases\[1\].tokens"),
        (None, {"tokens": ["a", "b c"], "count": 1, "last_used": NOW}, r"phrases\[1\].tokens"),
        (None, {"tokens": ["a", "<s>"], "count": 1, "last_used": NOW}, r"<s> where"),
        (None, {"tokens": ["a", "b\x1fc"], "count": 1, "last_used": NOW}, r"phrases\[1\]"),
        (None, "not an object", r"phrases\[1\] is not an object"),
    ],
)
def test_a_malformed_or_hostile_export_changes_nothing(
    tmp_path: Path, words: object, phrases: object, message: str
) -> None:
    good_phrase = {"tokens": ["<s>", "fine"], "count": 1, "last_used": NOW}
    data = {
        "format": "keyboard-app personal store",
        "version": 1,
        "words": [GOOD_WORD, words] if isinstance(words, dict) else (words or [GOOD_WORD]),
        "phrases": [good_phrase, phrases] if phrases else [good_phrase],
    }
    (tmp_path / "bad.json").write_text(json.dumps(data), "utf-8")
    with PersonalStore.open(tmp_path / "a.sqlite3") as store:
        store.learn(learnable(TEXT), now=NOW)
        before = everything(store)
        with pytest.raises(PersonalStoreError, match=message):
            store.import_json(tmp_path / "bad.json")
        assert everything(store) == before


def test_import_of_a_missing_file_and_export_to_a_bad_place(tmp_path: Path) -> None:
    with PersonalStore.open(tmp_path / "a.sqlite3") as store:
        with pytest.raises(PersonalStoreError, match="cannot be read"):
            store.import_json(tmp_path / "missing.json")
        (tmp_path / "file").write_text("x")
        with pytest.raises(PersonalStoreError, match="cannot be exported"):
            store.export_json(tmp_path / "file" / "inside.json")
        with pytest.raises(PersonalStoreError, match=r"cannot be exported.*No such file"):
            store.export_json(tmp_path / "mistyped" / "export.json")
        assert not (tmp_path / "mistyped").exists()


def test_an_export_over_the_store_itself_is_refused_and_the_store_kept(tmp_path: Path) -> None:
    store_path = tmp_path / "a.sqlite3"
    (tmp_path / "link.json").symlink_to(store_path)
    with PersonalStore.open(store_path) as store:
        store.learn(learnable(TEXT), now=NOW)
        for mistaken in (store_path, tmp_path / "link.json", tmp_path / "a.sqlite3-wal"):
            with pytest.raises(PersonalStoreError, match="it is the personal store itself"):
                store.export_json(mistaken)
        learned = everything(store)
    with PersonalStore.open(store_path, recover=False) as reopened:
        assert everything(reopened) == learned
    check_consistent(store_path)


def test_an_import_past_the_cap_is_pruned_in_the_same_transaction(tmp_path: Path) -> None:
    with PersonalStore.open(tmp_path / "a.sqlite3") as source:
        source.learn([[f"w{'x' * i}"] for i in range(1, 31)], now=NOW)
        source.export_json(tmp_path / "export.json")
    with PersonalStore.open(tmp_path / "b.sqlite3", max_entries=20) as target:
        imported = target.import_json(tmp_path / "export.json")
        assert imported == Imported(30, pruned=12)
        assert target.stats().entries == 18
    said = imported.summary("export.json", 20)
    assert "at most 20 entries, so the 12 rarest and oldest were dropped" in said
    assert "dropped" not in Imported(30).summary("export.json", 20)
    check_consistent(tmp_path / "b.sqlite3")


def test_a_last_use_in_the_future_is_believed_a_day_ahead_at_most(tmp_path: Path) -> None:
    """Another machine's clock may be a little ahead; a time years ahead would keep an entry from
    ever being pruned (it would never age), so it is taken as a day from now."""
    far = time.time() + 10 * 365 * 86_400.0
    export = {
        "format": "keyboard-app personal store",
        "version": 1,
        "words": [{"word": "future", "count": 1, "last_used": far}],
        "phrases": [{"tokens": ["<s>", "future"], "count": 1, "last_used": far}],
    }
    (tmp_path / "export.json").write_text(json.dumps(export), "utf-8")
    with PersonalStore.open(tmp_path / "a.sqlite3") as store:
        before = time.time()
        assert store.import_json(tmp_path / "export.json") == Imported(2)
        after = time.time()
        entries = store.entries()
        assert len(entries) == 2
        for entry in entries:
            assert before + FUTURE_SLACK_S <= entry.last_used <= after + FUTURE_SLACK_S


def test_an_export_written_with_combining_marks_adds_to_the_same_entries(tmp_path: Path) -> None:
    """A file from a tool that writes decomposed accents (as macOS does): composed on import,
    like typed text, so that it adds to the entries typed, and forgetting them forgets it."""
    decomposed = "Mu\u0308nchen"
    data = {
        "format": "keyboard-app personal store",
        "version": 1,
        "words": [{"word": decomposed, "count": 2, "last_used": NOW}],
        "phrases": [{"tokens": ["in", decomposed], "count": 1, "last_used": NOW}],
    }
    path = tmp_path / "nfd.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with PersonalStore.open(tmp_path / "p.sqlite3") as store:
        store.learn([["in", "M\u00fcnchen"]], now=NOW)
        store.import_json(path)
        assert store.word_counts(["M\u00fcnchen"]) == {"M\u00fcnchen": 3}
        assert store.next_counts(["in"]).bigram.counts == {"M\u00fcnchen": 2}
        assert all(entry.text.isascii() or "\u00fc" in entry.text for entry in store.entries())


def test_an_older_export_without_inside_trusts_small_letters_alone(
    tmp_path: Path,
) -> None:
    words = [{"word": word, "count": 2, "last_used": NOW} for word in ("Naledi", "NASA", "thx")]
    export_of_words(tmp_path, words)
    with PersonalStore.open(tmp_path / "a.sqlite3") as store:
        store.import_json(tmp_path / "export.json")
        spelled = store.spellings(["naledi", "nasa", "thx"])
        assert spelled == {"naledi": None, "nasa": None, "thx": "thx"}


def test_inside_must_be_true_or_false(tmp_path: Path) -> None:
    export_of_words(tmp_path, [{"word": "Naledi", "inside": "yes", "count": 2, "last_used": NOW}])
    with (
        PersonalStore.open(tmp_path / "a.sqlite3") as store,
        pytest.raises(PersonalStoreError, match=r"words\[0\]\.inside"),
    ):
        store.import_json(tmp_path / "export.json")


def test_a_huge_word_or_token_is_skipped_without_memory_in_proportion(tmp_path: Path) -> None:
    """A hostile export's word of megabytes is skipped as too long, without matching a word's
    pattern on it: that took memory in proportion to it, 3.5 GB for a word of 20 MB."""
    huge = "a" * 2_000_000
    export = {
        "format": "keyboard-app personal store",
        "version": 1,
        "words": [{"word": huge, "count": 1, "last_used": NOW}],
        "phrases": [{"tokens": ["my", huge], "count": 1, "last_used": NOW}],
    }
    raw = json.dumps(export).encode()
    tracemalloc.start()
    try:
        read = parse(raw, "export.json")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * len(raw)  # the text parsed and composed: a few copies of it
    with PersonalStore.open(tmp_path / "a.sqlite3") as store:
        assert store.import_export(read, "export.json") == Imported(0, skipped=2)
        assert store.entries() == []
