"""Inline predictions on models whose probabilities are set through their weights."""

import pytest

from keyboard_app.engine import Predictor
from keyboard_app.engine.inline import DECODES_PER_CALL
from keyboard_app.engine.sampling import SamplingParams
from tests.model_factory import CONFIDENT_SPAN


def _settled(predictor: Predictor, text: str, threshold: float = 0.5) -> str:
    """The prediction once the cached path is as long as it gets (each call adds a few decodes)."""
    predictor.suggest(text)
    previous = None
    for _ in range(10):
        span = predictor.inline_prediction(text, threshold)
        if span == previous:
            return span
        previous = span
    return span


def test_the_confident_span_is_shown_up_to_where_the_model_is_no_longer_sure(bigram_model):
    with Predictor.load(bigram_model(CONFIDENT_SPAN), use_dictionary=False) as predictor:
        assert _settled(predictor, "Thank you for your hel") == "p with the report"
        assert _settled(predictor, "Thank you for your ") == "help with the report"


def test_each_call_decodes_a_bounded_number_of_pieces_and_the_next_keystroke_reuses_them(
    bigram_model,
):
    with Predictor.load(bigram_model(CONFIDENT_SPAN), use_dictionary=False) as predictor:
        predictor.suggest("Thank you for your he")
        spans = []
        for _ in range(4):
            before = predictor.stats().tokens_decoded
            spans.append(predictor.inline_prediction("Thank you for your he"))
            assert predictor.stats().tokens_decoded - before <= DECODES_PER_CALL
        assert spans[-1] == "lp with the report"
        assert len(spans[0]) < len(spans[-1])  # it grew call by call
        predictor.suggest("Thank you for your hel")  # the next letter: same word, same context
        before = predictor.stats().tokens_decoded
        assert predictor.inline_prediction("Thank you for your hel") == "p with the report"
        assert predictor.stats().tokens_decoded == before


def test_a_span_never_ends_inside_a_word(bigram_model):
    spec = {
        " your": {" help": 9.0},
        " help": {" with": 9.0},
        " with": {"out": 9.0},  # " with" + "out": the word is "without"
        "out": {" delay": 9.0},
        " delay": {".": 9.0},
    }
    with Predictor.load(bigram_model(spec), use_dictionary=False) as predictor:
        assert _settled(predictor, "Thank you for your hel") == "p without delay"


def test_nothing_shows_when_the_model_is_unsure(bigram_model):
    spec = {" your": {" help": 5.0, " hello": 5.0, " held": 5.0}, " help": {" with": 9.0}}
    with Predictor.load(bigram_model(spec), use_dictionary=False) as predictor:
        assert _settled(predictor, "Thank you for your he") == ""


def test_the_threshold_bounds_the_probability_of_the_whole_span(bigram_model):
    # P(" with" | " help") = e^5 / (e^5 + e^4.6 + the rest at e^-10) = 0.598
    spec = {**CONFIDENT_SPAN, " help": {" with": 5.0, " for": 4.6}}
    with Predictor.load(bigram_model(spec), use_dictionary=False) as predictor:
        assert _settled(predictor, "Thank you for your hel", 0.5) == "p with the report"
        assert _settled(predictor, "Thank you for your hel", 0.65) == ""  # not even one more word


def test_the_rest_of_the_current_word_alone_is_not_shown(bigram_model):
    """It would be the strip's first word again: Tab or a click already takes it."""
    spec = {" your": {" help": 9.0}, " help": {".": 9.0}}
    with Predictor.load(bigram_model(spec), use_dictionary=False) as predictor:
        assert _settled(predictor, "Thank you for your hel") == ""


@pytest.mark.parametrize("filtered, expected", [(True, ""), (False, "p shit")])
def test_the_offensive_word_filter_applies(bigram_model, filtered, expected):
    spec = {" your": {" help": 9.0}, " help": {" shit": 9.0}, " shit": {".": 9.0}}
    with Predictor.load(bigram_model(spec), use_dictionary=False) as predictor:
        predictor.filter_offensive = filtered
        assert _settled(predictor, "Thank you for your hel") == expected


def test_after_punctuation_without_a_space_nothing_is_shown(bigram_model):
    spec = {",": {" help": 9.0}, " help": {" with": 9.0}, " with": {" the": 9.0}}
    with Predictor.load(bigram_model(spec), use_dictionary=False) as predictor:
        assert _settled(predictor, "Thank you,") == ""
        assert _settled(predictor, "Thank you, ") == "help with the"


def test_the_typed_prefix_is_kept_as_typed(bigram_model):
    spec = {" your": {" Help": 9.0}, " Help": {" with": 9.0}, " with": {" the": 9.0}}
    with Predictor.load(bigram_model(spec), use_dictionary=False) as predictor:
        span = _settled(predictor, "Thank you for your He")
        assert span.startswith("lp with")  # "Help": the letters typed stay as they are
        span = _settled(predictor, "Thank you for your HE")
        assert span.startswith("LP WITH")  # typed in capitals: the words follow in capitals


def test_in_a_text_typed_in_capitals_one_capital_typed_goes_on_in_capitals(bigram_model):
    spec = {" YOUR": {" help": 9.0}, " help": {" with": 9.0}, " with": {" the": 9.0}}
    with Predictor.load(bigram_model(spec), use_dictionary=False) as predictor:
        assert _settled(predictor, "THANK YOU FOR YOUR H").startswith("ELP WITH")
        assert _settled(predictor, "THANK YOU FOR YOUR ").startswith("HELP WITH")


def test_the_words_after_the_one_typed_keep_their_own_case(bigram_model):
    spec = {"You": {" and": 9.0}, " and": {" I": 9.0}}  # nothing sure after " I"
    with Predictor.load(bigram_model(spec), use_dictionary=False) as predictor:
        assert _settled(predictor, "You an") == "d I"
        assert _settled(predictor, "You and") == " I"  # not " i", after small letters


def test_a_form_of_an_offensive_word_is_never_shown(bigram_model):
    spec = {
        " a": {" lot": 9.0},
        " lot": {" of": 9.0},
        " of": {" shit": 9.0},
        " shit": {"load": 9.0},
    }
    with Predictor.load(bigram_model(spec), use_dictionary=False) as predictor:
        assert "shitload" not in _settled(predictor, "It was a l")
        predictor.filter_offensive = False
        assert _settled(predictor, "It was a l").startswith("ot of shitload")


@pytest.mark.parametrize("threshold", [0.0, -0.5, float("nan"), 1.5])
def test_a_threshold_outside_zero_to_one_shows_nothing(bigram_model, threshold):
    """Not every span: 0, a negative number or NaN would otherwise let any guess through."""
    with Predictor.load(bigram_model(CONFIDENT_SPAN), use_dictionary=False) as predictor:
        assert _settled(predictor, "Thank you for your hel") == "p with the report"
        assert _settled(predictor, "Thank you for your hel", threshold) == ""


@pytest.mark.parametrize(
    "meanwhile",
    [
        lambda p: p.explore("A much longer text about something else entirely, and more", 3),
        lambda p: p.next_token_probabilities("Some other words"),
        lambda p: "".join(p.continue_text("Other", SamplingParams(max_tokens=4, seed=1))),
    ],
)
def test_another_request_between_the_suggestion_and_the_prediction_changes_nothing(
    bigram_model, meanwhile
):
    """The explorer, a probability or a continuation move the model's context: the prediction
    was then decoded after the wrong text, or failed in llama.cpp."""
    with Predictor.load(bigram_model(CONFIDENT_SPAN), use_dictionary=False) as predictor:
        predictor.suggest("Thank you for your ")
        meanwhile(predictor)
        spans = [predictor.inline_prediction("Thank you for your ", 0.5) for _ in range(6)]
        assert spans[-1] == "help with the report"


def test_the_typed_letters_make_a_word_sure_that_the_model_did_not_expect(bigram_model):
    """The word's confidence is its share of all that spells the typed letters: the model
    expected " the" after " your", but once "hel" is typed " help" is all that is left."""
    spec = {**CONFIDENT_SPAN, " your": {" the": 9.0, " help": 3.0}}
    with Predictor.load(bigram_model(spec), use_dictionary=False) as predictor:
        assert _settled(predictor, "Thank you for your ") == "the report"
        assert _settled(predictor, "Thank you for your hel") == "p with the report"


@pytest.mark.parametrize("letter", [" p", " i"])
def test_a_lone_letter_never_ends_a_span(bigram_model, letter):
    """A single letter is never offered as a word (but a, A and I): not in grey text either."""
    spec = {"You": {" and": 9.0}, " and": {letter: 9.0}, letter: {".": 9.0}}
    with Predictor.load(bigram_model(spec), use_dictionary=False) as predictor:
        assert _settled(predictor, "You an") == ""


def test_its_apostrophes_are_the_ones_the_text_uses(bigram_model):
    spec = {" I": {" don": 9.0}, " don": {"'t": 9.0}, "'t": {" know": 9.0}, " know": {" what": 9.0}}
    with Predictor.load(bigram_model(spec), use_dictionary=False) as predictor:
        for text, expected in (("It's", "don't know"), ("It\u2019s", "don\u2019t know")):
            predictor.suggest(f"{text} late and I ", exact=True)  # "don't" decoded whole
            assert _settled(predictor, f"{text} late and I ").startswith(expected)


def test_an_everyday_word_typed_in_capitals_goes_on_in_capitals(bigram_model):
    """Not an acronym's plural (WAs THE), as the strip writes it (WAS)."""
    spec = {" IT": {" was": 9.0}, " was": {" the": 9.0}, " the": {" best": 9.0}}
    with Predictor.load(bigram_model(spec)) as predictor:
        assert _settled(predictor, "SO IT WA", threshold=0.3).startswith("S THE")


def test_no_digit_is_guessed(bigram_model):
    """A number's rest and a number after the word are never sure (`between 9` showed `9 and`)."""
    spec = {
        " between": {" 9": 9.0},
        " 9": {"9": 9.0},
        "9": {" and": 9.0},
        " and": {" 10": 9.0},
        " from": {" the": 9.0},
        " the": {" 10": 9.0},
        " 10": {".": 9.0},
    }
    with Predictor.load(bigram_model(spec), use_dictionary=False) as predictor:
        assert _settled(predictor, "It is between 9") == ""
        assert _settled(predictor, "Open from ") == ""  # the, then 10: no span of two words
