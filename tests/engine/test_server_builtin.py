"""The built-in model on a real llama-server, served from a copy in another folder (as on a team's
machine): the same words as here, and sampled text drawn from the model's own tokens."""

from __future__ import annotations

import filecmp
import shutil
from collections.abc import Iterator
from pathlib import Path

import gguf
import numpy as np
import pytest

from keyboard_app.cli import main
from keyboard_app.engine import Predictor
from keyboard_app.engine.remote import ServerClient
from keyboard_app.engine.remote_backend import RemoteBackend
from keyboard_app.engine.remote_connect import (
    SAME_MODEL_NATS,
    SAME_MODEL_TOKENS,
    builtin_model_shape,
    builtin_start_distribution,
    check_server,
)
from keyboard_app.engine.sampling import SamplingParams
from keyboard_app.engine.sources import is_builtin_model
from keyboard_app.engine.sources.trigrams import TrigramSource
from keyboard_app.models.serve import ServerProcess
from keyboard_app.paths import builtin_model_path
from tests.llama_server import running_server

pytestmark = pytest.mark.skipif(not builtin_model_path().is_file(), reason="no built-in model")


@pytest.fixture(scope="module")
def copy_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The built-in model served from a copy that is gone once loaded: the path the server
    names is no file here, as on another machine."""
    copy = tmp_path_factory.mktemp("elsewhere") / "team-model.gguf"
    shutil.copyfile(builtin_model_path(), copy)
    with running_server(copy, parallel=2) as server:
        copy.unlink()
        yield server


@pytest.fixture(scope="module")
def local() -> Iterator[Predictor]:
    with Predictor.load() as predictor:
        yield predictor


def _trigrams_mixed(predictor: Predictor) -> bool:
    (trigrams,) = [s for s in predictor.sources if isinstance(s, TrigramSource)]
    return trigrams.mixed


def test_a_copy_of_the_builtin_model_on_a_server_gives_the_local_words(
    copy_server: ServerProcess, local: Predictor
) -> None:
    """Told by what the server says of its model, not by its path: the built-in model's word
    trigrams are mixed in as here, so the words and their order are the same."""
    with Predictor.connect(copy_server.url) as remote:
        assert _trigrams_mixed(remote)
        assert not remote.info.knows_blank_lines  # a blank line read as a line break, as here
        texts = ("Once upon a ", "I want to go to the ", "The weather today is ", "Hi Sarah,\n\nT")
        for text in texts:
            there = remote.suggest(text, exact=True)
            here = local.suggest(text, exact=True)
            assert [s.word for s in there] == [s.word for s in here], text
            assert [s.probability for s in there] == pytest.approx(
                [s.probability for s in here], rel=2e-2
            )


def test_a_copy_of_the_builtin_model_here_is_the_builtin_model(
    tmp_path: Path, random_model: Path
) -> None:
    copy = tmp_path / "copy.gguf"
    shutil.copyfile(builtin_model_path(), copy)
    assert is_builtin_model(copy) and is_builtin_model(builtin_model_path())
    assert not is_builtin_model(random_model) and not is_builtin_model(tmp_path / "gone.gguf")
    with Predictor.load(copy) as predictor:
        assert _trigrams_mixed(predictor)


def test_a_server_running_another_model_gets_no_builtin_trigrams(
    random_model_server: ServerProcess,
) -> None:
    with Predictor.connect(random_model_server.url) as remote:
        assert not _trigrams_mixed(remote)
        assert remote.info.knows_blank_lines


def test_the_same_start_distribution_on_the_server_as_here(copy_server: ServerProcess) -> None:
    """What tells the built-in model on a server apart from one retrained in its shape: the
    server's distribution at a text's start is the one computed here, well within the margin."""
    server = check_server(ServerClient(copy_server.url)).prior
    here = builtin_start_distribution()
    assert here is not None
    likeliest = np.argsort(here)[-SAME_MODEL_TOKENS:]
    assert np.max(np.abs(server[likeliest] - here[likeliest])) < SAME_MODEL_NATS / 2


def test_a_model_retrained_in_the_builtin_models_shape_gets_no_builtin_trigrams(
    tmp_path: Path,
) -> None:
    """The same shape, parameters and size as the built-in model (a retraining with
    `keyboard-app train`'s defaults), other weights: not the built-in model, so its next words
    are not mixed with the built-in model's training text."""
    other = tmp_path / "retrained.gguf"
    shutil.copyfile(builtin_model_path(), other)
    reader = gguf.GGUFReader(other, "r+")
    (norm,) = [t for t in reader.tensors if t.name == "output_norm.weight"]
    norm.data[:] = norm.data * 0.5
    del reader  # writes the memory map back
    assert not filecmp.cmp(other, builtin_model_path(), shallow=False)
    with running_server(other, parallel=2) as server:
        model = check_server(ServerClient(server.url))
        assert model.shape == builtin_model_shape()
        with Predictor.connect(server.url) as remote:
            assert not _trigrams_mixed(remote)
            assert not remote.info.knows_blank_lines  # made by `keyboard-app train` all the same


def test_three_ways_on_at_top_k_200_is_the_local_models_text(
    copy_server: ServerProcess, local: Predictor
) -> None:
    """Each sampled row asks for all the 400 tokens a top-k of 200 may draw from (the sampler's
    margin for banned ones), so no token is drawn from the rebuilt tail: seeded, the three
    continuations and a single one are the local model's."""
    text = "The weather today is"
    with Predictor.connect(copy_server.url) as remote:
        backend = remote.backend
        assert isinstance(backend, RemoteBackend)
        client = backend.client
        asked: list[int] = []
        post_many = client.post_many

        def recording(path: str, bodies: list[dict[str, object]], timeout: float | None) -> object:
            asked.extend(int(body["n_probs"]) for body in bodies)  # type: ignore[call-overload]
            return post_many(path, bodies, timeout)

        client.post_many = recording  # type: ignore[assignment,method-assign]
        for seed in (1, 2, 3):
            params = SamplingParams(25, 200, 1.0, 1.0, seed)
            assert _alternatives(remote, text, params) == _alternatives(local, text, params)
            assert list(remote.continue_text(text, params)) == list(
                local.continue_text(text, params)
            )
        assert asked and set(asked) == {params.tokens_read}


def _alternatives(predictor: Predictor, text: str, params: SamplingParams) -> list[str]:
    written = ["", "", ""]
    for index, piece in predictor.continue_alternatives(text, 3, params):
        written[index] += piece
    return written


def test_continue_with_no_top_k_limit_on_a_server_is_the_local_models(
    copy_server: ServerProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--top-k 0` draws from every token: a server is asked for whole distributions."""
    command = ["continue", "Chapter one. It was", "--top-k", "0", "--tokens", "8", "--seed", "5"]
    assert main(command) == 0
    here = capsys.readouterr().out
    assert main([*command, "--server", copy_server.url]) == 0
    assert capsys.readouterr().out == here
