"""Where the model runs: threads and device."""

import os
import subprocess
import sys

import pytest

from keyboard_app.engine import ModelError, Predictor
from keyboard_app.engine.backend import SMALL_MODEL_BYTES, default_threads, gpu_offload_supported
from keyboard_app.engine.sampling import SamplingParams
from tests.model_factory import write_poisoned_model


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


USE_AFTER_CLOSE = """
import sys
from keyboard_app.engine import ModelError, Predictor
from keyboard_app.engine.sampling import SamplingParams

with Predictor.load(sys.argv[1]) as predictor:
    stream = predictor.continue_text("Once upon a time", SamplingParams(max_tokens=5, seed=1))
calls = {
    "the stream": lambda: "".join(stream),  # a generator, run after the `with` closed the model
    "suggest": lambda: predictor.suggest("Thank you for your hel"),
    "explore": lambda: predictor.explore("Hello", 3),
    "inline_prediction": lambda: predictor.inline_prediction("Thank you for your "),
}
for name, call in calls.items():
    try:
        call()
    except ModelError as error:
        print(name, error)
predictor.close()  # twice is harmless
"""


def test_a_closed_model_says_so_instead_of_crashing_the_process(random_model):
    """llama.cpp's memory is freed on close: a call into it killed Python with SIGSEGV."""
    result = subprocess.run(
        [sys.executable, "-c", USE_AFTER_CLOSE, str(random_model)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    said = "The model has been closed."
    names = ("the stream", "suggest", "explore", "inline_prediction")
    assert result.stdout.splitlines() == [f"{name} {said}" for name in names]


@pytest.mark.parametrize("poison", [float("nan"), float("inf")])
def test_a_model_whose_weights_are_not_numbers_says_so_wherever_it_is_asked(tmp_path, poison):
    """Opened directly (`--model FILE`, `Predictor.load`), not trial-loaded: its strip words were
    made up (NaN scores dropped), its explorer empty, and only Continue said what was wrong."""
    model = write_poisoned_model(tmp_path / "poisoned.gguf", poison)
    with Predictor.load(model) as predictor:
        asks = [
            lambda: predictor.suggest("Thank you for your hel"),
            lambda: predictor.suggest("Thank you for your "),
            lambda: predictor.explore("Hello", 3),
            lambda: "".join(predictor.continue_text("Hello", SamplingParams(max_tokens=3))),
        ]
        for ask in asks:
            with pytest.raises(ModelError, match="not numbers"):
                ask()
