"""The HTTP client of a llama-server (llama.cpp's own server): requests, timeouts, errors for a person.

Each thread keeps its own keep-alive connection, so that the word search's candidates can go out as
concurrent requests (the server batches them). Timeouts are short: a keystroke must never wait for
seconds. A connection the server dropped while idle is reopened and the request sent once more.
Every connection opened once the server was checked asks `/props` first whether it is still the
same server (the same model file, slot size and slots: a server restarted at the same address
with another model would otherwise be used blind). The API key travels in the `Authorization`
header and is never logged.
"""

from __future__ import annotations

import contextlib
import heapq
import http.client
import itertools
import json
import logging
import math
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

from keyboard_app.engine.errors import ModelError

log = logging.getLogger(__name__)
REQUEST_TIMEOUT_S = 1.0  # a keystroke's request; the first one of a long text fits well within it
TCP_CONNECT_TIMEOUT_S = 0.5  # opening the socket (the connection check has its own, longer one)
MAX_CONCURRENT = (
    8  # requests one client has in flight at once (the word search's batch and the context)
)
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
# The largest answer read: a whole distribution (an exact query) is about 5 MB of JSON.
MAX_ANSWER_BYTES = 64 * 2**20
READ_CHUNK = 2**16


class ServerError(ModelError):
    """The server cannot answer (unreachable, timed out, refused the key, busy, wrong model)."""


class ServerUnreachable(ServerError):
    """The server is gone or never answered: the app falls back to the local model."""


class ServerTimeout(ServerUnreachable):
    """The server did not answer in time: gone, or only slow (the app asks `/health` to tell)."""


class ServerUnusable(ServerError):
    """The server answers but cannot be used as it is now: it needs (another) API key, is still
    loading its model, its slots are smaller than the text, or it runs another model. Connected,
    the app falls back as for a server gone."""


class ServerChanged(ServerUnusable):
    """The server at the address is no longer the one checked when connecting."""


@dataclass(frozen=True)
class ServerIdentity:
    """What `/props` says of the server that a restart with another model would change."""

    model_path: object
    n_ctx: object  # each slot's
    total_slots: object

    @classmethod
    def of(cls, props: Any) -> ServerIdentity:
        if not isinstance(props, dict):
            return cls(None, None, None)
        settings = props.get("default_generation_settings")
        n_ctx = settings.get("n_ctx") if isinstance(settings, dict) else None
        return cls(props.get("model_path"), n_ctx, props.get("total_slots"))


@dataclass(frozen=True)
class ServerAddress:
    scheme: str
    host: str
    port: int
    base_path: str

    @classmethod
    def parse(cls, url: str) -> ServerAddress:
        """`http://host:port[/path]` or `https://...`; ModelError for anything else."""
        text = url.strip()
        if "://" not in text:
            text = "http://" + text
        try:
            parts = urlsplit(text)
        except ValueError as error:  # "http://[::1" and other broken addresses
            raise ServerError(f"{url!r} is not a server address ({error}).") from error
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ServerError(f"{url!r} is not a server address (like http://127.0.0.1:8080).")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as error:
            raise ServerError(f"{url!r} has an invalid port.") from error
        return cls(parts.scheme, parts.hostname, port, parts.path.rstrip("/"))

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}{self.base_path}"

    @property
    def unencrypted_remote(self) -> bool:
        """Plain HTTP to another machine: the text and the key travel unencrypted."""
        return self.scheme == "http" and self.host.lower() not in LOCAL_HOSTS


def _checked_api_key(key: str | None) -> str | None:
    """The key as sent in a header: visible ASCII characters only (a line break would end the
    header, and HTTP headers are not Unicode). ServerError otherwise, without the key in it."""
    if not key:
        return None
    if not all("!" <= char <= "~" for char in key):
        raise ServerError(
            "The API key may hold only letters, digits and punctuation (no spaces, line breaks "
            "or accented letters)."
        )
    return key


class ServerClient:
    """JSON requests to one llama-server, from any number of threads."""

    def __init__(
        self, url: str, api_key: str | None = None, timeout: float = REQUEST_TIMEOUT_S
    ) -> None:
        self.address = ServerAddress.parse(url)
        self._api_key = _checked_api_key(api_key)
        self.timeout = timeout
        self._local = threading.local()
        self._connections: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(MAX_CONCURRENT, thread_name_prefix="llama-server")
        self.requests_sent = 0
        # Set once the server was checked: what every new connection must find again.
        self.identity: ServerIdentity | None = None
        self._refusal: ServerError | None = None  # closed, or found changed: every request fails

    def __repr__(self) -> str:  # never shows the key
        return f"ServerClient({self.address.url!r})"

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def post(self, path: str, body: dict[str, Any], timeout: float | None = None) -> Any:
        return self.request("POST", path, body, timeout)

    def post_many(
        self, path: str, bodies: list[dict[str, Any]], timeout: float | None = None
    ) -> list[Any]:
        """The same request with several bodies, concurrently; answers in order."""
        if len(bodies) == 1:
            return [self.post(path, bodies[0], timeout)]
        futures = [self._pool.submit(self.post, path, body, timeout) for body in bodies]
        return [future.result() for future in futures]

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> Any:
        """The server's JSON answer; `timeout` (seconds) replaces the client's for this request."""
        if self._refusal is not None:
            raise self._refusal
        data = None if body is None else json.dumps(body).encode()
        wait = self.timeout if timeout is None else timeout
        for attempt in (1, 2):
            fresh = True
            try:
                connection, fresh = self._connection()
                return self._exchange(connection, fresh, method, path, data, wait)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
                self._drop_connection()
                if attempt == 2 or fresh:
                    raise ServerUnreachable(self._unreachable()) from error
                log.debug("connection to %s dropped; retrying once", self.address.url)
            except (TimeoutError, _Overdue) as error:
                self._drop_connection()
                raise ServerTimeout(
                    f"The server at {self.address.url} did not answer within {wait:g} s."
                ) from error
            except http.client.IncompleteRead as error:  # it went away while answering
                self._drop_connection()
                raise ServerUnreachable(self._unreachable()) from error
            except http.client.HTTPException as error:  # a status line or header that is not HTTP
                self._drop_connection()
                raise ServerError(
                    f"{self.address.url} is not a llama-server (it does not answer in HTTP)."
                ) from error
            except OSError as error:  # refused, no route, name not found
                self._drop_connection()
                raise ServerUnreachable(self._unreachable()) from error
            except ServerChanged as error:
                self._drop_connection()
                self._refusal = error
                raise
        raise AssertionError("unreachable")

    def _exchange(
        self,
        connection: http.client.HTTPConnection,
        fresh: bool,
        method: str,
        path: str,
        data: bytes | None,
        timeout: float,
    ) -> Any:
        if connection.sock is None:  # closed by the server after its last answer: reopen it
            connection.connect()
            fresh = True
        if fresh and self.identity is not None:
            self._check_identity(connection, timeout)
            if connection.sock is None:  # it closes every connection after one answer (a
                connection.connect()  # proxy may): the request goes on a new one, checked now
        return self._send(connection, method, path, data, timeout)

    def _check_identity(self, connection: http.client.HTTPConnection, timeout: float) -> None:
        """On a new connection: ServerChanged unless the server is still the one checked (one
        `/props`, about a millisecond on the server's side)."""
        found = ServerIdentity.of(self._send(connection, "GET", "/props", None, timeout))
        if found == self.identity:
            return
        assert self.identity is not None
        log.warning("the server at %s changed: %s, was %s", self.address.url, found, self.identity)
        if found.model_path != self.identity.model_path:
            change = f"now runs another model ({_model_name(found)})"
        else:
            change = f"was restarted with other slots ({found.total_slots} of {found.n_ctx} tokens)"
        raise ServerChanged(f"The server at {self.address.url} {change}: connect again to use it.")

    def _send(
        self,
        connection: http.client.HTTPConnection,
        method: str,
        path: str,
        data: bytes | None,
        timeout: float,
    ) -> Any:
        headers = {"Content-Type": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        assert connection.sock is not None
        connection.sock.settimeout(timeout)
        started = time.perf_counter()
        with _deadline(connection.sock, timeout):
            connection.request(method, self.address.base_path + path, body=data, headers=headers)
            response = connection.getresponse()
            payload = _read_capped(response)
        self.requests_sent += 1
        log.debug(
            "%s %s: %d in %.1f ms",
            method,
            path,
            response.status,
            (time.perf_counter() - started) * 1000,
        )
        if response.status != 200:
            raise self._http_error(response.status, payload)
        try:
            return json.loads(payload)
        except ValueError as error:
            raise ServerError(f"{self.address.url} is not a llama-server (bad JSON).") from error

    def _http_error(self, status: int, payload: bytes) -> ServerError:
        where = self.address.url
        if status == 401:
            if self._api_key:
                return ServerUnusable(f"The server at {where} refused the API key.")
            return ServerUnusable(f"The server at {where} needs an API key.")
        if status == 503:
            return ServerUnusable(f"The server at {where} is busy or still loading its model.")
        if status in (502, 504):  # a proxy in front of it (docs/server.md) says it is gone
            return ServerUnreachable(
                f"Cannot reach the server behind {where} (its proxy answered {status})."
            )
        if status == 404:
            return ServerError(f"{where} is not a llama-server (no such endpoint).")
        try:
            message = str(json.loads(payload)["error"]["message"])
        except (ValueError, KeyError, TypeError):
            message = payload[:200].decode("utf-8", "replace")
        if status == 400 and "context size" in message:  # its slots are smaller than they were
            return ServerUnusable(f"The server at {where} answered {status}: {message}")
        return ServerError(f"The server at {where} answered {status}: {message}")

    def _unreachable(self) -> str:
        return f"Cannot reach the server at {self.address.url}."

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's connection, and whether it was just opened (no point retrying then)."""
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is not None:
            return connection, False
        kind = (
            http.client.HTTPSConnection
            if self.address.scheme == "https"
            else http.client.HTTPConnection
        )
        connection = kind(self.address.host, self.address.port, timeout=TCP_CONNECT_TIMEOUT_S)
        connection.connect()  # OSError (refused, unreachable) is the caller's
        assert connection.sock is not None
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._local.connection = connection
        with self._lock:
            self._connections.append(connection)
        return connection, True

    def _drop_connection(self) -> None:
        """Close this thread's connection and let go of it: its next request opens a new one (a
        dead connection kept would hold its object for the whole session, one per pause)."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            return
        connection.close()
        self._local.connection = None
        with self._lock:
            if connection in self._connections:  # `close` may have emptied the list already
                self._connections.remove(connection)

    def close(self) -> None:
        """Close every connection; from now on a request fails without reaching the server."""
        self._refusal = ServerError(f"The connection to {self.address.url} was closed.")
        self._pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()


def _model_name(identity: ServerIdentity) -> str:
    return PurePath(str(identity.model_path)).name if identity.model_path else "unknown"


class _Overdue(Exception):
    """The request's whole time ran out (the server answers, but too slowly)."""


class _Watch:
    """One request's deadline: when it passes first, its socket is shut down."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.done = False
        self.overdue = threading.Event()

    def expire(self) -> None:
        self.overdue.set()
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)


class _Watchdog:
    """One thread for all requests' deadlines (a thread per request cost 0.2 ms to start):
    it sleeps until the earliest deadline and shuts down the sockets of requests past theirs.
    A finished request is marked done and dropped when its deadline comes up."""

    def __init__(self) -> None:
        self._wakeup = threading.Condition()
        self._deadlines: list[tuple[float, int, _Watch]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, sock: socket.socket, seconds: float) -> _Watch:
        watch = _Watch(sock)
        deadline = time.monotonic() + seconds
        with self._wakeup:
            earliest = self._deadlines[0][0] if self._deadlines else math.inf
            heapq.heappush(self._deadlines, (deadline, next(self._order), watch))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="llama-server-deadlines", daemon=True
                )
                self._thread.start()
            elif deadline < earliest:
                self._wakeup.notify()
        return watch

    def finish(self, watch: _Watch) -> None:
        """The request is over: from now on its socket is never shut down (it is kept alive for
        the next request)."""
        with self._wakeup:
            watch.done = True

    def _run(self) -> None:
        with self._wakeup:
            while True:
                now = time.monotonic()
                while self._deadlines and (
                    self._deadlines[0][2].done or self._deadlines[0][0] <= now
                ):
                    _, _, watch = heapq.heappop(self._deadlines)
                    if not watch.done:
                        watch.expire()
                wait = self._deadlines[0][0] - now if self._deadlines else None
                self._wakeup.wait(wait)


_WATCHDOG = _Watchdog()


@contextlib.contextmanager
def _deadline(sock: socket.socket, seconds: float) -> Iterator[None]:
    """The socket's timeout bounds each wait for a byte; this bounds the whole request: when
    `seconds` have passed, the socket is shut down, which ends any read (a server trickling its
    answer a byte at a time would otherwise hold the keystroke for as long as it likes), and
    the request is `_Overdue`, whatever the read made of the cut."""
    watch = _WATCHDOG.watch(sock, seconds)
    try:
        yield
    except (OSError, http.client.HTTPException) as error:
        if watch.overdue.is_set():
            raise _Overdue from error
        raise
    finally:
        _WATCHDOG.finish(watch)
    if watch.overdue.is_set():
        raise _Overdue


def _read_capped(response: http.client.HTTPResponse) -> bytes:
    """The answer's body, at most `MAX_ANSWER_BYTES`; ServerError if it is longer."""
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(READ_CHUNK):
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise ServerError(
                f"The server's answer is larger than {MAX_ANSWER_BYTES // 2**20} MB: "
                "not a llama-server's."
            )
        chunks.append(chunk)
    if response.length:  # read(amount) ends quietly where the server stopped: say so
        raise http.client.IncompleteRead(b"".join(chunks), response.length)
    return b"".join(chunks)
