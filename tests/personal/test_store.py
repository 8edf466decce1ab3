"""The personal store's counts and answers, on small texts with known counts."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from keyboard_app.engine.trigrams import BOUNDARY
from keyboard_app.personal import Entry, PersonalStore, learnable, schema
from keyboard_app.personal.queries import search_form
from tests.personal.helpers import check_consistent

S = BOUNDARY
TEXT = "Kind regards, John.\nKind regards, Mary.\nLet me know if it works. Let me know."


@pytest.fixture
def store(tmp_path: Path) -> Iterator[PersonalStore]:
    with PersonalStore.open(tmp_path / "personal.sqlite3") as opened:
        yield opened


def ngram_rows(path: Path) -> dict[tuple[str, ...], tuple[int, int]]:
    """Every n-gram in the file: tokens -> (n, count)."""
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT history, next, n, count FROM ngrams").fetchall()
    return {(*history.split("\x1f"), token): (n, count) for history, token, n, count in rows}


def test_opening_creates_the_file_with_its_settings(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "p.sqlite3"
    with PersonalStore.open(path) as store:
        assert store.recovered_from is None
        assert store.stats().entries == 0
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert connection.execute("PRAGMA user_version").fetchone() == (len(schema.MIGRATIONS),)
    connection.close()


def test_ngram_counts_are_exact(store: PersonalStore) -> None:
    assert store.learn(learnable("the cat saw the cat.\nThe cat")) == 7
    assert ngram_rows(store.path) == {
        (S, "the"): (2, 1),
        (S, "the", "cat"): (3, 1),
        ("the", "cat"): (2, 2),
        ("cat", "saw"): (2, 1),
        ("the", "cat", "saw"): (3, 1),
        ("saw", "the"): (2, 1),
        ("cat", "saw", "the"): (3, 1),
        ("saw", "the", "cat"): (3, 1),
        ("cat", "."): (2, 1),
        ("the", "cat", "."): (3, 1),
        (S, "The"): (2, 1),
        (S, "The", "cat"): (3, 1),
        ("The", "cat"): (2, 1),
    }
    assert store.word_counts(["the", "THE", "cat", "dog"]) == {
        "the": 3,
        "THE": 3,
        "cat": 3,
        "dog": 0,
    }
    stats = store.stats()
    assert (stats.words, stats.phrases, stats.word_total) == (3, 13, 7)
    assert store.word_total() == 7
    check_consistent(store.path)


def test_a_words_spelling_is_its_mid_sentence_one(store: PersonalStore) -> None:
    store.learn(learnable("Meeting at noon. Meeting again.\nthe meeting"))
    store.learn(learnable("Paris. Paris is big.\nIn Paris"))
    assert store.completions("mee") == [("meeting", 3)]
    assert store.completions("par") == [("Paris", 3)]
    store.learn(learnable("Ljubljana"))  # only ever at a paragraph's start: kept as written
    assert store.completions("lj") == [("Ljubljana", 1)]


def test_a_capital_at_a_sentences_start_never_respells_a_word(store: PersonalStore) -> None:
    """After a full stop, an exclamation or a question mark, and at a paragraph's start, "The"
    says nothing of how "the" is spelled: not in the same text, nor in a later one."""
    store.learn(learnable("I saw the cat. The end! The cat? The dog"))
    assert store.completions("the") == [("the", 4)]
    store.learn(learnable("The start"))
    assert store.completions("the") == [("the", 5)]
    store.learn(learnable("ask THE cat"))  # in capitals throughout: no spelling either
    assert store.completions("the") == [("the", 6)]
    store.learn(learnable("ask tHe cat"))  # written so inside a sentence: the user's spelling
    assert store.completions("the") == [("tHe", 7)]


def test_completions_case_order_and_limit(store: PersonalStore) -> None:
    store.learn(learnable("apple apple apple ant ant Anna axe\nbanana"), now=100.0)
    assert store.completions("a") == [("apple", 3), ("ant", 2), ("Anna", 1), ("axe", 1)]
    assert store.completions("A", limit=2) == [("apple", 3), ("ant", 2)]
    assert store.completions("AN") == [("ant", 2), ("Anna", 1)]
    assert store.completions("ann") == [("Anna", 1)]
    assert store.completions("appl") == [("apple", 3)]
    assert store.completions("apples") == []
    assert store.completions("") == [
        ("apple", 3),
        ("ant", 2),
        ("Anna", 1),
        ("axe", 1),
        ("banana", 1),
    ]


def test_completions_of_words_beyond_ascii(store: PersonalStore) -> None:
    store.learn(learnable("Ärger über Øresund, Ärger. Éclair"))
    assert store.completions("ä") == [("Ärger", 2)]
    assert store.completions("ÄR") == [("Ärger", 2)]
    assert store.completions("öre") == []
    assert store.completions("øre") == [("Øresund", 1)]
    assert store.completions("écl") == [("Éclair", 1)]


def test_next_counts_both_levels_with_totals(store: PersonalStore) -> None:
    store.learn(learnable(TEXT))
    after = store.next_counts(["me", "know"])
    assert after.trigram.history == ("me", "know")
    assert dict(after.trigram.counts) == {"if": 1, ".": 1}
    assert (after.trigram.total, after.trigram.distinct) == (2, 2)
    assert after.bigram.history == ("know",)
    assert (after.bigram.total, after.bigram.distinct) == (2, 2)
    regards = store.next_counts(["Kind", "regards"])
    assert dict(regards.trigram.counts) == {",": 2}
    comma = store.next_counts(["regards", ","])
    assert dict(comma.trigram.counts) == {"John": 1, "Mary": 1}
    assert list(comma.trigram.counts) == ["John", "Mary"]  # equal counts: in token order


def test_next_counts_back_off_when_the_trigram_is_unknown(store: PersonalStore) -> None:
    store.learn(learnable(TEXT))
    counts = store.next_counts(["never", "Let"])
    assert counts.trigram.counts == {} and counts.trigram.total == 0
    assert dict(counts.bigram.counts) == {"me": 2}
    assert counts.evidence == 2
    nothing = store.next_counts([])
    assert nothing.bigram.counts == {} and nothing.trigram.counts == {}


def test_next_counts_at_a_paragraphs_start(store: PersonalStore) -> None:
    store.learn(learnable(TEXT))
    for history in ([S], [S, S]):
        counts = store.next_counts(history)
        assert dict(counts.bigram.counts) == {"Kind": 2, "Let": 1}
        assert counts.trigram.counts == counts.bigram.counts
        assert counts.trigram.history == (S, S)
    assert dict(store.next_counts([S, "Kind"]).trigram.counts) == {"regards": 2}


def test_next_counts_limit_and_also(store: PersonalStore) -> None:
    store.learn([["go", token] for token in "abcdefghij" for _ in range(ord("k") - ord(token))])
    counts = store.next_counts(["go"], limit=3, also=["j", "i", "zzz"])
    assert list(counts.bigram.counts)[:3] == ["a", "b", "c"]
    assert dict(counts.bigram.counts) == {"a": 10, "b": 9, "c": 8, "i": 2, "j": 1}
    assert (counts.bigram.total, counts.bigram.distinct) == (55, 10)


def test_learn_after_counts_only_what_reaches_the_new_tokens(store: PersonalStore) -> None:
    store.learn([[S, "Kind"]])
    store.learn_after([S, "Kind"], ["regards"])
    store.learn_after(["Kind", "regards"], [","])
    assert store.word_counts(["Kind", "regards"]) == {"Kind": 1, "regards": 1}
    assert ngram_rows(store.path) == {
        (S, "Kind"): (2, 1),
        ("Kind", "regards"): (2, 1),
        (S, "Kind", "regards"): (3, 1),
        ("regards", ","): (2, 1),
        ("Kind", "regards", ","): (3, 1),
    }
    assert store.learn_after(["a"], []) == 0


def test_tokens_that_cannot_be_stored_are_refused(store: PersonalStore) -> None:
    for run in (["a\x1fb"], [""], ["a", S]):
        with pytest.raises(ValueError):
            store.learn([run])
    assert store.stats().entries == 0


def test_penalise_lowers_the_phrase_more_than_the_word(store: PersonalStore) -> None:
    store.learn(learnable("\n".join(["Kind regards"] * 3 + ["warm regards"])))
    store.penalise([S, "Kind"], "regards")
    assert dict(store.next_counts([S, "Kind"]).trigram.counts) == {"regards": 1}
    assert dict(store.next_counts(["Kind"]).bigram.counts) == {"regards": 1}
    assert dict(store.next_counts(["warm"]).bigram.counts) == {"regards": 1}
    assert store.word_counts(["regards"]) == {"regards": 3}
    store.penalise([S, "Kind"], "regards")  # below zero: removed, never negative
    assert store.next_counts([S, "Kind"]).trigram.total == 0
    assert store.next_counts(["Kind"]).bigram.counts == {}
    assert store.word_counts(["regards"]) == {"regards": 2}
    store.penalise(["warm"], "regards")
    store.penalise([], "regards")
    assert store.word_counts(["regards"]) == {"regards": 0}
    assert store.completions("reg") == []
    check_consistent(store.path)


def test_entries_for_people(store: PersonalStore) -> None:
    store.learn(learnable("Kind regards, John.\nKind regards"), now=1000.0)
    store.learn(learnable("John"), now=2000.0)
    entries = store.entries(limit=3)
    assert [(e.kind, e.text, e.count) for e in entries] == [
        ("word", "John", 2),
        ("phrase", "¶ Kind", 2),
        ("phrase", "¶ Kind regards", 2),
    ]
    assert entries[0].last_used == 2000.0
    found = store.entries(search="REGARDS,")
    assert [e.text for e in found] == ["Kind regards,", "regards,", "regards, John"]
    assert found[0] == Entry("phrase", ("Kind", "regards", ","), 1, 1000.0)
    assert store.entries(search="nothing like it") == []


@pytest.mark.parametrize(
    ("learned", "search"),
    [
        ("İstanbul", "istanbul"),
        ("résumé", "RESUME"),
        ("re\u0301sume\u0301", "résumé"),
        ("Straße", "strasse"),
    ],
)
def test_search_ignores_case_and_accents(store: PersonalStore, learned: str, search: str) -> None:
    store.learn(learnable(f"{learned} again"))
    found = {e.text for e in store.entries(search=search)}
    assert found == {learned, f"¶ {learned}", f"{learned} again", f"¶ {learned} again"}


MIXED_TEXT = (
    "Kind regards, John. Straße und Café, the ﬁle naïve résumé İstanbul.\n"
    "Let me know: 東京 is fine 🙂 ok? O'Brien's e-mail, x_y and 2nd place!\n"
    "Résumé sent; Ænima ﬂoor, the END."
)


def test_a_search_finds_exactly_what_folding_every_entry_finds(store: PersonalStore) -> None:
    """The search's shortcut in SQL (only entries that may match are folded in Python) finds
    what folding every entry's text would: each piece of every entry's text, in any case."""
    store.learn(learnable(MIXED_TEXT))
    everything = store.entries(limit=100_000)
    pieces = {
        e.text[i : i + n] for e in everything for n in (1, 2, 3, 5) for i in range(len(e.text))
    }
    searches = sorted(pieces | {p.upper() for p in pieces} | {"RESUME", "strasse", "fi", "zzz"})
    for search in searches:
        wanted = [e for e in everything if search_form(search) in search_form(e.text)]
        assert store.entries(search=search, limit=100_000) == wanted, search


def test_forget_a_word_and_every_phrase_holding_it(store: PersonalStore) -> None:
    store.learn(learnable(TEXT))
    removed = store.forget(["KNOW"])
    assert removed == 1 + 7  # the word, and: me know, Let me know, know if, me know if,
    # know if it, know ., me know .
    assert store.completions("know") == []
    assert all("know" not in entry.tokens for entry in store.entries())
    assert dict(store.next_counts(["Let"]).bigram.counts) == {"me": 2}
    check_consistent(store.path)


def test_forget_a_phrase_and_the_longer_ones_holding_it(store: PersonalStore) -> None:
    store.learn(learnable(TEXT))
    assert store.forget(["kind regards"]) == 3  # kind regards, ¶ kind regards, kind regards ,
    texts = [entry.text for entry in store.entries()]
    assert "Kind" in texts and "regards" in texts and "¶ Kind" in texts
    assert not [text for text in texts if "Kind regards" in text]
    assert store.forget(["¶ Let"]) == 2  # ¶ Let and ¶ Let me, not "Let me" mid-paragraph
    assert dict(store.next_counts(["Let"]).bigram.counts) == {"me": 2}
    assert store.forget(["nothing", "", "¶"]) == 0
    check_consistent(store.path)


def test_forgotten_words_leave_no_trace_in_the_files(store: PersonalStore) -> None:
    store.learn(learnable("Call Quetzalcoatl later.\nQuetzalcoatl said hi"))
    store.learn(learnable("later again"))
    store.forget(["quetzalcoatl"])
    files = [path for path in store.path.parent.iterdir() if path.name.startswith("personal")]
    left = b"".join(path.read_bytes() for path in files)
    assert b"Quetzalcoatl" not in left and b"later" in left


def test_clear_forgets_everything_and_leaves_no_trace(store: PersonalStore) -> None:
    names = [f"zanzibar{a}{b}{c}" for a in "abcdefgh" for b in "abcdefgh" for c in "abcdefgh"]
    store.learn(learnable(" ".join(names)))
    store.clear()
    assert store.stats().entries == 0 and store.entries() == []
    files = [path for path in store.path.parent.iterdir() if path.name.startswith("personal")]
    assert b"zanzibar" not in b"".join(path.read_bytes() for path in files)
    store.close()
    with PersonalStore.open(store.path) as again:
        assert again.stats().entries == 0
        again.learn([["fresh"]])
        assert again.completions("f") == [("fresh", 1)]


def test_a_closed_store_says_so(store: PersonalStore) -> None:
    from keyboard_app.personal import PersonalStoreError

    store.close()
    with pytest.raises(PersonalStoreError, match="personal store"):
        store.completions("a")


def test_unlearning_takes_back_exactly_what_learning_counted(store: PersonalStore) -> None:
    store.learn(learnable("Kind regards to Ann"))
    before = {(e.text, e.count) for e in store.entries(limit=100)}
    learned = [([S, "Kind"], ["regards"]), (["regards", "to"], ["Zorblax", ","])]
    store.learn_each_after(learned)
    store.unlearn_each_after(learned)
    assert {(e.text, e.count) for e in store.entries(limit=100)} == before
    assert store.word_counts(["Zorblax"]) == {"Zorblax": 0}
    check_consistent(store.path)
