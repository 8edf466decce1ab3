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
