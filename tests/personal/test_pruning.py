"""The caps on entries and bytes, and which entries go first."""

from __future__ import annotations

import itertools
import string
from pathlib import Path

import pytest

from keyboard_app.personal import PersonalStore
from keyboard_app.personal.pruning import score
from tests.personal.helpers import check_consistent

DAY = 86_400.0
NOW = 1_800_000_000.0


def names(n: int, start: str = "w") -> list[str]:
    return [
        start + "".join(p)
        for p in itertools.islice(itertools.product(string.ascii_lowercase, repeat=4), n)
    ]


def test_the_score_halves_every_ninety_days() -> None:
    assert score(8, NOW - 360 * DAY, NOW) == pytest.approx(0.5)
    assert score(3, NOW - 90 * DAY, NOW) == pytest.approx(1.5)
    assert score(2, NOW, NOW) == 2.0
    assert score(2, NOW + DAY, NOW) == 2.0  # a clock that went back: no bonus


def test_past_the_entry_cap_the_lowest_scores_go_down_to_ninety_percent(tmp_path: Path) -> None:
    with PersonalStore.open(tmp_path / "p.sqlite3", max_entries=50) as store:
        store.learn([["ancient"]] * 8, now=NOW - 360 * DAY)  # score 0.5
        store.learn([["common"]] * 3, now=NOW - 360 * DAY)  # score 0.1875
        fillers = names(47)
        store.learn([[word] for word in fillers], now=NOW - 30 * DAY)  # score 0.79 each
        assert store.stats().entries == 49
        store.learn([["fresh"], ["newer"]], now=NOW)  # score 1: now 51 entries, over the cap
        assert store.stats().entries == 45
        kept = {entry.text for entry in store.entries()}
        assert {"fresh", "newer"} <= kept
        assert "ancient" not in kept and "common" not in kept
        assert len(kept & set(fillers)) == 43
    check_consistent(tmp_path / "p.sqlite3")


def test_a_frequent_recent_word_survives_many_prunings(tmp_path: Path) -> None:
    with PersonalStore.open(tmp_path / "p.sqlite3", max_entries=200) as store:
        for day, batch in enumerate(_chunks(names(2000), 50)):
            store.learn([["Ljubljana"], *[[word] for word in batch]], now=NOW + day * DAY)
            assert store.stats().entries <= 200
        assert store.completions("lj") == [("Ljubljana", 40)]
    check_consistent(tmp_path / "p.sqlite3")


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def test_past_the_byte_cap_entries_are_pruned_too(tmp_path: Path) -> None:
    cap = 400 * 1024
    with PersonalStore.open(tmp_path / "p.sqlite3", max_bytes=cap) as store:
        words = names(12_000)
        for i, batch in enumerate(_chunks(words, 500)):
            store.learn([[word] for word in batch], now=NOW + i)
            assert store.stats().bytes <= cap
        stats = store.stats()
        assert 0 < stats.entries < len(words)
        assert store.completions(words[-1]) == [(words[-1], 1)]  # the newest stay
        assert store.completions(words[0]) == []  # the oldest went first
    check_consistent(tmp_path / "p.sqlite3")


def test_one_large_learn_past_the_byte_cap_is_pruned_under_it_at_once(tmp_path: Path) -> None:
    """One learn far past the cap (a pasted book, an import): pruned in proportion to the bytes an
    entry takes, so that the store is under the cap at once, not a tenth smaller each time."""
    cap = 400 * 1024
    words = names(12_000)
    with PersonalStore.open(tmp_path / "p.sqlite3", max_bytes=cap) as store:
        store.learn([[word] for word in words], now=NOW)
        stats = store.stats()
        assert stats.bytes <= cap
        assert 0 < stats.entries < len(words)
    check_consistent(tmp_path / "p.sqlite3")


def test_among_equal_scores_the_oldest_go_first(tmp_path: Path) -> None:
    with PersonalStore.open(tmp_path / "p.sqlite3", max_entries=10) as store:
        store.learn([["eldest"]] * 4, now=NOW - 180 * DAY)  # 4 halved twice: score 1
        store.learn([["middle"]] * 2, now=NOW - 90 * DAY)  # 2 halved once: score 1
        store.learn([[word] for word in names(8)] * 2, now=NOW)  # score 2 each
        assert store.stats().entries == 10
        store.learn([["newest"]], now=NOW)  # score 1: 11 entries, so 2 of the 3 scoring 1 go
        kept = {entry.text for entry in store.entries()}
        assert len(kept) == 9
        assert "newest" in kept
        assert "eldest" not in kept and "middle" not in kept
    check_consistent(tmp_path / "p.sqlite3")
