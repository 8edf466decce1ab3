"""Streamed continuation: sampling, seeds, stopping, sliding, alternatives."""

import threading

import pytest

from keyboard_app.engine import ModelError, Predictor


def test_same_seed_same_text_and_different_seeds_differ(random_model):
    with Predictor.load(random_model) as predictor:
        first = "".join(predictor.continue_text("Once upon a time", max_tokens=20, seed=7))
        again = "".join(predictor.continue_text("Once upon a time", max_tokens=20, seed=7))
        other = "".join(predictor.continue_text("Once upon a time", max_tokens=20, seed=8))
    assert first == again
    assert first != other


def test_top_k_one_is_greedy(random_model):
    with Predictor.load(random_model) as predictor:
        best = predictor.explore("Once upon a time", k=1)[0]
        pieces = list(predictor.continue_text("Once upon a time", max_tokens=3, top_k=1, seed=1))
        again = list(predictor.continue_text("Once upon a time", max_tokens=3, top_k=1, seed=2))
    assert pieces == again
    assert pieces[0] == best.token


def test_top_k_limits_the_choices(random_model):
    with Predictor.load(random_model) as predictor:
        allowed = {c.token for c in predictor.explore("It was", k=3)}
        drawn = {
            next(iter(predictor.continue_text("It was", max_tokens=1, top_k=3, seed=s)))
            for s in range(30)
        }
    assert drawn <= allowed
    assert len(drawn) > 1


def test_stop_flag_stops_within_one_token(random_model):
    stop = threading.Event()
    received = []
    with Predictor.load(random_model) as predictor:
        for piece in predictor.continue_text("Hello", max_tokens=50, seed=3, stop=stop):
            received.append(piece)
            if len(received) == 4:
                stop.set()
        assert len(received) == 4
        # The engine is left consistent: the next request works and reuses nothing stale.
        assert predictor.suggest("Hello there ")


def test_stops_at_end_of_text(bigram_model):
    path = bigram_model({" the": {"<eot>": 20.0}}, default={" the": 20.0})
    with Predictor.load(path) as predictor:
        assert list(predictor.continue_text("a", max_tokens=50, top_k=1)) == [" the"]


def test_generation_longer_than_the_context_slides(short_context_model):
    with Predictor.load(short_context_model) as predictor:
        pieces = list(predictor.continue_text("Start", max_tokens=200, top_k=1))
        assert len(pieces) >= 190  # a few tokens may be partial characters, joined with the next
        assert len(predictor.main_sequence.tokens) <= 64


def test_alternatives_decoded_together_match_single_decoding(random_model):
    with Predictor.load(random_model) as predictor:
        single = "".join(predictor.continue_text("The river", max_tokens=12, top_k=1))
        texts = ["", "", ""]
        for index, piece in predictor.continue_alternatives(
            "The river", n=3, max_tokens=12, top_k=1
        ):
            texts[index] += piece
    assert texts == [single] * 3


def test_alternatives_differ_and_repeat_with_a_seed(random_model):
    def run(predictor: Predictor, seed: int) -> list[str]:
        texts = ["", "", ""]
        for index, piece in predictor.continue_alternatives(
            "The river", n=3, max_tokens=10, seed=seed
        ):
            texts[index] += piece
        return texts

    with Predictor.load(random_model) as predictor:
        first, again = run(predictor, 5), run(predictor, 5)
        assert first == again
        assert len(set(first)) == 3
        with pytest.raises(ModelError):
            list(predictor.continue_alternatives("x", n=50))


def test_a_trailing_space_is_healed(bigram_model):
    """After "your " the model continues from "your" with a word that brings its own space."""
    path = bigram_model(
        {" your": {" help": 9.0, "iced": 12.0}, " help": {"<eot>": 20.0}}, default={".": 5.0}
    )
    with Predictor.load(path) as predictor:
        assert list(predictor.continue_text("for your ", max_tokens=5, top_k=1)) == ["help"]
        assert list(predictor.continue_text("for your", max_tokens=1, top_k=1)) == ["iced"]
        texts = ["", ""]
        for index, piece in predictor.continue_alternatives(
            "for your ", n=2, max_tokens=3, top_k=1
        ):
            texts[index] += piece
        assert texts == ["help", "help"]
