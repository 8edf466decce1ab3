"""The one allocator of the KV cache's sequence ids, on real llama.cpp: what it lends, what it
takes back, and that the word search and the alternatives really return what they borrow."""

import numpy as np
import pytest

from keyboard_app.engine import ModelError, Predictor
from keyboard_app.engine.backend import Entry, LlamaBackend
from keyboard_app.engine.context import MainSequence, build_context
from keyboard_app.engine.generation import MAX_ALTERNATIVES, Continuations
from keyboard_app.engine.sampling import SamplingParams
from keyboard_app.engine.sequences import MAIN_SEQ, SequencePool
from keyboard_app.engine.sources import Query
from keyboard_app.engine.sources.network import NetworkSource
from keyboard_app.engine.words import PieceTable, split_typed_word
from keyboard_app.engine.wordsearch import SEQUENCES, WordSearch
from tests.model_factory import write_random_model

TEXT = "The museum opened its doors early on Saturday morning, and by nine o'clock a long line"


@pytest.fixture
def backend(random_model):
    loaded = LlamaBackend(random_model, n_threads=1, n_gpu_layers=0, n_seq=4)
    yield loaded
    loaded.close()


@pytest.fixture(scope="module")
def small_cache_model(tmp_path_factory):
    """256 positions, so 256 cells in the cache: llama.cpp's smallest."""
    return write_random_model(tmp_path_factory.mktemp("models") / "ctx256.gguf", n_ctx=256)


def free_sequences(pool: SequencePool) -> int:
    """How many sequences the pool can still lend (borrowed and given straight back)."""
    borrowed = []
    while (seq := pool.borrow()) is not None:
        borrowed.append(seq)
    for seq in borrowed:
        pool.give_back(seq)
    return len(borrowed)


def decode_on(backend: LlamaBackend, seq: int, tokens: list[int], start: int) -> np.ndarray:
    """Decode `tokens` on `seq` from position `start`, in one batch; the last one's logits."""
    last = len(tokens) - 1
    backend.decode([Entry(t, start + i, seq, logits=i == last) for i, t in enumerate(tokens)])
    return backend.logits(last)


def test_the_pool_lends_each_sequence_but_the_main_one_once(backend):
    pool = SequencePool(backend)
    lent = [pool.borrow() for _ in range(backend.n_seq - 1)]
    assert sorted(lent) == [1, 2, 3] and MAIN_SEQ not in lent
    assert pool.borrow() is None
    pool.give_back(lent[0])
    assert pool.borrow() == lent[0]
    with pytest.raises(ValueError, match="not lent"):
        pool.give_back(MAIN_SEQ)
    pool.give_back(lent[1])
    with pytest.raises(ValueError, match="not lent"):
        pool.give_back(lent[1])  # twice
    with pytest.raises(ValueError, match="not lent"):
        pool.reuse(lent[1])


def test_taking_everything_back_frees_all_and_tells_the_borrowers(backend):
    pool = SequencePool(backend)
    generation = pool.generation
    held = [pool.borrow(), pool.borrow()]
    pool.take_back_all()
    assert pool.generation == generation + 1
    assert free_sequences(pool) == backend.n_seq - 1
    with pytest.raises(ValueError, match="not lent"):
        pool.give_back(held[0])


def test_a_borrowed_sequence_continues_from_the_main_sequence(backend):
    pool = SequencePool(backend)
    main = MainSequence(backend, pool)
    context = build_context(TEXT, backend.n_ctx, 64)
    main.evaluate(context)
    seq = pool.borrow()
    assert seq is not None
    after = decode_on(backend, seq, [context[1]], len(context))
    assert np.allclose(after, main.append(context[1]), atol=1e-4)


@pytest.mark.parametrize("returning", ["give_back", "take_back_all", "reuse"])
def test_cells_of_a_sequence_given_back_are_dropped(small_cache_model, returning):
    """A context of 200 tokens and a borrower's 50 fill 250 of the 256 cells: a second 50 fits
    only if the first borrower's cells were dropped."""
    backend = LlamaBackend(small_cache_model, n_threads=1, n_gpu_layers=0, n_seq=3)
    try:
        pool = SequencePool(backend)
        MainSequence(backend, pool).evaluate(list(range(200)))
        first = pool.borrow()
        assert first is not None
        decode_on(backend, first, list(range(50)), 200)
        with pytest.raises(ModelError):  # the cache really is full
            decode_on(backend, 2, list(range(50)), 200)
        backend.forget(2)
        if returning == "give_back":
            pool.give_back(first)
        elif returning == "take_back_all":
            pool.take_back_all()
        else:
            pool.reuse(first)
        second = first if returning == "reuse" else pool.borrow()
        assert second is not None
        decode_on(backend, second, list(range(50)), 200)
    finally:
        backend.close()


def test_the_word_search_never_holds_more_than_its_sequences(random_model):
    backend = LlamaBackend(random_model, n_threads=1, n_gpu_layers=0, n_seq=SEQUENCES + 5)
    try:
        pool = SequencePool(backend)
        main = MainSequence(backend, pool)
        network = NetworkSource(main, WordSearch(main, PieceTable()), 64)
        held = []
        for end in range(len(TEXT) - 30, len(TEXT) + 1):
            for exact in (False, True):
                query = Query(split_typed_word(TEXT[:end]), 8, exact)
                network.propose(query, 8)
                held.append(backend.n_seq - 1 - free_sequences(pool))
    finally:
        backend.close()
    assert max(held) == SEQUENCES  # it fills them (so the limit is its own, not the pool's)


def test_the_alternatives_borrow_from_the_pool_and_give_everything_back(random_model):
    backend = LlamaBackend(random_model, n_threads=1, n_gpu_layers=0, n_seq=1 + SEQUENCES)
    params = SamplingParams(max_tokens=6, seed=2)
    try:
        pool = SequencePool(backend)
        main = MainSequence(backend, pool)
        network = NetworkSource(main, WordSearch(main, PieceTable()), 64)
        generator = Continuations(main, PieceTable())
        query = Query(split_typed_word(TEXT + " "), 8, exact=True)
        expected = network.propose(query, 8).words
        assert free_sequences(pool) < MAX_ALTERNATIVES  # the word search holds too many to share
        stream = generator.alternatives(TEXT + " ", MAX_ALTERNATIVES, params, None, True)
        next(stream)
        assert free_sequences(pool) == SEQUENCES - MAX_ALTERNATIVES  # taken back, then lent
        list(stream)
        assert free_sequences(pool) == SEQUENCES
        stream = generator.alternatives(TEXT + " ", 2, params, None, True)
        next(stream)
        stream.close()  # abandoned after one piece
        assert free_sequences(pool) == SEQUENCES
        assert network.propose(query, 8).words == pytest.approx(expected, rel=1e-3)
    finally:
        backend.close()


def suggestions(predictor: Predictor, text: str) -> list[tuple[str, float]]:
    return [(s.word, s.probability) for s in predictor.suggest(text, k=5, exact=True)]


def same(found: list[tuple[str, float]], expected: list[tuple[str, float]]) -> bool:
    return [w for w, _ in found] == [w for w, _ in expected] and all(
        p == pytest.approx(q, rel=1e-3) for (_, p), (_, q) in zip(found, expected, strict=True)
    )


@pytest.mark.parametrize("text", [TEXT + " ", TEXT + " o", "x"])
def test_after_the_alternatives_the_suggestions_work_as_before(random_model, text):
    """The alternatives run on the suggestions' own context (their trailing space healed), so the
    main sequence stays put and nothing but the alternatives gives the sequences back."""
    context = split_typed_word(text).boundary + " "
    params = SamplingParams(max_tokens=8, seed=1)
    with Predictor.load(random_model) as predictor:
        predictor.sources = []  # the network alone (the mixer can vary: test_suggest.py)
        expected = suggestions(predictor, text)
        for n in (3, MAX_ALTERNATIVES):
            assert len(list(predictor.continue_alternatives(context, n, params))) >= n
            assert same(suggestions(predictor, text), expected)
        # Abandoned after one piece: what it borrowed comes back all the same.
        stream = predictor.continue_alternatives(context, MAX_ALTERNATIVES, params)
        next(stream)
        stream.close()
        assert same(suggestions(predictor, text), expected)
        assert len(list(predictor.continue_alternatives(context, MAX_ALTERNATIVES, params))) > 0
