"""The engine thread's link to a llama-server (Model > Connect to Server...).

While connected, the worker's predictor is the server's (`Predictor.connect`) and the local one is
kept here, loaded, so that the worker falls back to it at once when the server goes away: the
keystroke that found the server gone is answered by the local model. The server is gone when it
cannot be reached, answers that it cannot be used (a key, still loading, smaller slots, another
model), or times out and then does not answer `/health` either. Any other failure (a timeout of
a server that is there, an answer of 500, one that is not JSON or not probabilities) is answered
locally and the server kept; `MAX_FAILURES` of them in a row and it is left, as one that is gone.
No Qt here: the worker owns the link and emits what happened.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from keyboard_app.engine.remote import (
    ServerError,
    ServerTimeout,
    ServerUnreachable,
    ServerUnusable,
)
from keyboard_app.engine.remote_backend import RemoteBackend
from keyboard_app.engine.sources.corrections import CorrectionSource

if TYPE_CHECKING:
    from keyboard_app.engine.predictor import Predictor

log = logging.getLogger(__name__)
HEALTH_TIMEOUT_S = 0.5  # after a timeout: a server that cannot answer /health in this is gone
# Failures in a row (timeouts with /health answering, wrong answers) after which the server is
# left: about as many keystrokes (the local model answers each meanwhile).
MAX_FAILURES = 3


@dataclass(frozen=True)
class ConnectRequest:
    """Connect to `url` (with `api_key`); `url` None: disconnect, back to the local model."""

    request_id: int
    url: str | None
    api_key: str | None = None

    def __repr__(self) -> str:  # the key is never logged
        return f"ConnectRequest({self.request_id}, {self.url!r})"


@dataclass(frozen=True)
class ServerStatus:
    """What the status bar shows of a connected server."""

    url: str
    model: str
    round_trip_ms: float


@dataclass(frozen=True)
class Trouble:
    """What a server's failure means for the link: `gone` (leave the server, told `reason`), or
    not (this request is answered locally; the server is kept)."""

    gone: bool
    reason: str


class ServerLink:
    """The remote predictor in use and the local one kept for falling back. Engine thread only.

    `remote` is the server's predictor while connected (the worker's); `local` the model loaded
    before connecting, None if there was none: leaving the server then leaves no model, never a
    server's predictor (no text may reach a server the user left)."""

    def __init__(self) -> None:
        self.remote: Predictor | None = None  # set while connected
        self.local: Predictor | None = None  # kept while connected (None: no local model)
        self._failures = 0  # in a row, none of which left the server at once

    @property
    def connected(self) -> bool:
        return self.remote is not None

    def connect(
        self, current: Predictor | None, request: ConnectRequest
    ) -> tuple[Predictor, ServerStatus]:
        """The server's predictor, to replace `current` (the worker's: kept as the local one,
        or closed if it is a server's itself), and its status; ModelError when the server
        cannot be used (then nothing changes)."""
        from keyboard_app.engine.predictor import Predictor

        assert request.url is not None
        remote = Predictor.connect(request.url, request.api_key)
        try:
            status = self._status(remote)
        except BaseException:
            remote.close()
            raise
        if current is not None:
            _carry_over(current, remote)
        if self.remote is not None:
            _close_remote(self.remote)  # the previous server's (`current`); the local one stays
        else:
            self.local = current
        self.remote = remote
        self._failures = 0
        log.info("connected to %s", status.url)
        return remote, status

    @staticmethod
    def _status(remote: Predictor) -> ServerStatus:
        """The server, its model, and the round trip of one keystroke's request (measured now)."""
        started = time.perf_counter()
        remote.explore("", k=1)
        round_trip = (time.perf_counter() - started) * 1000
        url = remote.info.device.removeprefix("server ")
        return ServerStatus(url, remote.info.name, round_trip)

    def disconnect(self, current: Predictor | None) -> Predictor | None:
        """Close the server's predictor; the local one, which takes its place (None: no model).
        Not connected: `current` is the local one already, and stays."""
        if self.remote is None:
            return current
        local, self.local = self.local, None
        _close_remote(self.remote)
        self.remote = None
        log.info("disconnected from the server")
        return local

    def replace_local(self, local: Predictor) -> Predictor | None:
        """While connected: `local` (the local model loaded again with other options) is kept in
        place of the one kept so far, which is returned to be closed; the server's predictor
        borrows its store from the new one."""
        assert self.remote is not None
        previous, self.local = self.local, local
        local.inline_threshold = self.remote.inline_threshold
        local.kept_words = self.remote.kept_words
        _carry_over(local, self.remote)
        return previous

    def answered(self) -> None:
        """The server answered a request: its failures so far were passing."""
        self._failures = 0

    def judge(self, error: Exception) -> Trouble | None:
        """What `error`, raised by the server's predictor, means; None: not the server's
        trouble (an error like any other). A server that cannot be reached or used is gone; a
        timeout is the server gone only when its `/health` does not answer at once either. Any
        other failure of the server's leaves it only after `MAX_FAILURES` in a row: a long text
        evaluated on a slow server, or a moment of load, must not disconnect the app, and a server
        that answers nothing but errors must not be kept (each keystroke's words would come from
        the local model after a wasted request, the text still sent)."""
        if self.remote is None or not isinstance(error, ServerError):
            return None
        if isinstance(error, ServerTimeout):
            return self._judge_timeout(error)
        if isinstance(error, (ServerUnreachable, ServerUnusable)):
            return Trouble(True, str(error))
        return self._failed(str(error))

    def _judge_timeout(self, error: ServerTimeout) -> Trouble:
        assert self.remote is not None
        backend = self.remote.backend
        assert isinstance(backend, RemoteBackend)
        try:
            backend.client.request("GET", "/health", timeout=HEALTH_TIMEOUT_S)
        except ServerTimeout:  # the request's time and /health's: say both
            stalled = str(error).removesuffix(".")
            return Trouble(True, f"{stalled}, nor its /health within {HEALTH_TIMEOUT_S:g} s.")
        except ServerError as health_error:
            return Trouble(True, str(health_error))
        return self._failed(str(error))

    def _failed(self, reason: str) -> Trouble:
        """A failure that leaves the server only after `MAX_FAILURES` in a row."""
        self._failures += 1
        if self._failures >= MAX_FAILURES:
            return Trouble(True, f"{reason.removesuffix('.')} ({self._failures} times in a row).")
        log.info("the server failed (%s); this request is answered locally", reason)
        return Trouble(False, reason)

    def close(self) -> None:
        """Close both predictors (the engine thread is stopping)."""
        local = self.disconnect(None)
        if local is not None:
            local.close()


def _carry_over(current: Predictor, remote: Predictor) -> None:
    """What the user set and what they wrote go on with the server: the filter, the threshold,
    the words taken back from autocorrect (the same set, both ways), and the user's store (its
    source, and the words its corrections may mean; learning goes on, and the local predictor
    closes it). The remote's own sources stay: its corrections are scored with the server's
    model, its trigrams mixed for the server's."""
    remote.filter_offensive = current.filter_offensive
    remote.inline_threshold = current.inline_threshold
    remote.kept_words = current.kept_words
    personal = [source for source in current.sources if source.kind == "personal"]
    remote.sources = [source for source in remote.sources if source.kind != "personal"] + personal
    remote.personal_store = current.personal_store
    for source in remote.sources:
        if isinstance(source, CorrectionSource):
            source.personal = current.personal_store


def _close_remote(remote: Predictor) -> None:
    """Close a server's predictor, leaving the personal store it borrowed to the local one."""
    remote.personal_store = None
    remote.close()
