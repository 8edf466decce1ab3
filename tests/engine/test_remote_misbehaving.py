"""The llama-server client against servers that misbehave: each is a few lines of a real HTTP
server on 127.0.0.1 doing one wrong thing, and each must end in a `ServerError` for a person (a
`ServerUnreachable` where the app should fall back to the local model), in bounded time."""

from __future__ import annotations

import json
import re
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import pytest

from keyboard_app.engine.remote import (
    MAX_ANSWER_BYTES,
    ServerAddress,
    ServerChanged,
    ServerClient,
    ServerError,
    ServerIdentity,
    ServerUnreachable,
    ServerUnusable,
)
from keyboard_app.engine.remote_backend import (
    TailPrior,
    answered_top_tokens,
    completion_body,
    distribution_from_top,
)
from keyboard_app.engine.remote_connect import check_server
from keyboard_app.engine.tokenizer import N_VOCAB

Behaviour = Callable[[socket.socket, int], None]  # the connection, and its request's number


def answer(body: bytes, status: str = "200 OK", close: bool = False) -> bytes:
    connection = "Connection: close\r\n" if close else ""
    head = f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n{connection}\r\n"
    return head.encode() + body


def _read_request(connection: socket.socket) -> bool:
    """Read one request (headers, then the body its Content-Length gives); False at the end."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return False
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    while len(body) < length:
        body += connection.recv(65536)
    return True


@contextmanager
def serving(behaviour: Behaviour) -> Iterator[str]:
    """A server on 127.0.0.1 answering every request with `behaviour`; its URL."""
    counter = iter(range(1, 10**6))

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            connection: socket.socket = self.request
            try:
                while _read_request(connection):
                    behaviour(connection, next(counter))
            except OSError:
                pass  # the client gave up on us: that is the point of most of these

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_answer_trickling_in_is_cut_at_the_requests_time() -> None:
    """Each byte comes well within the time allowed for one, the whole never would."""

    def trickle(connection: socket.socket, _n: int) -> None:
        for byte in answer(b'{"status": "ok"}' * 50):
            connection.sendall(bytes([byte]))
            time.sleep(0.05)

    with serving(trickle) as url:
        client = ServerClient(url, timeout=0.5)
        began = time.monotonic()
        with pytest.raises(ServerUnreachable, match=r"did not answer within 0\.5 s"):
            client.get("/health")
        assert time.monotonic() - began < 1.5
        client.close()


def test_an_endless_answer_is_refused_once_past_the_cap() -> None:
    sent = [0]

    def endless(connection: socket.socket, _n: int) -> None:
        connection.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {2**40}\r\n\r\n".encode())
        block = b" " * 2**20
        while True:
            connection.sendall(block)
            sent[0] += len(block)

    with serving(endless) as url:
        client = ServerClient(url, timeout=30)
        with pytest.raises(ServerError, match=f"larger than {MAX_ANSWER_BYTES // 2**20} MB"):
            client.get("/health")
        client.close()
    # Refused at the cap, not later: what was sent is the cap and what the sockets buffer.
    assert MAX_ANSWER_BYTES <= sent[0] <= MAX_ANSWER_BYTES + 16 * 2**20


@pytest.mark.parametrize(
    ("behaviour", "error", "message"),
    [
        # It went away half way through its answer: fall back, as for a server gone.
        (
            lambda c, _n: c.sendall(answer(b'{"status": "ok"}')[:-5]) or c.close(),
            ServerUnreachable,
            "Cannot reach",
        ),
        (
            lambda c, _n: c.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\r\n"),
            ServerError,
            "not answer in HTTP",
        ),
        (
            lambda c, _n: c.sendall(b"HTTP/1.1 200 OK\r\nX: " + b"y" * 100_000 + b"\r\n\r\n"),
            ServerError,
            "not answer in HTTP",
        ),
        # A proxy in front of a server that is gone (docs/server.md's TLS set-up).
        (
            lambda c, _n: c.sendall(answer(b"Bad Gateway", "502 Bad Gateway")),
            ServerUnreachable,
            "502",
        ),
        (lambda c, _n: c.sendall(answer(b"", "504 Gateway Timeout")), ServerUnreachable, "504"),
    ],
)
def test_what_is_not_an_answer_is_an_error_for_a_person(
    behaviour: Behaviour, error: type[ServerError], message: str
) -> None:
    with serving(behaviour) as url:
        client = ServerClient(url)
        with pytest.raises(error, match=message):
            client.get("/health")
        client.close()


def test_a_connection_the_server_closed_after_answering_keeps_the_requests_time() -> None:
    """llama-server closes a kept-alive connection after some answers; the next request opens a
    new one, and must still have its own time (0.8 s here), not the connect timeout's 0.5 s."""

    def slow_then_close(connection: socket.socket, n: int) -> None:
        if n > 1:
            time.sleep(0.8)
        connection.sendall(answer(b'{"n": %d}' % n, close=True))
        connection.close()

    with serving(slow_then_close) as url:
        client = ServerClient(url, timeout=3)
        assert client.get("/first") == {"n": 1}
        assert client.get("/second") == {"n": 2}
        client.close()


def top_logprobs(items: list[dict[str, object]]) -> dict[str, object]:
    return {"completion_probabilities": [{"top_logprobs": items}]}


@pytest.mark.parametrize(
    "items",
    [
        [{"id": 11, "logprob": float("nan")}],
        [{"id": 11, "logprob": float("-inf")}],
        [{"id": 11, "logprob": 3.0}],  # a probability of e**3
        [{"id": 11, "logprob": -1.0}, {"id": 11, "logprob": -2.0}],
        [{"id": 11.7, "logprob": -1.0}],
        [{"id": True, "logprob": -1.0}],
        [{"id": 2**70, "logprob": -1.0}],  # JSON's integers have no bound; numpy's have
        [{"id": 11, "logprob": 10**400}],
    ],
)
def test_probabilities_that_are_not_ones_are_an_error(items: list[dict[str, object]]) -> None:
    """Python's JSON reads NaN and Infinity; none of these may reach the strip."""
    body = json.dumps(top_logprobs(items)).encode()
    with serving(lambda c, _n: c.sendall(answer(body))) as url:
        client = ServerClient(url)
        with pytest.raises(ServerError):
            answered_top_tokens(client, completion_body([50256], 0, 8), client.post("/x", {}))
        client.close()


def test_a_probability_too_small_for_the_engine_counts_as_a_negligible_one() -> None:
    """-1e300 is a finite log-probability, but -inf in the engine's float32 rows: the sampler
    met NaN (`keyboard-app continue --server` ended in a traceback)."""
    items = [{"id": 11, "logprob": -0.01}, {"id": 12, "logprob": -1e300}]
    body = json.dumps(top_logprobs(items)).encode()
    with serving(lambda c, _n: c.sendall(answer(body))) as url:
        client = ServerClient(url)
        ids, logp = answered_top_tokens(
            client, completion_body([50256], 0, 8), client.post("/x", {})
        )
        client.close()
    uniform = np.full(N_VOCAB, -np.log(N_VOCAB), dtype=np.float32)
    row = distribution_from_top(ids, logp, TailPrior.of(uniform))
    assert np.isfinite(row).all()
    assert np.exp(float(row[11])) == pytest.approx(np.exp(-0.01), rel=1e-5)
    assert np.exp(float(row[12])) < 1e-40


@pytest.mark.parametrize(
    "meta", [{"n_vocab": "50257x"}, {"n_vocab": None}, {"n_vocab": 50257, "n_ctx_train": -3}]
)
def test_a_model_description_of_the_wrong_shape_is_an_error(meta: dict[str, object]) -> None:
    answers = {
        b"/health": {"status": "ok"},
        b"/props": {"total_slots": 4},
        b"/v1/models": {"data": [{"meta": meta}]},
    }

    with serving_by_path(answers) as url:
        client = ServerClient(url)
        with pytest.raises(ServerError, match="not a llama-server"):
            check_server(client)
        client.close()


@contextmanager
def serving_by_path(answers: dict[bytes, object], hang_up: bool = False) -> Iterator[str]:
    """A server answering each path with its JSON from `answers` (404 for any other); with
    `hang_up`, it drops the connection after each answer but `/props`'s, as llama-server drops
    an idle kept-alive one (without saying so in the answer)."""

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            while line := self.rfile.readline():
                path = line.split()[1] if len(line.split()) > 1 else b""
                length = 0
                while (header := self.rfile.readline()) not in (b"\r\n", b""):
                    if header.lower().startswith(b"content-length:"):
                        length = int(header.split(b":")[1])
                self.rfile.read(length)
                if path in answers:
                    self.wfile.write(answer(json.dumps(answers[path]).encode()))
                else:
                    self.wfile.write(answer(b"{}", "404 Not Found"))
                if hang_up and path != b"/props":
                    self.wfile.flush()
                    self.request.shutdown(socket.SHUT_RDWR)
                    return

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("url", ["http://[::1", "http://[not-an-address]:80"])
def test_a_broken_address_is_an_error_for_a_person(url: str) -> None:
    with pytest.raises(ServerError, match="not a server address"):
        ServerAddress.parse(url)


@pytest.mark.parametrize("key", ["s3cret\n", "s3cret\r\nX-Evil: 1", "k€y", "two words"])
def test_an_api_key_that_cannot_be_a_header_is_refused_without_showing_it(key: str) -> None:
    with pytest.raises(ServerError, match="API key") as refused:
        ServerClient("http://127.0.0.1:9", api_key=key)
    assert "s3cret" not in str(refused.value) and "k€y" not in str(refused.value)


def test_a_request_over_in_time_keeps_its_connection_for_the_next() -> None:
    """The deadline of a finished request passes later: its kept-alive socket must stay open."""
    with serving(lambda c, n: c.sendall(answer(b'{"n": %d}' % n))) as url:
        client = ServerClient(url, timeout=0.2)
        assert client.get("/a") == {"n": 1}
        time.sleep(0.4)  # past the first request's deadline
        assert client.get("/b") == {"n": 2}
        assert len(client._connections) == 1  # the same connection, never shut down
        client.close()


def test_a_dropped_connection_is_let_go() -> None:
    """llama-server closes an idle kept-alive connection (about once per pause in typing): the
    next request finds it dead and opens another; the dead one is not kept for the session."""

    def answer_then_hang_up(connection: socket.socket, n: int) -> None:
        connection.sendall(answer(b'{"n": %d}' % n))  # no "Connection: close": it seems alive
        connection.shutdown(socket.SHUT_RDWR)

    with serving(answer_then_hang_up) as url:
        client = ServerClient(url, timeout=2)
        for n in range(1, 6):
            assert client.get("/health") == {"n": n}
            time.sleep(0.05)  # the hang-up arrives before the next request goes out
        assert len(client._connections) == 1  # this thread's, open; none of the dead ones
        client.close()


def test_a_new_connection_dropped_at_once_is_not_tried_again() -> None:
    """Only a kept-alive connection the server dropped while idle is worth a second try: a new
    one dropped at once is a server gone, and the keystroke must not wait for it twice."""
    requests: list[int] = []

    def hang_up(connection: socket.socket, n: int) -> None:
        requests.append(n)
        connection.shutdown(socket.SHUT_RDWR)

    with serving(hang_up) as url:
        client = ServerClient(url, timeout=2)
        with pytest.raises(ServerUnreachable, match="Cannot reach"):
            client.get("/health")
        client.close()
    assert requests == [1]


@pytest.mark.parametrize(
    ("message", "error"),
    [
        # llama-server's answer to a prompt longer than its slots: restarted with smaller ones.
        (
            "request (300 tokens) exceeds the available context size (256 tokens), try "
            "increasing it",
            ServerUnusable,
        ),
        ("invalid token in prompt", ServerError),
    ],
)
def test_a_prompt_past_the_slots_context_size_is_a_server_unusable(message, error) -> None:
    body = json.dumps({"error": {"code": 400, "message": message}}).encode()
    with serving(lambda c, _n: c.sendall(answer(body, "400 Bad Request"))) as url:
        client = ServerClient(url)
        with pytest.raises(ServerError, match=re.escape(f"answered 400: {message}")) as raised:
            client.post("/completion", {"prompt": [50256]})
        assert type(raised.value) is error
        client.close()


PROPS = {"model_path": "a.gguf", "default_generation_settings": {"n_ctx": 256}, "total_slots": 2}


def test_a_kept_alive_connection_asks_props_only_when_it_is_opened() -> None:
    """Checking that the server is the same costs one `/props` per new connection, not one per
    request (each keystroke's requests would take twice the round trips)."""
    with serving_by_path({b"/props": PROPS, b"/health": {"status": "ok"}}) as url:
        client = ServerClient(url)
        client.identity = ServerIdentity.of(PROPS)
        for _ in range(3):
            assert client.get("/health") == {"status": "ok"}
        assert client.requests_sent == 1 + 3
        client.close()


def test_a_server_found_changed_stays_refused_even_once_the_first_is_back() -> None:
    """ServerChanged says "connect again to use it": the client sends nothing more, whatever
    the address answers later."""
    answers: dict[bytes, object] = {b"/props": PROPS, b"/health": {"status": "ok"}}
    with serving_by_path(answers, hang_up=True) as url:
        client = ServerClient(url, timeout=2)
        client.identity = ServerIdentity.of(PROPS)
        assert client.get("/health") == {"status": "ok"}
        answers[b"/props"] = {**PROPS, "model_path": "b.gguf"}
        with pytest.raises(ServerChanged, match=r"another model \(b\.gguf\)"):
            client.get("/health")  # the connection was dropped: a new one is checked
        answers[b"/props"] = PROPS
        sent = client.requests_sent
        with pytest.raises(ServerChanged):
            client.get("/health")
        assert client.requests_sent == sent
        client.close()


def test_a_server_that_closes_every_connection_is_still_used() -> None:
    """A proxy may close each connection after one answer (`Connection: close`): the identity
    check on a new connection takes that answer, and the request goes on another connection."""
    body = json.dumps(PROPS).encode()

    def close_each(connection: socket.socket, n: int) -> None:
        connection.sendall(answer(body, close=True))
        connection.close()

    with serving(close_each) as url:
        client = ServerClient(url, timeout=2)
        client.identity = ServerIdentity.of(PROPS)  # as when the app connected
        try:
            assert [client.get("/health") for _ in range(3)] == [PROPS] * 3
        finally:
            client.close()
