"""Exploring the next token: the model's own probabilities, and after one trailing space the tokens
that start with a space, renormalised over them; offensive tokens left out with the filter on."""

import numpy as np
import pytest

from keyboard_app.engine import Predictor
from keyboard_app.engine.sampling import SamplingParams
from keyboard_app.engine.tokenizer import load_encoding
from keyboard_app.engine.window import heals_trailing_space
from keyboard_app.engine.wordfilter import is_offensive
from tests.model_factory import token_id

VOCABULARY = 50257
TEXT = "The museum opened its doors early on Saturday"
# After " your": most of the mass on offensive tokens, then "iced" (no space), then " help".
OFFENSIVE_SPEC = {
    " your": {" shit": 15.0, " fuck": 14.0, "shit": 13.0, "iced": 12.0, " help": 6.0},
}


def spaced_tokens() -> np.ndarray:
    """The tokens whose bytes are a space and then something other than a space (the test's own
    reading of GPT-2's vocabulary; the first piece of a character of several bytes counts)."""
    encoding = load_encoding()
    spaced = np.zeros(VOCABULARY, dtype=bool)
    for token in range(VOCABULARY - 1):  # not <|endoftext|>
        raw = encoding.decode_single_token_bytes(token)
        spaced[token] = len(raw) > 1 and raw[:1] == b" " and raw[1:2] != b" "
    return spaced


@pytest.mark.parametrize(
    ("text", "heals"),
    [
        ("your ", True),
        (" ", True),
        ("your\t ", True),
        ("your  ", False),
        ("your", False),
        ("", False),
        ("your\n", False),
        ("your\u00a0", False),
    ],
)
def test_only_one_trailing_space_is_healed(text, heals):
    assert heals_trailing_space(text) is heals


def test_after_one_trailing_space_the_spaced_tokens_share_all_the_probability(random_model):
    spaced = spaced_tokens()
    with Predictor.load(random_model) as predictor:
        predictor.filter_offensive = False
        raw = predictor.next_token_probabilities(TEXT)
        choices = predictor.explore(TEXT + " ", k=VOCABULARY)
        top = predictor.explore(TEXT + " ", k=10)
    assert all(choice.token.startswith(" ") for choice in choices)
    assert sorted(choice.token_id for choice in choices) == np.flatnonzero(spaced).tolist()
    total = raw[spaced].sum()
    assert 0 < total < 1
    for choice in choices[:200]:
        assert choice.probability == pytest.approx(raw[choice.token_id] / total, rel=1e-6)
    probabilities = [choice.probability for choice in choices]
    assert probabilities == sorted(probabilities, reverse=True)
    assert sum(probabilities) == pytest.approx(1.0)
    assert top == choices[:10]


@pytest.mark.parametrize("end", ["", "  ", "\n"])
def test_otherwise_the_probabilities_are_the_models_own(random_model, end):
    with Predictor.load(random_model) as predictor:
        predictor.filter_offensive = False
        raw = predictor.next_token_probabilities(TEXT + end)
        choices = predictor.explore(TEXT + end, k=10)
    assert [choice.token_id for choice in choices] == np.argsort(-raw, kind="stable")[:10].tolist()
    for choice in choices:
        assert choice.probability == pytest.approx(raw[choice.token_id], rel=1e-6)
    assert sum(choice.probability for choice in choices) < 1


def test_tokens_are_shown_as_text_and_a_part_of_a_character_as_its_bytes(bigram_model):
    path = bigram_model({" your": {b" \xc3": 9.0, " help": 8.0, "\xe9": 7.0}})
    with Predictor.load(path) as predictor:
        choices = predictor.explore("for your", k=3)
    assert [choice.token for choice in choices] == [" \\xc3", " help", "é"]
    # The bytes tell the part of a character from text that looks like its escaped bytes.
    assert [choice.piece for choice in choices] == [b" \xc3", b" help", "é".encode()]


def test_offensive_tokens_are_left_out_before_ranking_even_with_most_of_the_mass(bigram_model):
    with Predictor.load(bigram_model(OFFENSIVE_SPEC)) as predictor:
        raw = predictor.next_token_probabilities("for your")
        assert raw[token_id(" shit")] + raw[token_id(" fuck")] + raw[token_id("shit")] > 0.9
        plain = predictor.explore("for your", k=2)
        healed = predictor.explore("for your ", k=1)
        everything = predictor.explore("for your", k=VOCABULARY)
        predictor.filter_offensive = False
        unfiltered = predictor.explore("for your", k=4)
    assert [choice.token for choice in plain] == ["iced", " help"]
    assert plain[0].probability == pytest.approx(raw[token_id("iced")], rel=1e-6)
    assert [choice.token for choice in healed] == [" help"]
    listed = {choice.token for choice in everything}
    assert not any(is_offensive(token) for token in listed)  # not listed at all, not even at 0
    assert len(everything) == VOCABULARY - sum(map(is_offensive, _texts()))
    assert [choice.token for choice in unfiltered] == [" shit", " fuck", "shit", "iced"]


def test_the_filter_hides_tokens_without_changing_the_others_probabilities(bigram_model):
    with Predictor.load(bigram_model(OFFENSIVE_SPEC)) as predictor:
        filtered = {c.token: c.probability for c in predictor.explore("for your", k=5)}
        predictor.filter_offensive = False
        unfiltered = {c.token: c.probability for c in predictor.explore("for your", k=5)}
    assert filtered[" help"] == pytest.approx(unfiltered[" help"], rel=1e-9)


def test_after_a_trailing_space_the_filter_only_hides_too(bigram_model):
    spaced = spaced_tokens()
    with Predictor.load(bigram_model(OFFENSIVE_SPEC)) as predictor:
        raw = predictor.next_token_probabilities("for your")
        healed = predictor.explore("for your ", k=1)[0]
    assert healed.token == " help"
    assert healed.probability == pytest.approx(raw[token_id(" help")] / raw[spaced].sum())


def test_a_character_of_several_bytes_may_follow_a_trailing_space(bigram_model):
    spec = {" your": {b" \xc3": 15.0, " help": 5.0}, b" \xc3": {b"\xb1": 15.0}}
    with Predictor.load(bigram_model(spec, default={"<eot>": 20.0})) as predictor:
        explored = predictor.explore("for your ", k=1)[0]
        continued = "".join(predictor.continue_text("for your ", SamplingParams(5, top_k=1)))
    assert explored.token_id == token_id(b" \xc3")
    assert continued == "ñ"


def _texts() -> list[str]:
    """Every token's text as explore() shows it."""
    encoding = load_encoding()
    return [
        encoding.decode_single_token_bytes(t).decode("utf-8", "backslashreplace")
        for t in range(VOCABULARY)
    ]
