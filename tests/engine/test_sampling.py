"""Sampling settings, checked once for every caller; and the sampler's choices."""

import math

import numpy as np
import pytest

from keyboard_app.engine import ModelError
from keyboard_app.engine.sampling import MAX_TOKENS_LIMIT, SamplingParams, sample_token
from keyboard_app.engine.tokenizer import N_VOCAB

BAD_VALUES = [
    ("max_tokens", 0, "tokens"),
    ("max_tokens", -5, "tokens"),
    ("max_tokens", MAX_TOKENS_LIMIT + 1, "tokens"),
    ("max_tokens", 2.0, "tokens"),
    ("max_tokens", True, "tokens"),
    ("top_k", -1, "top-k"),
    ("top_k", 1.5, "top-k"),
    ("top_k", True, "top-k"),
    ("temperature", math.nan, "temperature"),
    ("temperature", math.inf, "temperature"),
    ("temperature", -math.inf, "temperature"),
    ("temperature", -0.1, "temperature"),
    ("temperature", False, "temperature"),
    ("temperature", "hot", "temperature"),
    ("temperature", 10**400, "temperature"),  # no float holds it
    ("top_p", 0.0, "top-p"),
    ("top_p", 1.01, "top-p"),
    ("top_p", -0.5, "top-p"),
    ("top_p", math.nan, "top-p"),
    ("top_p", True, "top-p"),
    ("seed", -1, "seed"),
    ("seed", 2**64, "seed"),
    ("seed", 1.0, "seed"),
    ("seed", False, "seed"),
]


@pytest.mark.parametrize(("name", "value", "named"), BAD_VALUES)
def test_each_bad_value_is_a_readable_error_naming_the_setting(name, value, named):
    with pytest.raises(ModelError) as raised:
        SamplingParams(**{name: value})
    message = str(raised.value)
    assert message.startswith("Sampling settings: ") and message.endswith(".")
    assert named in message
    assert "Traceback" not in message and "object" not in message


def test_every_bad_value_is_named_at_once():
    with pytest.raises(ModelError) as raised:
        SamplingParams(max_tokens=0, top_k=-1, temperature=math.nan, top_p=0, seed=-1)
    message = str(raised.value)
    for named in ("tokens", "top-k", "temperature", "top-p", "seed"):
        assert named in message


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"max_tokens": 1},
        {"max_tokens": MAX_TOKENS_LIMIT},
        {"top_k": 0},
        {"top_k": 1},
        {"top_k": 100_000},
        {"temperature": 0},
        {"temperature": 0.7},
        {"temperature": 5},
        {"top_p": 1},
        {"top_p": 1e-9},
        {"seed": 0},
        {"seed": 2**64 - 1},
        {"seed": None},
    ],
)
def test_good_values_pass(settings):
    params = SamplingParams(**settings)
    for name, value in settings.items():
        assert getattr(params, name) == value


def test_greedy_is_top_k_one_or_temperature_zero():
    assert SamplingParams(top_k=1).greedy and SamplingParams(temperature=0).greedy
    assert not SamplingParams(top_k=0).greedy and not SamplingParams(top_k=2).greedy


LOGITS = np.log(np.array([0.5, 0.3, 0.15, 0.05])).astype(np.float32)


def draws(params: SamplingParams, banned: np.ndarray | None = None, n: int = 4000) -> np.ndarray:
    rng = np.random.default_rng(0)
    chosen = [sample_token(LOGITS, params, rng, banned) for _ in range(n)]
    return np.bincount(chosen, minlength=LOGITS.size) / n


def test_a_draw_reads_only_the_likeliest_tokens_with_room_for_banned_ones():
    assert SamplingParams(top_k=40).tokens_read == 80
    assert SamplingParams(top_k=1).tokens_read == SamplingParams(temperature=0).tokens_read == 64
    assert SamplingParams(top_k=0).tokens_read == N_VOCAB  # any token can be drawn: all are needed


def test_the_sampler_follows_the_distribution_within_top_k_and_top_p():
    assert draws(SamplingParams(top_k=0)) == pytest.approx([0.5, 0.3, 0.15, 0.05], abs=0.03)
    assert draws(SamplingParams(top_k=2)) == pytest.approx([0.625, 0.375, 0, 0], abs=0.03)
    # The nucleus: the fewest best tokens whose mass reaches top_p (0.5 + 0.3 >= 0.8).
    assert draws(SamplingParams(top_k=0, top_p=0.8)) == pytest.approx(
        [0.625, 0.375, 0, 0], abs=0.03
    )
    assert draws(SamplingParams(top_k=0, temperature=0.5)) == pytest.approx(
        np.array([0.25, 0.09, 0.0225, 0.0025]) / 0.365, abs=0.03
    )


def test_banned_tokens_are_never_drawn_even_greedily():
    banned = np.array([True, False, False, False])
    assert draws(SamplingParams(top_k=1), banned, n=5)[0] == 0
    assert draws(SamplingParams(top_k=0), banned) == pytest.approx(
        [0, 0.3 / 0.5, 0.15 / 0.5, 0.05 / 0.5], abs=0.03
    )
