"""Where the model runs: threads and device."""

import os

import pytest

from keyboard_app.engine import Predictor
from keyboard_app.engine.backend import SMALL_MODEL_BYTES, default_threads, gpu_offload_supported


def test_a_tiny_model_decodes_on_one_thread_a_large_one_on_the_cores():
    assert default_threads(SMALL_MODEL_BYTES - 1) == 1
    cpus = os.cpu_count() or 1
    large = default_threads(SMALL_MODEL_BYTES * 4)
    assert 1 <= large <= min(cpus, 8)
    if 2 <= cpus <= 4:
        assert large == cpus  # a batch of candidates nearly halves on a second core


def test_the_engine_reports_where_it_runs(random_model):
    with Predictor.load(random_model) as predictor:
        info = predictor.info
    if gpu_offload_supported():
        assert info.device.startswith("GPU")
    else:
        assert info.device == "CPU (1 thread)"  # the test model is tiny
    with Predictor.load(random_model, n_threads=2) as predictor:
        assert predictor.info.n_threads == 2


def test_zero_threads_is_the_engines_choice_and_fewer_or_too_many_are_refused(random_model):
    with Predictor.load(random_model, n_threads=0) as predictor:
        assert predictor.info.n_threads == 1  # the engine's choice for a tiny model
    with pytest.raises(ValueError, match="n_threads"):
        Predictor.load(random_model, n_threads=-2)
    # llama.cpp would abort the whole process on a count it cannot start threads for
    with pytest.raises(ValueError, match="to 256"):
        Predictor.load(random_model, n_threads=100_000)
