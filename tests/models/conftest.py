"""Fixtures for the model manager: a tiny random GPT-2 checkpoint and a fake hub serving it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from keyboard_app.models import catalog as catalog_module
from tests.models.hf_fixtures import (
    FakeHub,
    HubBehaviour,
    QuietServer,
    hub_handler,
    tiny_weights,
    write_checkpoint,
)


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_checkpoint(tmp_path_factory.mktemp("ckpt") / "tiny-gpt2", tiny_weights())


@pytest.fixture(scope="session")
def tiny_f32_gguf(tiny_checkpoint: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from keyboard_app.models.convert import convert_checkpoint

    return convert_checkpoint(tiny_checkpoint, tmp_path_factory.mktemp("gguf") / "tiny-f32.gguf")


@pytest.fixture(scope="session")
def checkpoint_files(tiny_checkpoint: Path) -> dict[str, bytes]:
    return {n: (tiny_checkpoint / n).read_bytes() for n in ("config.json", "model.safetensors")}


@pytest.fixture
def fake_hub(
    checkpoint_files: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeHub]:
    hub = FakeHub("", dict(checkpoint_files), HubBehaviour())
    server = QuietServer(("127.0.0.1", 0), hub_handler(hub))
    hub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    monkeypatch.setattr(catalog_module, "_CATALOG", (*catalog_module._CATALOG, hub.entry))
    try:
        yield hub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
