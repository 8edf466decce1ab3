"""The engine thread's link to a llama-server (Model > Connect to Server...).

While connected, the worker's predictor is the server's (`Predictor.connect`) and the local one is
kept here, loaded, so that the worker falls back to it at once when the server goes away: the
keystroke that found the server gone is answered by the local model. No Qt here: the worker owns
the link and emits what happened.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from keyboard_app.engine.remote import ServerUnreachable

if TYPE_CHECKING:
    from keyboard_app.engine.predictor import Predictor

log = logging.getLogger(__name__)


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


def is_server_gone(error: Exception) -> bool:
    """Whether `error` means the server went away (the app falls back to the local model)."""
    return isinstance(error, ServerUnreachable)


class ServerLink:
    """The remote predictor in use and the local one kept for falling back. Engine thread only."""

    def __init__(self) -> None:
        self.local: Predictor | None = None  # set while connected

    @property
    def connected(self) -> bool:
        return self.local is not None

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
        if self.connected and current is not None:
            _close_remote(current)  # the previous server's
        elif current is not None:
            self.local = current
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

    def disconnect(self, remote: Predictor | None) -> Predictor | None:
        """Close the server's predictor; the local one, which takes its place (not connected:
        `remote` is the local one already, and stays)."""
        if not self.connected:
            return remote
        local, self.local = self.local, None
        if remote is not None:
            _close_remote(remote)
        log.info("disconnected from the server")
        return local

    def close(self) -> None:
        """The local predictor kept while connected is closed (the worker closes its own)."""
        if self.local is not None:
            self.local.close()
            self.local = None


def _carry_over(current: Predictor, remote: Predictor) -> None:
    """What the user set and what they wrote go on with the server: the filter, the threshold,
    the words taken back from autocorrect (the same set, both ways), and the user's store (its
    source; learning goes on, and the local predictor closes it). The remote's own sources stay:
    its corrections are scored with the server's model, its trigrams mixed for the server's."""
    remote.filter_offensive = current.filter_offensive
    remote.inline_threshold = current.inline_threshold
    remote.kept_words = current.kept_words
    personal = [source for source in current.sources if source.kind == "personal"]
    remote.sources = [source for source in remote.sources if source.kind != "personal"] + personal
    remote.personal_store = current.personal_store


def _close_remote(remote: Predictor) -> None:
    """Close a server's predictor, leaving the personal store it borrowed to the local one."""
    remote.personal_store = None
    remote.close()
