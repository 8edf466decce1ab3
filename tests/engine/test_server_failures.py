"""A real llama-server behind a proxy that starts failing on cue (as a server does that breaks
while in use, or a proxy in front of one), and the command line's side of a server: its key
from the environment, and a continuation cut off by a server going away."""

from __future__ import annotations

import http.client
import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from keyboard_app.cli import main
from keyboard_app.engine.remote import ServerAddress
from keyboard_app.models.serve import ServerProcess
from tests.llama_server import running_server

KEY = "team-key-123"
ANSWERS_500 = "500"  # every request answered 500, as llama-server says it failed
HANGS_UP = "hangs up"  # every connection closed without an answer


class FlakyProxy(http.server.ThreadingHTTPServer):
    """Passes requests on to `upstream` until `failing` is set (or `passes` requests have gone
    through), then fails every request that way; `requests` counts what reached it."""

    daemon_threads = True

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.upstream = ServerAddress.parse(upstream)
        self.failing: str | None = None
        self.passes: int | None = None
        self.requests = 0
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def failure(self) -> str | None:
        """How this request fails (None: it is passed on)."""
        with self._lock:
            self.requests += 1
            if self.passes is not None and self.requests > self.passes:
                return self.failing or HANGS_UP
            return self.failing


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FlakyProxy

    def log_message(self, *_: object) -> None:
        pass

    def _relay(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        failure = self.server.failure()
        if failure == HANGS_UP:
            self.close_connection = True
            return
        if failure == ANSWERS_500:
            self._answer(500, b'{"error": {"code": 500, "message": "boom"}}')
            return
        upstream = self.server.upstream
        connection = http.client.HTTPConnection(upstream.host, upstream.port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        connection.request(self.command, self.path, body or None, headers)
        answer = connection.getresponse()
        self._answer(answer.status, answer.read())
        connection.close()

    def _answer(self, status: int, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _relay


@contextmanager
def flaky_proxy(upstream: str) -> Iterator[FlakyProxy]:
    proxy = FlakyProxy(upstream)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        yield proxy
    finally:
        proxy.shutdown()
        proxy.server_close()


def test_a_continuation_cut_off_by_the_server_ends_its_line_before_the_error(
    random_model_server: ServerProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    """The text written so far, then the `error:` line on a line of its own."""
    with flaky_proxy(random_model_server.url) as proxy:
        proxy.passes = 8  # connecting takes 5 requests; then three tokens
        text = "Once upon a time"
        code = main(["continue", text, "--tokens", "40", "--seed", "1", "--server", proxy.url])
    out, err = capsys.readouterr()
    assert code == 1
    assert out.startswith(text) and out.endswith("\n") and out.count("\n") == 1
    assert err == f"error: Cannot reach the server at {proxy.url}.\n"


def test_the_servers_key_comes_from_the_environment(
    random_model: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`LLAMA_API_KEY`, as `keyboard-app serve` and llama-server take it: the key need not be
    in the process list; `--api-key` still wins over it."""
    with running_server(random_model, parallel=2, api_key=KEY) as server:
        monkeypatch.setenv("LLAMA_API_KEY", KEY)
        assert main(["explore", "Hello", "--k", "2", "--server", server.url]) == 0
        monkeypatch.setenv("LLAMA_API_KEY", "not-the-key")
        assert main(["explore", "Hello", "--k", "2", "--server", server.url]) == 1
        assert "refused the API key" in capsys.readouterr().err
        arguments = ["explore", "Hello", "--k", "2", "--server", server.url, "--api-key", KEY]
        assert main(arguments) == 0


def test_a_failure_after_connecting_closes_the_connection_and_the_store(
    random_model_server: ServerProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source that cannot be made (a damaged shipped file) fails the connection with its
    error, and what was opened for it, the server's connection and the personal store, is
    closed rather than left open until the process ends."""
    from keyboard_app.engine import remote_connect
    from keyboard_app.engine.errors import ModelError
    from keyboard_app.personal import PersonalStore, PersonalStoreError

    opened: list[object] = []

    def failing_sources(*args: object, **kwargs: object) -> list[object]:
        raise ModelError("the shipped dictionary is damaged")

    def recorded(function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: object, **kwargs: object) -> Any:
            result = function(*args, **kwargs)
            opened.append(result)
            return result

        return call

    monkeypatch.setattr(remote_connect, "standard_sources", failing_sources)
    monkeypatch.setattr(remote_connect, "connect_backend", recorded(remote_connect.connect_backend))
    monkeypatch.setattr(PersonalStore, "open", recorded(PersonalStore.open))
    with pytest.raises(ModelError, match="damaged"):
        remote_connect.connect_predictor(random_model_server.url, personal=tmp_path / "p.sqlite3")
    (backend, _model), store = opened
    with pytest.raises(PersonalStoreError):
        store.stats()
    with pytest.raises(Exception, match="closed"):
        backend.client.get("/health")
