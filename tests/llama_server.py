"""A real llama-server on 127.0.0.1 for the tests, on any GGUF (unchecked: a test may want a bad one)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from keyboard_app.models.errors import ModelManagerError
from keyboard_app.models.serve import (
    ServeOptions,
    ServerProcess,
    find_llama_server,
    free_port,
    server_command,
)


def llama_server_binary() -> Path:
    try:
        return find_llama_server()
    except ModelManagerError:
        pytest.skip("llama-server is not installed (pip install -e '.[test]' builds it)")


@contextmanager
def running_server(
    model: Path,
    parallel: int = 4,
    api_key: str | None = None,
    n_ctx: int | None = None,
    port: int | None = None,
) -> Iterator[ServerProcess]:
    """llama-server on `model` on `port` (a free one by default), ready; stopped on leaving. With
    `n_ctx` (the context of each slot), the model is not checked first: a test may serve a file
    the project's validator refuses."""
    binary = llama_server_binary()
    port = free_port() if port is None else port
    options = ServeOptions(port=port, parallel=parallel, api_key=api_key, threads=1)
    if n_ctx is None:
        server = ServerProcess.start(model, options, llama_server=binary)
    else:
        server = ServerProcess(server_command(binary, model, n_ctx, options), options)
    with server:
        server.wait_ready(timeout=60)
        yield server
