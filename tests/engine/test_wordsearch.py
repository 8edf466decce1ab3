"""The word search's promises that docs/engine.md states in numbers: one candidate decoded a
keystroke, and no score that is not a number in the strip."""

import math

import pytest

from keyboard_app.engine import Predictor
from keyboard_app.engine.wordsearch import rank
from tests.engine.test_suggest import DEFAULT, SPEC


def test_a_keystroke_decodes_one_candidate_after_a_space_as_while_a_word_is_typed(bigram_model):
    """docs/engine.md, "Best-first search with a budget": one candidate a keystroke, after a
    space as while a word is typed (two after a space cost the slowest keystroke)."""
    model = bigram_model(SPEC, DEFAULT)
    for text in ("Thank you for your hel", "Thank you for your "):
        with Predictor.load(model, use_dictionary=False) as predictor:
            predictor.suggest(text)  # the context is evaluated, and a first candidate
            decoded = []
            while not decoded or decoded[-1] > 0:
                before = predictor.stats().tokens_decoded
                predictor.suggest(text)
                decoded.append(predictor.stats().tokens_decoded - before)
                assert len(decoded) < 20
            assert max(decoded) == 1, (text, decoded)


def test_a_score_that_is_not_a_number_is_never_ranked():
    scores = {"help": 0.3, "hello": math.nan, "held": 0.1, "helium": math.inf}
    assert rank(scores, "hel", 5) == [("help", 0.3), ("held", 0.1)]
    assert rank({**scores, "hel": math.nan}, "hel", 5) == [("help", 0.3), ("held", 0.1)]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("I went to the S", "San"),  # a capital after small letters: a name's
        ("We sang Over The S", "Same"),  # after a capital: a title's or a name's next word
        ("It was late. S", "Same"),  # a sentence's start
        ("Shopping list:\n- S", "Same"),  # a line's first word (a list's item)
        ("I went to the s", "same"),  # no capital typed
    ],
)
def test_a_capital_typed_mid_sentence_starts_a_name(bigram_model, text, first):
    """`the S` offered Same, Series, Song (the model's words in small letters given the typed
    capital) before San: a capital typed where no sentence starts, after a word in small
    letters, demotes the pieces in small letters (`SMALL_AFTER_CAPITAL`)."""
    after = {" same": 6.0, " San": 4.0, " Series": 2.0, " Same": 1.0}
    spec = {" the": after, " The": after, ".": after, "-": after}
    with Predictor.load(bigram_model(spec), use_dictionary=False) as predictor:
        assert predictor.suggest(text, 1, exact=True)[0].word == first
