"""A loaded predictor's tables are kept out of the garbage collector's full collections."""

from __future__ import annotations

import gc
import weakref

from keyboard_app.engine import Predictor


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the garbage collector frees it


def test_a_ready_predictor_is_frozen_and_earlier_garbage_collected(random_model):
    gc.unfreeze()
    cycle = _Node()
    gone = weakref.ref(cycle)
    del cycle
    with Predictor.load(random_model):
        assert gone() is None  # collected before freezing, not frozen with the rest
        assert gc.get_freeze_count() > 100_000  # the dictionary, the spelling index, ...


def test_a_predictor_on_a_server_is_frozen_too(random_model_server):
    gc.unfreeze()
    with Predictor.connect(random_model_server.url):
        assert gc.get_freeze_count() > 100_000


def test_loading_leaves_a_collector_that_was_off_off(random_model):
    gc.disable()
    try:
        with Predictor.load(random_model):
            assert not gc.isenabled()
    finally:
        gc.enable()
    with Predictor.load(random_model):
        assert gc.isenabled()
