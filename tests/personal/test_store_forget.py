"""Forgetting many entries at once, and text of another Unicode form; reads that do not wait
for a long write."""

from __future__ import annotations

import threading
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from keyboard_app.personal import PersonalStore, learnable
from tests.personal.helpers import check_consistent


@pytest.fixture
def store(tmp_path: Path) -> Iterator[PersonalStore]:
    with PersonalStore.open(tmp_path / "personal.sqlite3") as opened:
        yield opened


def names(n: int) -> list[str]:
    letters = "bcdfghjklmnpqrstvwz"
    return [f"{a}{b}{c}ola" for a in letters for b in letters for c in letters][:n]


def test_forget_the_composed_spelling_forgets_the_decomposed_one(store: PersonalStore) -> None:
    decomposed = unicodedata.normalize("NFD", "Treffen in München")
    store.learn(learnable(decomposed))  # as an older version learned a macOS file
    store.learn(learnable("Wir fahren nach München morgen"))
    assert store.forget(["München"]) > 0
    assert store.entries("munchen") == []
    assert store.word_counts(["Treffen", "Wir"]) == {"Treffen": 1, "Wir": 1}
    check_consistent(store.path)


def test_forget_a_decomposed_phrase(store: PersonalStore) -> None:
    store.learn(learnable("Treffen in München"))
    store.forget([unicodedata.normalize("NFD", "in München")])
    assert [e.text for e in store.entries("munchen")] == ["München"]


def test_forgetting_thousands_of_rows_takes_moments(store: PersonalStore) -> None:
    words = names(4000)
    store.learn(learnable(" ".join(words)))  # 4,000 words and about 8,000 phrases
    chosen = [e.text for e in store.entries(limit=2000)]
    started = time.perf_counter()
    removed = store.forget(chosen)
    took = time.perf_counter() - started
    assert removed >= 2000
    assert all(e.text not in chosen for e in store.entries(limit=20_000))
    assert took < 5.0, f"forgetting 2,000 rows took {took:.1f} s"
    check_consistent(store.path)


def test_reads_do_not_wait_for_a_long_write(
    store: PersonalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read while a learning transaction is open, its changes written but not committed,
    answers at once with what was committed: shown by what happens (the read ends while the
    write is held), not by timing reads against a write, which a loaded machine upsets."""
    store.learn(learnable("ljubljana is lovely"))
    written, release = threading.Event(), threading.Event()
    keep_within_caps = store._keep_within_caps

    def hold_the_transaction(*args: Any) -> None:
        keep_within_caps(*args)
        written.set()
        release.wait(timeout=60)

    monkeypatch.setattr(store, "_keep_within_caps", hold_the_transaction)
    writing = threading.Thread(target=lambda: store.learn(learnable("ljubljana, ljubljana")))
    writing.start()
    try:
        assert written.wait(timeout=60)
        answers: list[list[tuple[str, int]]] = []
        reading = threading.Thread(target=lambda: answers.append(store.completions("ljub")))
        reading.start()
        reading.join(timeout=30)
        assert not reading.is_alive(), "the read waited for the write"
        assert answers == [[("ljubljana", 1)]]  # the committed count, not the one being written
    finally:
        release.set()
        writing.join()
    assert store.completions("ljub") == [("ljubljana", 3)]
