"""Streamed continuation: sampling, seeds, stopping, sliding, alternatives, characters cut short."""

import threading

import pytest

from keyboard_app.engine import ModelError, Predictor
from keyboard_app.engine.generation import MAX_ALTERNATIVES
from keyboard_app.engine.sampling import SamplingParams

GREEDY = SamplingParams(max_tokens=12, top_k=1)


def alternatives(predictor: Predictor, text: str, n: int, params: SamplingParams) -> list[str]:
    """Each alternative's pieces joined."""
    texts = [""] * n
    for index, piece in predictor.continue_alternatives(text, n, params):
        texts[index] += piece
    return texts


def test_same_seed_same_text_and_different_seeds_differ(random_model):
    with Predictor.load(random_model) as predictor:
        first = "".join(predictor.continue_text("Once upon a time", SamplingParams(20, seed=7)))
        again = "".join(predictor.continue_text("Once upon a time", SamplingParams(20, seed=7)))
        other = "".join(predictor.continue_text("Once upon a time", SamplingParams(20, seed=8)))
    assert first == again
    assert first != other


def test_top_k_one_is_greedy(random_model):
    with Predictor.load(random_model) as predictor:
        best = predictor.explore("Once upon a time", k=1)[0]
        pieces = list(predictor.continue_text("Once upon a time", SamplingParams(3, 1, seed=1)))
        again = list(predictor.continue_text("Once upon a time", SamplingParams(3, 1, seed=2)))
        cold = list(predictor.continue_text("Once upon a time", SamplingParams(3, temperature=0)))
    assert pieces == again == cold
    assert pieces[0] == best.token


def test_top_k_limits_the_choices(random_model):
    with Predictor.load(random_model) as predictor:
        allowed = {c.token for c in predictor.explore("It was", k=3)}
        drawn = {
            next(iter(predictor.continue_text("It was", SamplingParams(1, top_k=3, seed=s))))
            for s in range(30)
        }
    assert drawn <= allowed
    assert len(drawn) > 1


def test_stop_flag_stops_within_one_token(random_model):
    stop = threading.Event()
    received = []
    with Predictor.load(random_model) as predictor:
        expected = predictor.suggest("Hello there ", exact=True)
        params = SamplingParams(max_tokens=50, seed=3)
        for piece in predictor.continue_text("Hello", params, stop=stop):
            received.append(piece)
            if len(received) == 4:
                stop.set()
        assert len(received) == 4
        # The engine is left consistent: the next request works and reuses nothing stale.
        found = predictor.suggest("Hello there ", exact=True)
    assert [s.word for s in found] == [s.word for s in expected]
    for got, want in zip(found, expected, strict=True):
        # Batch numerics: the same candidates decoded in other batches round differently.
        assert got.probability == pytest.approx(want.probability, rel=1e-3)


def test_a_stop_set_before_the_start_gives_nothing(random_model):
    stop = threading.Event()
    stop.set()
    with Predictor.load(random_model) as predictor:
        assert list(predictor.continue_text("Hello", GREEDY, stop)) == []
        assert list(predictor.continue_alternatives("Hello", 3, GREEDY, stop)) == []


def test_stops_at_end_of_text(bigram_model):
    path = bigram_model({" the": {"<eot>": 20.0}}, default={" the": 20.0})
    with Predictor.load(path) as predictor:
        assert list(predictor.continue_text("a", SamplingParams(50, top_k=1))) == [" the"]
        assert alternatives(predictor, "a", 2, SamplingParams(50, top_k=1)) == [" the"] * 2


def test_end_of_text_is_never_the_first_token(bigram_model):
    """After a full stop the model finds the end of the text likeliest (95% here, as GPT-2 often
    does): a continuation asked for still gives something, sampled or greedy, alone or side by
    side; the end of the text still ends it after that."""
    path = bigram_model(
        {".": {"<eot>": 12.0, " The": 9.0}, " The": {"<eot>": 20.0}}, default={" the": 9.0}
    )
    app_like = [SamplingParams(40, 40, 0.8, 0.95, seed=seed) for seed in range(20)]
    with Predictor.load(path) as predictor:
        assert predictor.explore("Alpha beta.", k=1)[0].token == "<|endoftext|>"
        for params in [SamplingParams(40, top_k=1), *app_like]:
            assert "".join(predictor.continue_text("Alpha beta.", params)) == " The"
            assert alternatives(predictor, "Alpha beta.", 3, params) == [" The"] * 3


def test_generation_longer_than_the_context_slides(short_context_model):
    with Predictor.load(short_context_model) as predictor:
        pieces = list(predictor.continue_text("Start", SamplingParams(200, top_k=1)))
        assert len(pieces) >= 190  # a few tokens may be partial characters, joined with the next
        assert predictor.stats().cached_context_tokens <= 64


@pytest.mark.parametrize(
    "text",
    ["The river", "for your ", "", "naïve café, 日本", "Thank you.\n\n", "x" * 3000],
)
def test_a_greedy_alternative_is_the_greedy_continuation(random_model, text):
    with Predictor.load(random_model) as predictor:
        single = "".join(predictor.continue_text(text, GREEDY))
        assert alternatives(predictor, text, 3, GREEDY) == [single] * 3
        assert "".join(predictor.continue_text(text, GREEDY)) == single  # and nothing changed


def test_a_greedy_alternative_on_a_trimmed_context_is_the_greedy_continuation(
    short_context_model,
):
    text = "one two three four five six seven eight nine ten " * 20
    params = SamplingParams(max_tokens=30, top_k=1)  # within half of the 64 positions
    with Predictor.load(short_context_model) as predictor:
        single = "".join(predictor.continue_text(text, params))
        assert alternatives(predictor, text, 1, params) == [single]
        # Two take half the context together: 16 tokens each, after a text trimmed further.
        two = alternatives(predictor, text, 2, params)
        assert two[0] and two == [two[0]] * 2
        assert len(two[0].split()) < len(single.split())


def test_alternatives_after_a_text_that_fills_the_context_all_fit(random_model):
    """The alternatives share the text's cells but each of their tokens takes one more: a text
    as long as the context allows and three long alternatives must all fit in it."""
    text = " ".join(f"word{i}" for i in range(2000))  # far more than 1,024 tokens
    params = SamplingParams(max_tokens=300, top_k=1)
    with Predictor.load(random_model) as predictor:
        found = alternatives(predictor, text, 3, params)
        assert found[0] and found == [found[0]] * 3
        assert predictor.suggest(text + " ")  # and the engine goes on as before


def test_alternatives_differ_and_repeat_with_a_seed(random_model):
    with Predictor.load(random_model) as predictor:
        first = alternatives(predictor, "The river", 3, SamplingParams(10, seed=5))
        again = alternatives(predictor, "The river", 3, SamplingParams(10, seed=5))
        assert first == again
        assert len(set(first)) == 3
        with pytest.raises(ModelError, match="alternatives"):
            list(predictor.continue_alternatives("x", n=MAX_ALTERNATIVES + 1))
        with pytest.raises(ModelError, match="alternatives"):
            list(predictor.continue_alternatives("x", n=0))
        widest = alternatives(predictor, "The river", MAX_ALTERNATIVES, SamplingParams(4, seed=5))
        assert len(widest) == MAX_ALTERNATIVES and all(widest)


def test_a_trailing_space_is_healed(bigram_model):
    """After "your " the model continues from "your" with a word that brings its own space."""
    path = bigram_model(
        {" your": {" help": 9.0, "iced": 12.0}, " help": {"<eot>": 20.0}}, default={".": 5.0}
    )
    with Predictor.load(path) as predictor:
        assert list(predictor.continue_text("for your ", SamplingParams(5, top_k=1))) == ["help"]
        assert list(predictor.continue_text("for your", SamplingParams(1, top_k=1))) == ["iced"]
        assert alternatives(predictor, "for your ", 2, SamplingParams(3, top_k=1)) == ["help"] * 2


# A character of two bytes (é is C3 A9), its first byte one token, its second another.
FIRST_BYTE, SECOND_BYTE = b"\xc3", b"\xa9"


@pytest.mark.parametrize(
    ("spec", "max_tokens", "expected"),
    [
        # The stream ends at <|endoftext|> right after the first byte.
        ({" the": {FIRST_BYTE: 20.0}, FIRST_BYTE: {"<eot>": 20.0}}, 50, " the"),
        # The stream ends at max_tokens right after the first byte.
        ({" the": {FIRST_BYTE: 20.0}, FIRST_BYTE: {SECOND_BYTE: 20.0}}, 2, " the"),
        # The character is completed by the last token.
        ({" the": {FIRST_BYTE: 20.0}, FIRST_BYTE: {SECOND_BYTE: 20.0}}, 3, " theé"),
        # Another word comes after the first byte: that byte makes no character, and goes.
        (
            {" the": {FIRST_BYTE: 20.0}, FIRST_BYTE: {" end": 20.0}, " end": {"<eot>": 20.0}},
            50,
            " the end",
        ),
    ],
    ids=["end-of-text", "max-tokens", "whole", "broken-in-the-middle"],
)
def test_a_character_cut_short_is_dropped_when_each_stream_ends(
    bigram_model, spec, max_tokens, expected
):
    """The bytes of a character split over tokens are held back until it is whole; when a stream
    ends in the middle of one, what is held is dropped (it is no text: no U+FFFD), as stopping
    the stream drops it, in every alternative too."""
    path = bigram_model(spec, default={" the": 20.0})
    params = SamplingParams(max_tokens=max_tokens, top_k=1)
    with Predictor.load(path) as predictor:
        assert "".join(predictor.continue_text("a", params)) == expected
        assert alternatives(predictor, "a", 3, params) == [expected] * 3
