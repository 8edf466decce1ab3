"""The noisy typist of `bench typos`: its slips are real one-slip typos of the error model's kinds,
never hidden at the word's end, and it counts recall, autocorrections and keystrokes on the real
engine."""

import random

import pytest

from keyboard_app.bench.typos import SLIPS, _slip, misspell, run_typos
from keyboard_app.corrector.slips import are_neighbours, slip_probability
from keyboard_app.engine import Predictor

WORDS = ["the", "letter", "receive", "because", "committee", "orchestra", "summer", "Friday"]


def test_every_typo_is_one_slip_of_the_error_model_before_the_last_letter():
    rng = random.Random(1)
    for word in WORDS * 25:
        typo = misspell(word, rng)
        assert typo is not None and typo.isalpha() and typo.lower() != word.lower()
        assert slip_probability(typo, word) > 0.0  # within the corrector's error model
        assert typo[: len(word)] != word  # not the word with something added at its end


@pytest.mark.parametrize("kind", SLIPS)
def test_each_kind_of_slip(kind):
    rng = random.Random(0)
    typo = _slip("summer", kind, 1, rng)
    expected = {
        "swap": "smumer",
        "double": "suummer",
        "undouble": "sumer",
        "drop": "smmer",
    }
    if kind in expected:
        assert typo == expected[kind]
    elif kind == "neighbour":
        assert typo is not None and typo[0] + typo[2:] == "smmer" and are_neighbours("u", typo[1])
    else:  # an extra neighbouring key before the letter
        assert typo is not None and typo[0] + typo[2:] == "summer" and are_neighbours("u", typo[1])


THE = {" have": {" the": 9.0, " ten": 2.0}}


@pytest.fixture
def predictor(bigram_model):
    with Predictor.load(bigram_model(THE, {".": 5.0})) as loaded:
        loaded.wait_for_corrections()
        yield loaded


def _suggest(predictor):
    return lambda text: [s.word for s in predictor.suggest(text)]


def test_a_clean_typist_makes_no_slips_and_no_known_word_is_corrected(predictor):
    texts = [["I have the time."]]
    score = run_typos(_suggest(predictor), predictor.autocorrection, texts, 10, 0.0, 0)
    assert score.misspelt == 0 and score.false_corrections == 0
    assert score.clean_words == 4  # I, have, the, time: each checked as typed out
    assert score.characters == len("I have the time.")
    assert 0 < score.keystrokes <= score.characters


def test_a_noisy_typist_misspells_every_word_of_three_letters_or_more(predictor):
    texts = [["I have the time."]]
    score = run_typos(_suggest(predictor), predictor.autocorrection, texts, 10, 1.0, 0)
    assert score.misspelt == 3 and score.clean_words == 1  # only "I" typed right
    assert score.recall1 <= score.recall3 <= score.misspelt
    assert score.autocorrected_right <= score.autocorrected <= score.misspelt
    as_dict = score.as_dict()
    assert as_dict["recall_at_3"] == round(score.recall3 / 3, 4)


# The slip seed 0 makes of "garden" (the first wrong letter the third): every keystroke below is
# counted by hand from it.
GARDEN_TYPO = "gatden"


def _garden(strip_for_typo, autocorrection=None):
    """The noisy typist types "garden" (always misspelt); the strip offers `strip_for_typo` once
    the typo is typed out and "garden" once "gard" is typed; a space makes `autocorrection`."""
    assert misspell("garden", random.Random(0)) == GARDEN_TYPO

    def suggest(text):
        return {GARDEN_TYPO: strip_for_typo, "gard": ["garden"]}.get(text, [])

    def autocorrect(text):
        return autocorrection if text == GARDEN_TYPO else None

    return run_typos(suggest, autocorrect, [["garden"]], 10, 1.0, 0)


def test_a_misspelling_neither_offered_nor_corrected_is_mended_from_its_first_wrong_letter():
    score = _garden([])
    # "gatden" typed (6), Backspace to "ga" (4), "r", "d", then "garden" taken from the strip.
    assert score.keystrokes == 6 + 4 + 3
    assert score.characters == len("garden")
    assert (score.misspelt, score.recall1, score.recall3, score.autocorrected) == (1, 0, 0, 0)


def test_a_wrong_autocorrection_costs_a_backspace_before_the_mending():
    score = _garden([], autocorrection="golden")
    assert score.keystrokes == 6 + 1 + 4 + 3
    assert (score.autocorrected, score.autocorrected_right) == (1, 0)
    assert score.as_dict()["autocorrect_precision"] == 0.0


def test_the_intended_word_third_on_the_strip_is_taken_and_a_fourth_is_not_recalled():
    third = _garden(["gated", "gadden", "garden"])
    assert third.keystrokes == 6 + 1  # the typo, then the strip's third word
    assert (third.recall1, third.recall3) == (0, 1)
    fourth = _garden(["gated", "gadden", "godden", "garden"])
    assert fourth.keystrokes == 6 + 4 + 3  # mended as if not offered
    assert (fourth.recall1, fourth.recall3) == (0, 0)


def test_a_correct_word_wrongly_autocorrected_costs_a_backspace_and_counts_as_false():
    corrections = {"we": "we", "we go": "to", "we go don't": "dont"}
    score = run_typos(lambda _text: [], corrections.get, [["we go don't"]], 10, 0.0, 0)
    # "we" corrected to itself: nothing replaced. "go" made "to": a Backspace undoes it. "don't"
    # is not a word of letters alone: never counted among the correct words checked.
    assert score.keystrokes == 2 + 1 + (2 + 1) + 1 + 5
    assert (score.clean_words, score.false_corrections) == (2, 1)


def test_the_noisy_typist_stops_at_its_word_budget():
    score = run_typos(lambda _text: [], lambda _text: None, [["one two three"]], 2, 0.0, 0)
    assert score.characters == score.keystrokes == len("one two")


def test_the_command_compares_the_noisy_typist_with_and_without_the_corrector_and_a_clean_one(
    tmp_path, capsys
):
    import json

    from keyboard_app.cli import main

    heldout = tmp_path / "heldout.txt"
    heldout.write_text(
        "I would like to receive the letter because the committee met yesterday.\n", "utf-8"
    )
    assert main(["bench", "typos", str(heldout), "--words", "20", "--rate", "1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["words"], report["rate"], report["seed"]) == (20, 1.0, 0)
    noisy, clean = report["with_corrector"], report["clean_typist"]
    without = report["without_corrector"]
    # Every word of three letters or more misspelt, by the same slips with the corrector and
    # without; the clean typist makes none.
    assert noisy["misspelt_words"] == without["misspelt_words"] == 10
    assert clean["misspelt_words"] == 0 and clean["autocorrections"] == 0
    assert noisy["autocorrections"] > 0 and noisy["recall_at_3"] > 0
    assert without["autocorrections"] == 0 and without["recall_at_3"] == 0
    assert noisy["characters"] == without["characters"] == clean["characters"]
    assert clean["ksr"] > noisy["ksr"] > without["ksr"]
    assert report["ksr_points_below_clean"] == {
        "with_corrector": round(100 * (clean["ksr"] - noisy["ksr"]), 2),
        "without_corrector": round(100 * (clean["ksr"] - without["ksr"]), 2),
    }
