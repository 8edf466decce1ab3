"""What the GUI thread hands the engine thread: the requests, and the one-item mailboxes they
wait in.

A request is a frozen value (its `stop` or `cancel` event aside, which the GUI thread sets to end
the work it asked for); the engine thread (`ui.worker`) and the instant thread
(`ui.instant_worker`) take them from their `LatestSlot`s.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from keyboard_app.engine.sampling import SamplingParams

T = TypeVar("T")


class LatestSlot(Generic[T]):
    """A one-item mailbox guarded by a lock: `put` replaces what is waiting, `take` empties it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._item: T | None = None

    def put(self, item: T | None) -> None:
        with self._lock:
            self._item = item

    def take(self) -> T | None:
        with self._lock:
            item, self._item = self._item, None
            return item

    def waiting(self) -> bool:
        with self._lock:
            return self._item is not None


@dataclass(frozen=True)
class LoadRequest:
    request_id: int
    path: str
    n_threads: int | None
    n_gpu_layers: int | None
    filter_offensive: bool
    personal: str | None = None  # the personal store's file; None: no store
    # Options changed (threads, GPU layers) for the model in use: while a server is in use, the
    # model loaded replaces the local one kept meanwhile, and the server stays.
    keep_server: bool = False


@dataclass(frozen=True)
class FilterRequest:
    """The offensive-word filter on or off, for the model in use (no reload)."""

    on: bool


@dataclass(frozen=True)
class TextRequest:
    """A suggestion or explorer request: the text before the cursor and how many results; for
    suggestions, the inline prediction's threshold (None: no inline prediction)."""

    request_id: int
    context: str
    k: int
    inline_threshold: float | None = None


@dataclass(frozen=True)
class LearnRequest:
    """Words the user finished (`penalty`: a suggestion taken and deleted straight away;
    `taken_back`: words finished and deleted straight away, what learning them counted taken
    back), after `context`, the text before them in their paragraph."""

    text: str
    context: str
    penalty: bool = False
    taken_back: bool = False


@dataclass(frozen=True)
class DocumentRequest:
    """Learn a whole document on request; `cancel` is set to stop between batches."""

    request_id: int
    text: str
    cancel: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True)
class ContinueRequest:
    """A continuation (`alternatives` == 1) or several side by side; `stop` is set to cancel it."""

    request_id: int
    context: str
    params: SamplingParams
    alternatives: int = 1
    stop: threading.Event = field(default_factory=threading.Event)
