"""`bench ksr --personal-split`: stores learned per author, and the most any store could gain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyboard_app.bench.ksr import Typist, learning_groups, run_typist
from keyboard_app.bench.personal_ksr import recurring_words_ceiling, typed_texts
from keyboard_app.cli import main
from keyboard_app.engine.lexicon import Lexicon

ENGLISH = Lexicon({"the": 900, "then": 300, "left": 200, "town": 100, "met": 50})


def never(_text: str) -> list[str]:
    return []


def test_the_ceiling_counts_the_uncommon_words_the_author_wrote_before() -> None:
    groups = learning_groups([["Zorblatt met the Quibbix.", "Then zorblatt left the town."]], 0.5)
    typist = run_typist(Typist(never), typed_texts(groups), max_words=100)
    # "zorblatt" was learned (any case) and is not English's: all but one of its 8 keystrokes.
    # "the" was learned too but is common; "Then", "left", "town" were not learned.
    assert recurring_words_ceiling(groups, typist, ENGLISH) == round(7 / 28, 4)
    # Taken after its first letter instead: two keystrokes, six saved.
    assert recurring_words_ceiling(groups, typist, ENGLISH, letters=1) == round(6 / 28, 4)


def test_the_ceiling_counts_what_the_typist_typed_within_its_budget() -> None:
    groups = learning_groups([["Zorblatt met Quibbix.", "Then Quibbix met Zorblatt."]], 0.5)
    typist = run_typist(Typist(never), typed_texts(groups), max_words=2)
    assert typist.score.characters == len("Then Quibbix")
    assert recurring_words_ceiling(groups, typist, ENGLISH) == round(6 / 12, 4)


def test_a_store_learns_each_authors_first_half_and_types_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    heldout = tmp_path / "heldout.txt"
    name = "Vandersloot"
    heldout.write_text(
        f"Yesterday {name} wrote to the council about the new bridge.\n"
        f"The council thanked {name} for the letter.\n"
        f"Today {name} came back to the council.\n"
        f"Everyone listened to {name} again.\n",
        "utf-8",
    )
    training = tmp_path / "train.txt"
    training.write_text("The council met today.\n", "utf-8")
    argv = ["bench", "ksr", str(heldout), "--train-text", str(training), "--words", "all"]
    assert main([*argv, "--personal-split", "0.5", "--learn-online", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    personal, without = report["personal"], report["keyboards"]["model"]
    assert personal["groups"] == 1
    assert personal["learned_words"] > 0
    # The last two paragraphs typed, with and without the store.
    typed = len(f"Today {name} came back to the council.Everyone listened to {name} again.")
    assert without["characters"] == personal["model_with_personal"]["characters"] == typed
    # The name the store learned costs fewer keystrokes than the model can spell it in.
    assert personal["model_with_personal"]["keystrokes"] < without["keystrokes"]
    assert personal["ksr_gain"] > 0
    assert 0 < personal["recurring_words_ceiling"] <= 2 * len(name) / typed
    after_one_letter = personal["recurring_words_after_one_letter"]
    assert 0 < after_one_letter < personal["recurring_words_ceiling"]
    assert "model_with_personal_learning_online" in personal


def test_a_store_learning_online_completes_a_name_typed_in_an_earlier_text() -> None:
    """Each sentence is a text of its own (no paragraph above to complete the name from): only
    the store that learns each typed paragraph knows the name by the second sentence."""
    from keyboard_app.bench.personal_ksr import with_personal

    sentences = [
        "The council met today.",
        "I met Vandersloot yesterday.",
        "Vandersloot said hello.",
    ]
    groups = learning_groups([[s] for s in [*sentences, "Then Vandersloot came back."]], 0.25)
    assert groups[0][0] == ["The council met today."]
    report = with_personal(None, None, groups, max_words=100, online=True)
    offline, online = report["model_with_personal"], report["model_with_personal_learning_online"]
    assert offline["characters"] == online["characters"]
    assert online["keystrokes"] < offline["keystrokes"] - len("Vandersloot")


def test_the_ceiling_leaves_out_the_thousand_commonest_words_only() -> None:
    # "zorblatt" is the 1,000th commonest word, "quibbix" the 1,001st.
    counts = {f"filler{i}": 10_000 - i for i in range(998)}
    english = Lexicon({**counts, "met": 10_000, "zorblatt": 50, "quibbix": 40})
    groups = learning_groups([["Zorblatt met Quibbix.", "Quibbix met Zorblatt."]], 0.5)
    typist = run_typist(Typist(never), typed_texts(groups), max_words=100)
    # Only "Quibbix" counts: 7 keystrokes, one needed.
    assert recurring_words_ceiling(groups, typist, english) == round(
        6 / len("Quibbix met Zorblatt."), 4
    )
