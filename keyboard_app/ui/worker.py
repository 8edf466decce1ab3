"""The engine's thread: one QObject that owns the Predictor, moved to a QThread.

Only this thread touches the Predictor (it is not thread-safe). The GUI thread hands requests over
through `LatestSlot`s, one per kind of request: a new request replaces the one still waiting, so
while the user types faster than the model only the newest text is computed. Each submission
emits `wake`, a queued signal that makes the worker drain the slots; surplus wake-ups find them
empty. Results go back as signals carrying the request id; the worker never calls any widget.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from PySide6.QtCore import QObject, QThread, Signal, Slot

from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.sampling import SamplingParams

if TYPE_CHECKING:
    from keyboard_app.engine.predictor import Predictor

log = logging.getLogger(__name__)

T = TypeVar("T")

# How a continuation ended. (Strings, not booleans: PySide6 6.12.0 on Python before 3.12 drops a
# reference to `True` on every `emit(True)`; see `app.check_qt_binding`.)
FINISHED, STOPPED, FAILED = "finished", "stopped", "failed"


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


@dataclass(frozen=True)
class LoadRequest:
    request_id: int
    path: str
    n_threads: int | None
    n_gpu_layers: int | None
    filter_offensive: bool


@dataclass(frozen=True)
class TextRequest:
    """A suggestion or explorer request: the text before the cursor and how many results."""

    request_id: int
    context: str
    k: int


@dataclass(frozen=True)
class ContinueRequest:
    """A continuation (`alternatives` == 1) or several side by side; `stop` is set to cancel it."""

    request_id: int
    context: str
    params: SamplingParams
    alternatives: int = 1
    stop: threading.Event = field(default_factory=threading.Event)


class EngineWorker(QObject):
    """Owns the Predictor; lives in the engine thread from `start()` until `shutdown()`."""

    # The GUI asked for work; queued into the engine thread (emitted by `submit_*`).
    wake = Signal()
    # The model is ready (request id, its keyboard_app.engine.ModelInfo).
    loaded = Signal(int, object)
    # Loading failed (request id, message for the user); the previous model, if any, is kept.
    load_failed = Signal(int, str)
    # Word suggestions (request id, context they are for, list[Suggestion]).
    suggestions_ready = Signal(int, str, list)
    # Explorer rows (request id, context they are for, list[TokenChoice]).
    exploration_ready = Signal(int, str, list)
    # One streamed piece of a continuation (request id, alternative index, text).
    continuation_piece = Signal(int, int, str)
    # A continuation ended (request id, FINISHED / STOPPED / FAILED, error message or "").
    continuation_done = Signal(int, str, str)
    # A suggestion or explorer request failed (request id, message for the user).
    request_failed = Signal(int, str)

    def __init__(self) -> None:
        super().__init__()
        self._predictor: Predictor | None = None
        self._load_slot: LatestSlot[LoadRequest] = LatestSlot()
        self._suggest_slot: LatestSlot[TextRequest] = LatestSlot()
        self._explore_slot: LatestSlot[TextRequest] = LatestSlot()
        self._continue_slot: LatestSlot[ContinueRequest] = LatestSlot()
        self._closing = threading.Event()
        self.wake.connect(self._drain)

    # --- called from the GUI thread: only the lock-guarded slots and signals are touched ---

    def submit_load(self, request: LoadRequest) -> None:
        self._load_slot.put(request)
        self.wake.emit()

    def submit_suggest(self, request: TextRequest) -> None:
        self._suggest_slot.put(request)
        self.wake.emit()

    def submit_explore(self, request: TextRequest) -> None:
        self._explore_slot.put(request)
        self.wake.emit()

    def submit_continue(self, request: ContinueRequest) -> None:
        self._continue_slot.put(request)
        self.wake.emit()

    def request_shutdown(self) -> None:
        """Drop waiting work; the engine thread closes the predictor at its next turn."""
        self._closing.set()
        for slot in (self._load_slot, self._suggest_slot, self._explore_slot, self._continue_slot):
            slot.put(None)
        self.wake.emit()

    # --- engine thread ---

    @Slot()
    def start(self) -> None:
        """Connected to QThread.started: build the tokenizer while the window appears."""
        from keyboard_app.engine.tokenizer import load_encoding

        load_encoding()
        log.debug("engine thread ready")

    @Slot()
    def _drain(self) -> None:
        while not self._closing.is_set():
            if request := self._load_slot.take():
                self._load(request)
            elif request_s := self._suggest_slot.take():
                self._suggest(request_s)
            elif request_e := self._explore_slot.take():
                self._explore(request_e)
            elif request_c := self._continue_slot.take():
                self._continue(request_c)
            else:
                return
        self._close()

    def _close(self) -> None:
        if self._predictor is not None:
            self._predictor.close()
            self._predictor = None
            log.info("model closed")
        thread = QThread.currentThread()
        if thread is not None:
            thread.quit()

    def _load(self, request: LoadRequest) -> None:
        from keyboard_app.engine.predictor import Predictor

        log.info("loading model %s", request.path)
        try:
            predictor = Predictor.load(
                request.path,
                n_threads=request.n_threads,
                n_gpu_layers=request.n_gpu_layers,
                filter_offensive=request.filter_offensive,
            )
        except ModelError as error:
            log.warning("cannot load %s: %s", request.path, error)
            self.load_failed.emit(request.request_id, str(error))
            return
        if self._predictor is not None:
            self._predictor.close()
        self._predictor = predictor
        self.loaded.emit(request.request_id, predictor.info)

    def _suggest(self, request: TextRequest) -> None:
        if self._predictor is None:
            return
        try:
            suggestions = self._predictor.suggest(request.context, k=request.k)
        except Exception as error:
            self.request_failed.emit(request.request_id, _message("suggest", error))
            return
        self.suggestions_ready.emit(request.request_id, request.context, suggestions)

    def _explore(self, request: TextRequest) -> None:
        if self._predictor is None:
            return
        try:
            choices = self._predictor.explore(request.context, k=request.k)
        except Exception as error:
            self.request_failed.emit(request.request_id, _message("explore", error))
            return
        self.exploration_ready.emit(request.request_id, request.context, choices)

    def _continue(self, request: ContinueRequest) -> None:
        if self._predictor is None or request.stop.is_set():
            self.continuation_done.emit(request.request_id, STOPPED, "")
            return
        try:
            for index, piece in self._pieces(self._predictor, request):
                self.continuation_piece.emit(request.request_id, index, piece)
        except Exception as error:
            message = _message("continuation", error)
            self.continuation_done.emit(request.request_id, FAILED, message)
            return
        outcome = STOPPED if request.stop.is_set() else FINISHED
        self.continuation_done.emit(request.request_id, outcome, "")

    @staticmethod
    def _pieces(predictor: Predictor, request: ContinueRequest) -> Iterator[tuple[int, str]]:
        """(alternative index, piece) of the continuation or of the side-by-side alternatives."""
        if request.alternatives == 1:
            pieces = predictor.continue_text(request.context, request.params, request.stop)
            return ((0, piece) for piece in pieces)
        return predictor.continue_alternatives(
            request.context, request.alternatives, request.params, request.stop
        )


def _message(what: str, error: Exception) -> str:
    """The user's message for an engine error: a ModelError's own; anything else is a bug, logged
    with its traceback."""
    if isinstance(error, ModelError):
        log.warning("%s failed: %s", what, error)
        return str(error)
    log.error("%s failed", what, exc_info=error)
    return f"Unexpected error: {error}"
