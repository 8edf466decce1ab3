"""`keyboard-app serve`: llama-server started on a checked model, with the flags the clients need."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from keyboard_app.models.errors import ModelManagerError
from keyboard_app.models.serve import (
    ServeOptions,
    ServerProcess,
    find_llama_server,
    free_port,
    resolve_model,
    server_command,
)
from tests.llama_server import llama_server_binary, running_server


def test_the_command_gives_each_slot_the_models_whole_context(random_model: Path) -> None:
    options = ServeOptions(port=9000, parallel=3, gpu_layers=99, threads=2, api_key="s3cret")
    command = server_command(Path("/bin/llama-server"), random_model, 1024, options)
    flags = {flag: command[i + 1] for i, flag in enumerate(command[:-1]) if flag.startswith("--")}
    assert flags["--ctx-size"] == str(3 * 1024)
    assert flags["--parallel"] == "3"
    assert flags["--n-gpu-layers"] == "99"
    assert "--cont-batching" in command
    assert "--no-slots" in command
    assert "s3cret" not in command  # the key goes through the environment, not the process list
    assert "s3cret" not in repr(options)


def test_a_bad_model_file_is_refused_before_anything_starts(tmp_path: Path) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(ModelManagerError):
        resolve_model(bad)
    with pytest.raises(ModelManagerError):
        ServerProcess.start(bad, ServeOptions(port=free_port()))


def test_an_explicit_binary_must_be_executable(tmp_path: Path) -> None:
    text = tmp_path / "llama-server"
    text.write_text("not a program")
    with pytest.raises(ModelManagerError, match="not an executable llama-server"):
        find_llama_server(text)


def test_the_server_answers_with_the_models_context_per_slot(random_model: Path) -> None:
    with (
        running_server(random_model, parallel=2) as server,
        urllib.request.urlopen(server.url + "/props", timeout=5) as answer,
    ):
        props = json.load(answer)
    assert props["total_slots"] == 2
    assert props["default_generation_settings"]["n_ctx"] == 1024
    assert server.process.poll() is not None  # stopped on leaving


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_keyboard_app_serve_runs_until_stopped_and_stops_its_server(
    random_model: Path, stop: int
) -> None:
    binary = llama_server_binary()
    port = free_port()
    command = [sys.executable, "-m", "keyboard_app.cli", "serve", str(random_model), "--port"]
    command += [str(port), "--parallel", "1", "--threads", "1", "--llama-server", str(binary)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    ready = f"serving {random_model.name} at http://127.0.0.1:{port}"
    try:
        assert process.stderr is not None
        for line in process.stderr:  # the server's own log, then the line saying it is ready
            if ready in line:
                break
        else:
            pytest.fail("the server did not come up")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as answer:
            assert answer.status == 200
        process.send_signal(stop)
        assert process.wait(timeout=30) == 128 + stop
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)


def test_a_busy_port_is_refused_before_anything_starts(random_model: Path) -> None:
    with socket.socket() as other:  # another server listening on the port
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        with pytest.raises(ModelManagerError, match=f"Cannot listen on 127.0.0.1 port {port}"):
            ServerProcess.start(random_model, ServeOptions(port=port))
        command = [sys.executable, "-m", "keyboard_app.cli", "serve", str(random_model)]
        command += ["--port", str(port), "--llama-server", str(llama_server_binary())]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "serving" not in done.stderr
    assert f"Cannot listen on 127.0.0.1 port {port}" in done.stderr


def test_another_llama_server_on_the_port_is_not_taken_for_ours(
    random_model: Path, short_context_model: Path
) -> None:
    """Started past the port check (a port taken a moment after it), our llama-server fails to
    bind only once its model has loaded; the server already there answers `/health`
    meanwhile, but not with our model."""
    with running_server(random_model, parallel=1) as other:
        options = ServeOptions(port=other.options.port, parallel=1, threads=1)
        command = server_command(llama_server_binary(), short_context_model, 64, options)
        with (
            ServerProcess(command, options) as ours,
            pytest.raises(ModelManagerError, match="stopped"),
        ):
            ours.wait_ready(timeout=60)
