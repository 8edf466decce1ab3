"""The engine's thread: one QObject that owns the Predictor, moved to a QThread.

Only this thread touches the Predictor (it is not thread-safe). The GUI thread hands requests over
through `LatestSlot`s, one per kind of request: a new request replaces the one still waiting, so
while the user types faster than the model only the newest text is computed. Each submission
emits `wake`, a queued signal that makes the worker drain the slots; surplus wake-ups find them
empty. Results go back as signals carrying the request id; the worker never calls any widget.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from keyboard_app.engine import longlived
from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.pacing import AheadPacer
from keyboard_app.personal import PersonalStoreError
from keyboard_app.personal.database import StoreBusy
from keyboard_app.personal.learning import DocumentLearning
from keyboard_app.ui.requests import (
    ContinueRequest,
    DocumentRequest,
    FilterRequest,
    LatestSlot,
    LearnRequest,
    LoadRequest,
    TextRequest,
)
from keyboard_app.ui.server_link import ConnectRequest, ServerLink

if TYPE_CHECKING:
    from keyboard_app.engine.predictor import Predictor
    from keyboard_app.ui.instant_worker import SharedPredictor

log = logging.getLogger(__name__)

# How often an inline prediction is asked again while it grows (each call decodes at most two
# pieces) before the worker turns to other work; a newer keystroke stops it at once.
INLINE_ROUNDS = 4

# How a continuation ended. (Strings, not booleans: PySide6 6.12.0 on Python before 3.12 drops a
# reference to `True` on every `emit(True)`; see `app.check_qt_binding`.)
FINISHED, STOPPED, FAILED = "finished", "stopped", "failed"

# Another program writing to the personal store held it past its busy timeout: what is to be
# learned waits (kept in order) this long before it is tried again, rather than stopping learning.
LEARN_RETRY_S = 5.0

# Said when the server is left and no local model was loaded (nothing answers from then on).
NO_LOCAL_MODEL = "There is no model on this computer to take over: choose one in Model > Models…"


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
    # The inline prediction for a suggestion request (request id, context, text; "" when unsure).
    inline_ready = Signal(int, str, str)
    # The loaded personal store replaced a damaged file, moved to this path.
    personal_moved = Signal(str)
    # Learning failed (message for the user); nothing more is learned until the next load.
    learning_failed = Signal(str)
    # Learning a document: (request id, characters done, characters in all).
    document_progress = Signal(int, int, int)
    # A document was learned (request id, words learned, error message or "").
    document_done = Signal(int, int, str)
    # Connected to a llama-server (request id, `server_link.ServerStatus`).
    server_connected = Signal(int, object)
    # Connecting failed (request id, message); the model in use is kept.
    server_failed = Signal(int, str)
    # The server went away or cannot be used (message); the local model answers from now on, or
    # none if there was none (the message says so).
    server_lost = Signal(str)

    def __init__(self, shared: SharedPredictor | None = None) -> None:
        super().__init__()
        self._predictor: Predictor | None = None
        self._shared = shared  # lent to the instant answers' thread (`ui.instant_worker`)
        # The text worked ahead for while idle (`Predictor.prefetch`); off: only what each
        # request needs is decoded (for benchmarks).
        self._ahead: str | None = None
        self.work_ahead = True
        self._pacer = AheadPacer()  # a step of work ahead never makes a keystroke wait
        self._ahead_timer = QTimer(self)  # wakes the thread for the work ahead in a pause
        self._ahead_timer.setSingleShot(True)
        self._ahead_timer.timeout.connect(self._drain)
        self._load_slot: LatestSlot[LoadRequest] = LatestSlot()
        self._suggest_slot: LatestSlot[TextRequest] = LatestSlot()
        self._explore_slot: LatestSlot[TextRequest] = LatestSlot()
        self._continue_slot: LatestSlot[ContinueRequest] = LatestSlot()
        self._document_slot: LatestSlot[DocumentRequest] = LatestSlot()
        self._learn_queue: deque[LearnRequest] = deque()  # every finished word counts
        self._kept_queue: deque[str] = deque()  # restored after an autocorrection
        self._learning_stopped = False
        self._learn_held_until = 0.0  # the store was busy: nothing is learned before this
        self._retry_timer = QTimer(self)  # wakes the thread when learning may be tried again
        self._retry_timer.setSingleShot(True)
        self._retry_timer.timeout.connect(self._drain)
        self._document: _DocumentInProgress | None = None
        self._link = ServerLink()  # a llama-server in use, and the local model kept meanwhile
        self._connect_slot: LatestSlot[ConnectRequest] = LatestSlot()
        self._filter_slot: LatestSlot[FilterRequest] = LatestSlot()
        self._closing = threading.Event()
        self.wake.connect(self._drain)

    # --- called from the GUI thread: only the lock-guarded slots and signals are touched ---

    def submit_load(self, request: LoadRequest) -> None:
        self._load_slot.put(request)
        self.wake.emit()

    def submit_connect(self, request: ConnectRequest) -> None:
        self._connect_slot.put(request)
        self.wake.emit()

    def submit_filter(self, request: FilterRequest) -> None:
        self._filter_slot.put(request)
        self.wake.emit()

    def submit_suggest(self, request: TextRequest) -> None:
        self._pacer.keystroke()
        self._suggest_slot.put(request)
        self.wake.emit()

    def submit_explore(self, request: TextRequest) -> None:
        self._explore_slot.put(request)
        self.wake.emit()

    def submit_continue(self, request: ContinueRequest) -> None:
        self._continue_slot.put(request)
        self.wake.emit()

    def submit_learn(self, request: LearnRequest) -> None:
        self._learn_queue.append(request)  # deque appends and pops are thread-safe
        self.wake.emit()

    def submit_keep(self, word: str) -> None:
        """`word` is never autocorrected again: before the next suggestion is computed."""
        self._kept_queue.append(word)
        self.wake.emit()

    def submit_document(self, request: DocumentRequest) -> None:
        self._document_slot.put(request)
        self.wake.emit()

    def request_shutdown(self) -> None:
        """Drop waiting work but the words to learn; the engine thread learns them, then closes
        the predictor, at its next turn."""
        self._closing.set()
        for slot in (self._load_slot, self._suggest_slot, self._explore_slot, self._continue_slot):
            slot.put(None)
        self._connect_slot.put(None)
        self._document_slot.put(None)
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
            elif request_n := self._connect_slot.take():
                self._connect(request_n)
            elif request_f := self._filter_slot.take():
                self._set_filter(request_f.on)
            elif self._kept_queue:
                self._keep(self._kept_queue.popleft())
            elif request_s := self._suggest_slot.take():
                self._suggest(request_s)
            elif request_e := self._explore_slot.take():
                self._explore(request_e)
            elif request_c := self._continue_slot.take():
                self._continue(request_c)
            elif self._learn_queue and self._may_learn():
                self._learn(self._learn_queue.popleft())
            elif request_d := self._document_slot.take():
                self._start_document(request_d)
            elif self._document is not None and self._may_learn():
                self._learn_document_piece(self._document)
            elif not self._work_ahead():
                return
        self._close()

    def _work_ahead(self) -> bool:
        """Idle: one step of work ahead for the last suggested text (at most one batch of
        decodes, so a keystroke waits no longer); False when there is none left."""
        if self._predictor is None or self._ahead is None or not self.work_ahead:
            return False
        if not self._pacer.may_start():
            # Not before the next keystroke is due; again once the typist has clearly paused.
            self._ahead_timer.start(round(1000 * self._pacer.pause_due_in()) + 1)
            return False
        predictor, text = self._predictor, self._ahead
        try:
            worked = self._pacer.timed(lambda: predictor.prefetch(text))
        except Exception as error:
            if not self._server_trouble(error):
                _message("work ahead", error)
            worked = False  # left or slow, the server works ahead no more for this text
        if not worked:
            self._ahead = None
        return worked

    def _set_filter(self, on: bool) -> None:
        """The offensive-word filter for the model in use and the local one kept meanwhile."""
        for predictor in (self._predictor, self._link.local):
            if predictor is not None:
                predictor.set_filter_offensive(on)
        self._ahead = None

    def _keep(self, word: str) -> None:
        if self._predictor is not None:
            self._predictor.keep_word(word)

    def _lend(self, predictor: Predictor | None) -> None:
        if self._shared is not None:
            self._shared.set(predictor)

    def _close(self) -> None:
        self._learn_the_rest()
        self._lend(None)
        predictor = self._link.disconnect(self._predictor)  # the server's closed, the local back
        self._predictor = None
        if predictor is not None:
            predictor.close()
            log.info("model closed")
        self._link.close()
        longlived.release()  # what loading froze is the collector's again once the engine stops
        thread = QThread.currentThread()
        if thread is not None:
            thread.quit()

    def _load(self, request: LoadRequest) -> None:
        """Load the model (which then freezes every object alive out of the garbage collector's
        sight, `engine.longlived`: otherwise a full collection held the GIL, and the GUI thread,
        for 25-65 ms every few seconds of typing)."""
        log.info("loading model %s", request.path)
        store_error: PersonalStoreError | None = None
        try:
            try:
                predictor = _loaded(request, request.personal)
            except PersonalStoreError as error:  # the model is usable; learning is not
                store_error = error
                predictor = _loaded(request, None)
        except ModelError as error:
            log.warning("cannot load %s: %s", request.path, error)
            self.load_failed.emit(request.request_id, str(error))
            return
        self._put_in_place(predictor, keep_server=request.keep_server)
        self._learning_stopped = False
        self.loaded.emit(request.request_id, predictor.info)
        if store_error is not None:
            self._stop_learning(store_error)
        store = predictor.personal_store
        if store is not None and store.recovered_from is not None:
            self.personal_moved.emit(str(store.recovered_from))

    def _put_in_place(self, predictor: Predictor, *, keep_server: bool) -> None:
        """`predictor`, just loaded, in place of the model in use (and of a server in use), or,
        with `keep_server` while one is in use, of the local model kept meanwhile. The words
        the user kept from autocorrect stay kept."""
        self._lend(None)
        if keep_server and self._link.connected:
            previous = self._link.replace_local(predictor)
        else:
            previous = self._link.disconnect(self._predictor)
            self._predictor = predictor
            self._ahead = None
        if previous is not None:
            predictor.kept_words |= previous.kept_words
            previous.close()
        self._lend(self._predictor)

    def _suggest(self, request: TextRequest) -> None:
        self._attempt("suggest", request.request_id, lambda p: self._suggest_on(p, request))

    def _suggest_on(self, predictor: Predictor, request: TextRequest) -> None:
        suggestions = predictor.suggest(
            request.context, k=request.k, superseded=self._suggest_slot.waiting
        )
        self.suggestions_ready.emit(request.request_id, request.context, suggestions)
        if request.inline_threshold is not None:
            self._inline(predictor, request, request.inline_threshold)
        self._ahead = request.context

    def _attempt(self, what: str, request_id: int, run: Callable[[Predictor], None]) -> None:
        """`run` on the predictor in use; when it is a server's and the server fails it, on the
        predictor standing in (`_stand_in`), if any. Other errors are the user's message."""
        predictor = self._predictor
        if predictor is None:
            return
        try:
            run(predictor)
        except Exception as error:
            if not self._server_trouble(error):
                self.request_failed.emit(request_id, _message(what, error))
                return
        else:
            self._link.answered()
            return
        stand_in = self._stand_in()
        if stand_in is None:
            return  # no local model: the instant words stay, and no error per keystroke
        try:
            run(stand_in)
        except Exception as error:
            self.request_failed.emit(request_id, _message(what, error))

    # --- a llama-server in place of the local model (`ui.server_link`) ---

    def _connect(self, request: ConnectRequest) -> None:
        """Connect (`server_connected` with its status) or disconnect (with None)."""
        self._lend(None)  # the instant thread lets go first: the link may close a predictor
        if request.url is None:
            self._use(self._link.disconnect(self._predictor))
            self.server_connected.emit(request.request_id, None)
            return
        try:
            predictor, status = self._link.connect(self._predictor, request)
        except ModelError as error:
            self._lend(self._predictor)
            self.server_failed.emit(request.request_id, str(error))
            return
        self._use(predictor)
        self.server_connected.emit(request.request_id, status)

    def _server_trouble(self, error: Exception) -> bool:
        """Whether `error` is the connected server's failure (`ServerLink.judge`), handled: the
        server left for the local model (told `server_lost`), or kept after a timeout."""
        trouble = self._link.judge(error)
        if trouble is None:
            return False
        if trouble.gone:
            self._leave_server(trouble.reason)
        return True

    def _leave_server(self, reason: str) -> None:
        """The local model takes over at once, or none: nothing more goes to the server."""
        log.warning("leaving the server: %s", reason)
        self._lend(None)  # before the link closes the server's predictor
        local = self._link.disconnect(self._predictor)
        self._use(local)
        if local is None:
            reason += f" {NO_LOCAL_MODEL}"
        self.server_lost.emit(reason)

    def _stand_in(self) -> Predictor | None:
        """Who answers a request the server failed: the local model kept while connected (the
        server kept after a timeout), or the model in use once the server was left."""
        return self._link.local if self._link.connected else self._predictor

    def _use(self, predictor: Predictor | None) -> None:
        self._lend(None)
        self._predictor = predictor
        self._lend(predictor)
        self._ahead = None

    def _inline(self, predictor: Predictor, request: TextRequest, threshold: float) -> None:
        """After the strip's words have gone out: the inline prediction, asked again while it
        grows and no newer suggestion request waits (latest wins; the strip never waits)."""
        shown: str | None = None
        for _ in range(INLINE_ROUNDS):
            if self._suggest_slot.waiting() or self._closing.is_set():
                return
            try:
                span = predictor.inline_prediction(request.context, threshold)
            except Exception as error:
                if not self._server_trouble(error):  # the next keystroke's on the local model
                    message = _message("inline prediction", error)
                    self.request_failed.emit(request.request_id, message)
                return
            if span == shown:
                return
            shown = span
            self.inline_ready.emit(request.request_id, request.context, span)
            if not span:
                return

    def _explore(self, request: TextRequest) -> None:
        def explore(predictor: Predictor) -> None:
            choices = predictor.explore(request.context, k=request.k)
            self.exploration_ready.emit(request.request_id, request.context, choices)

        self._attempt("explore", request.request_id, explore)

    def _learn(self, request: LearnRequest) -> None:
        if self._predictor is None or self._learning_stopped:
            return
        try:
            self._learn_request(self._predictor, request)
        except StoreBusy as error:
            self._learn_queue.appendleft(request)
            self._hold_learning(error)
        except PersonalStoreError as error:
            self._stop_learning(error)

    @staticmethod
    def _learn_request(predictor: Predictor, request: LearnRequest) -> None:
        if request.penalty:
            predictor.penalise(request.text, request.context)
        elif request.taken_back:
            predictor.unlearn(request.text, request.context)
        else:
            predictor.learn(request.text, request.context)

    def _learn_the_rest(self) -> None:
        """At quit: learn the words finished and not yet learned (sent while the thread was busy,
        or held back for a busy store), unless the store stays busy past its timeout once more:
        quitting waits for it at most that long, and what is left then is lost."""
        while self._learn_queue and self._predictor is not None and not self._learning_stopped:
            request = self._learn_queue.popleft()
            try:
                self._learn_request(self._predictor, request)
            except StoreBusy as error:
                log.warning(
                    "quitting without learning the last words typed (%d requests): %s",
                    len(self._learn_queue) + 1,
                    error,
                )
                break
            except PersonalStoreError as error:
                log.warning("learning stopped at quit: %s", error)
                break
        self._learn_queue.clear()

    def _may_learn(self) -> bool:
        """False while learning waits for a busy store. The retry timer wakes the thread when
        the wait is over; it is started again here if it fired before (Qt's coarse timers may
        fire early), else nothing would wake the thread until the next request."""
        wait_ms = math.ceil((self._learn_held_until - time.monotonic()) * 1000)
        if wait_ms <= 0:
            return True
        if not self._retry_timer.isActive():
            self._retry_timer.start(wait_ms)
        return False

    def _hold_learning(self, error: StoreBusy) -> None:
        """Another program holds the store: try again in LEARN_RETRY_S, keeping what waits."""
        log.info("the personal store is busy; learning again in %.0f s: %s", LEARN_RETRY_S, error)
        self._learn_held_until = time.monotonic() + LEARN_RETRY_S
        self._retry_timer.start(round(LEARN_RETRY_S * 1000))

    def _start_document(self, request: DocumentRequest) -> None:
        """Learn a document a piece per step (`_learn_document_piece`); replaces one under way."""
        store = None if self._predictor is None else self._predictor.personal_store
        if store is None or self._learning_stopped:
            self.document_done.emit(
                request.request_id, 0, "There is no personal store to learn into."
            )
            return
        self._document = _DocumentInProgress(request, DocumentLearning(request.text))

    def _learn_document_piece(self, document: _DocumentInProgress) -> None:
        """Learn the next batch of the document (`DocumentLearning`: one short transaction), or
        end it: done, cancelled, or failed. A busy store holds it, as it holds the words typed."""
        request, learning = document.request, document.learning
        store = None if self._predictor is None else self._predictor.personal_store
        if store is None or self._learning_stopped or request.cancel.is_set() or learning.finished:
            self._document = None
            self.document_done.emit(request.request_id, learning.words, "")
            return
        try:
            learning.step(store)
        except StoreBusy as error:
            self._hold_learning(error)
            return
        except PersonalStoreError as error:
            self._document = None
            self._stop_learning(error)
            self.document_done.emit(request.request_id, learning.words, str(error))
            return
        self.document_progress.emit(request.request_id, learning.done, len(learning.text))

    def _stop_learning(self, error: PersonalStoreError) -> None:
        """One message; nothing more is learned until a model (and its store) is loaded again."""
        log.warning("learning stopped: %s", error)
        self._learn_queue.clear()
        self._learning_stopped = True
        self.learning_failed.emit(str(error))

    def _continue(self, request: ContinueRequest) -> None:
        if self._predictor is None or request.stop.is_set():
            self.continuation_done.emit(request.request_id, STOPPED, "")
            return
        try:
            for index, piece in self._pieces(self._predictor, request):
                self.continuation_piece.emit(request.request_id, index, piece)
        except Exception as error:
            self._server_trouble(error)  # left: the next continuation runs on the local model
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


@dataclass(frozen=True)
class _DocumentInProgress:
    """A document being learned, a batch per step of this thread, so that suggestions are
    answered between batches and Cancel, pausing or another model stop it within one."""

    request: DocumentRequest
    learning: DocumentLearning


def _loaded(request: LoadRequest, personal: str | None) -> Predictor:
    """The model loaded, and asked once for a distribution: a file whose weights are not numbers
    (NaN or infinity) is refused here, with the model in use kept, not loaded to fail at every
    keystroke and be remembered for the next start."""
    from keyboard_app.engine.predictor import Predictor
    from keyboard_app.models.trial_load import PROBE_TEXT

    predictor = Predictor.load(
        request.path,
        n_threads=request.n_threads,
        n_gpu_layers=request.n_gpu_layers,
        filter_offensive=request.filter_offensive,
        personal=personal,
    )
    try:
        predictor.next_token_probabilities(PROBE_TEXT)
    except BaseException:
        predictor.close()
        raise
    return predictor


def _message(what: str, error: Exception) -> str:
    """The user's message for an engine error: a ModelError's own; anything else is a bug, logged
    with its traceback."""
    if isinstance(error, ModelError):
        log.warning("%s failed: %s", what, error)
        return str(error)
    log.error("%s failed", what, exc_info=error)
    return f"Unexpected error: {error}"
