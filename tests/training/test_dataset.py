"""The training batches: every pass sees each token once, the texts in a new order each pass."""

import itertools

import numpy as np
import pytest

from keyboard_app.training.dataset import BatchSampler, split_texts

START = 0  # the token that begins every text here (the trainer's `<|endoftext|>` row)
N_CTX = 8
BATCH = 4


def _texts(count: int = 200, seed: int = 7) -> list[np.ndarray]:
    """Texts with distinct contents: text i is [START, i + 1, i + 1, ...] (1 to 12 tokens after START)."""
    rng = np.random.default_rng(seed)
    return [np.array([START] + [i + 1] * int(rng.integers(1, 13))) for i in range(count)]


def _pass(sampler: BatchSampler) -> list[np.ndarray]:
    """The batches of the sampler's current pass, drawn until it starts the next one."""
    epoch, batches = sampler.epoch, []
    while True:
        batch = sampler.next()
        if sampler.epoch != epoch:
            return batches
        batches.append(batch)


def _followers(stream: np.ndarray) -> dict[int, int]:
    """For each text (named by its content token), the text right after it in `stream`."""
    firsts = [int(stream[i + 1]) for i in np.flatnonzero(stream == START)]
    return dict(itertools.pairwise(firsts))


def test_a_pass_sees_every_token_once():
    stream = np.concatenate(_texts())
    sampler = BatchSampler(stream, START, N_CTX, BATCH, seed=1)
    windows = np.concatenate(_pass(sampler))
    assert windows.shape[1] == N_CTX + 1
    seen = np.bincount(windows[:, :-1].ravel(), minlength=stream.max() + 1)
    left_out = np.bincount(stream) - seen
    assert left_out.min() >= 0  # no token twice in a pass
    # None left out but less than a window at each end, and the windows of a last, partial batch.
    assert left_out.sum() < 2 * N_CTX + 1 + (BATCH - 1) * N_CTX


def test_each_pass_puts_the_texts_in_a_new_order_and_keeps_each_whole():
    texts = _texts()
    sampler = BatchSampler(np.concatenate(texts), START, N_CTX, BATCH, seed=1)
    first, _ = sampler._shuffled(0)
    second, _ = sampler._shuffled(1)
    assert sorted(map(tuple, split_texts(first, START))) == sorted(map(tuple, texts))
    assert sorted(map(tuple, split_texts(second, START))) == sorted(map(tuple, texts))
    same_neighbour = sum(_followers(first).get(t) == f for t, f in _followers(second).items())
    assert same_neighbour < 10  # of 199: a fixed order would give all of them
    assert not np.array_equal(first, second)


def test_without_shuffling_every_pass_keeps_the_streams_order():
    texts = _texts()
    stream = np.concatenate(texts)
    sampler = BatchSampler(stream, START, N_CTX, BATCH, seed=1, shuffle_texts=False)
    first, _ = sampler._shuffled(0)
    second, _ = sampler._shuffled(1)
    assert np.array_equal(first, stream) and np.array_equal(second, stream)


def test_a_restored_sampler_draws_the_same_batches():
    stream = np.concatenate(_texts())
    sampler = BatchSampler(stream, START, N_CTX, BATCH, seed=3)
    for _ in range(100):  # past the end of the first pass
        sampler.next()
    saved = sampler.state()
    expected = [sampler.next() for _ in range(5)]
    resumed = BatchSampler(stream, START, N_CTX, BATCH, seed=3)
    resumed.restore(saved)
    assert saved["epoch"] >= 1
    drawn = [resumed.next() for _ in range(5)]
    assert all(np.array_equal(a, b) for a, b in zip(expected, drawn, strict=True))


def test_another_seed_draws_other_batches():
    stream = np.concatenate(_texts())
    one = BatchSampler(stream, START, N_CTX, BATCH, seed=1).next()
    other = BatchSampler(stream, START, N_CTX, BATCH, seed=2).next()
    assert not np.array_equal(one, other)


def test_a_stream_too_short_for_a_batch_is_refused():
    with pytest.raises(ValueError, match="too short for batches of 4 x 8 tokens"):
        BatchSampler(np.arange(30), START, N_CTX, BATCH, seed=1)


def test_a_stream_that_does_not_start_a_text_keeps_its_first_tokens():
    stream = np.array([5, 5, START, 6, START, 7, 7])
    assert [t.tolist() for t in split_texts(stream, START)] == [[5, 5], [START, 6], [START, 7, 7]]
