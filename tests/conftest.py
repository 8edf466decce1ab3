"""Shared fixtures: small GPT-2 models written with the project's own GGUF writer."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Started in the background by a shell, the tests inherit an ignored SIGINT, and so would every
# process they start (an exec keeps a signal ignored, but resets one that has a handler): the
# tests that press Ctrl+C in a child would then depend on how they were run. Ctrl+C as in a
# terminal, for the tests and their children.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

import pytest

from keyboard_app.models.serve import ServerProcess
from tests.llama_server import running_server
from tests.model_factory import BigramSpec, write_bigram_model, write_random_model


@pytest.fixture(scope="session")
def random_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small GPT-2 with random weights, the real vocabulary and a 1,024-token context."""
    return write_random_model(tmp_path_factory.mktemp("models") / "random.gguf")


@pytest.fixture(scope="session")
def short_context_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random GPT-2 with only 64 positions, to push trimming and sliding hard."""
    return write_random_model(tmp_path_factory.mktemp("models") / "short.gguf", n_ctx=64)


@pytest.fixture(scope="session")
def random_model_server(random_model: Path) -> Iterator[ServerProcess]:
    """A real llama-server on 127.0.0.1 serving `random_model` (4 slots), for the tests' clients."""
    with running_server(random_model) as server:
        yield server


@pytest.fixture
def bigram_model(tmp_path: Path) -> Callable[..., Path]:
    def make(spec: BigramSpec, default: dict[str, float] | None = None, **kwargs: int) -> Path:
        return write_bigram_model(tmp_path / "bigram.gguf", spec, default, **kwargs)

    return make


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the real user's data or settings."""
    root = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("KEYBOARD_APP_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("KEYBOARD_APP_CONFIG_DIR", str(root / "config"))
