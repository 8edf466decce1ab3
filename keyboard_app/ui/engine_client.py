"""The GUI thread's handle on the engine thread: starts it, numbers requests, drops stale ones."""

from __future__ import annotations

import itertools
import logging
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal, Slot

from keyboard_app.engine.sampling import SamplingParams
from keyboard_app.ui.instant_worker import InstantWorker, SharedPredictor
from keyboard_app.ui.requests import (
    ContinueRequest,
    DocumentRequest,
    FilterRequest,
    LearnRequest,
    LoadRequest,
    TextRequest,
)
from keyboard_app.ui.server_link import ConnectRequest, ServerStatus
from keyboard_app.ui.worker import EngineWorker

if TYPE_CHECKING:
    from keyboard_app.engine.predictor import ModelInfo, Suggestion, TokenChoice

log = logging.getLogger(__name__)


class EngineClient(QObject):
    """Owns the engine QThread and its worker; re-emits only results that are still wanted.

    A suggestion or explorer result is dropped unless it answers the newest request, so the strip
    never shows words for text that has changed since. Each suggestion request is answered twice:
    at once by the instant thread (`instant`, from what the model has decoded so far), then by the
    engine thread (`suggestions`, the model's refined answer); an instant answer that comes after
    the refined one for the same request is dropped. After `shutdown` requests are ignored and
    results still on their way (a model that finished loading while the window closed) dropped.
    """

    # The model is ready (ModelInfo).
    loaded = Signal(object)
    # Loading failed (message); the previous model, if any, stays in use.
    load_failed = Signal(str)
    # Suggestions for the newest context (context, list[Suggestion], ms since the request).
    suggestions = Signal(str, list, float)
    # The instant answer for the newest context, before its refined one (same arguments).
    instant = Signal(str, list, float)
    # Explorer rows for the newest context (context, list[TokenChoice]).
    exploration = Signal(str, list)
    # A piece of the current continuation (alternative index, text).
    continuation_piece = Signal(int, str)
    # The current continuation ended (worker.FINISHED / STOPPED / FAILED, error message or "").
    continuation_done = Signal(str, str)
    # A request failed (message).
    failed = Signal(str)
    # The inline prediction for the newest suggestion request (context, text; "" when unsure).
    inline_prediction = Signal(str, str)
    # The personal store replaced a damaged file, moved to this path.
    personal_moved = Signal(str)
    # Learning failed and stopped (message).
    learning_failed = Signal(str)
    # The document being learned: characters done, characters in all.
    document_progress = Signal(int, int)
    # The document was learned, or learning it failed (words learned, error message or "").
    document_done = Signal(int, str)
    # A llama-server is in use (`server_link.ServerStatus`), or None: the local model again.
    server_changed = Signal(object)
    # Connecting to a server failed (message; the model in use is kept).
    server_failed = Signal(str)
    # The server went away (message); the local model took over.
    server_lost = Signal(str)
    # Another model or a server was asked for: a continuation in progress is stopped first (the
    # engine thread would otherwise finish it, up to hundreds of tokens, before switching).
    switching = Signal()
    # The app is closing: windows holding threads of their own (the learned-words dialog) end them.
    closing = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._latest_suggest = 0
        self._latest_explore = 0
        self._latest_load = 0
        self._keeping_server: set[int] = set()  # the loads that keep a server in use
        self._latest_connect = 0
        self._continuation: ContinueRequest | None = None
        self._document: DocumentRequest | None = None
        self._suggest_sent = 0.0
        self._refined = 0  # the last request whose refined suggestions came
        self._instant_enabled = True
        self._shut_down = False
        self.model_info: ModelInfo | None = None  # the local model's
        self.server: ServerStatus | None = None  # the llama-server in use
        self._thread = QThread()
        self._thread.setObjectName("engine")
        shared = SharedPredictor()
        self._instant_thread = QThread()
        self._instant_thread.setObjectName("instant suggestions")
        self._instant_worker = InstantWorker(shared)
        self._instant_worker.moveToThread(self._instant_thread)
        self._instant_thread.finished.connect(self._instant_worker.deleteLater)
        self._instant_worker.instant_ready.connect(self._on_instant)
        self._instant_thread.start()
        self._worker = EngineWorker(shared)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.start)
        self._thread.finished.connect(self._worker.deleteLater)
        self._connect_worker()
        self._thread.start()

    def _connect_worker(self) -> None:
        w = self._worker
        w.loaded.connect(self._on_loaded)
        w.load_failed.connect(self._on_load_failed)
        w.suggestions_ready.connect(self._on_suggestions)
        w.exploration_ready.connect(self._on_exploration)
        w.continuation_piece.connect(self._on_piece)
        w.continuation_done.connect(self._on_continuation_done)
        w.request_failed.connect(self._on_failed)
        w.inline_ready.connect(self._on_inline)
        w.personal_moved.connect(self.personal_moved)
        w.learning_failed.connect(self.learning_failed)
        w.document_progress.connect(self._on_document_progress)
        w.document_done.connect(self._on_document_done)
        w.server_connected.connect(self._on_server)
        w.server_failed.connect(self._on_server_failed)
        w.server_lost.connect(self._on_server_lost)

    # --- requests ---

    def load(
        self,
        path: str,
        n_threads: int | None,
        n_gpu_layers: int | None,
        filter_offensive: bool,
        personal: str | None = None,
        *,
        keep_server: bool = False,
    ) -> None:
        """Load the model at `path` in place of the model or server in use; with `keep_server`
        (the same model with other options), a server in use stays and the model loaded is the
        local one kept meanwhile (`LoadRequest.keep_server`)."""
        if self._shut_down:
            return
        self.switching.emit()
        self._latest_load = next(self._ids)
        if keep_server:
            self._keeping_server.add(self._latest_load)
        request = LoadRequest(
            self._latest_load,
            path,
            n_threads,
            n_gpu_layers,
            filter_offensive,
            personal,
            keep_server,
        )
        self._worker.submit_load(request)

    def set_filter(self, on: bool) -> None:
        """The offensive-word filter on or off for the model in use (no reload)."""
        if not self._shut_down:
            self._worker.submit_filter(FilterRequest(on))

    def connect_server(self, url: str | None, api_key: str | None = None) -> None:
        """Use the llama-server at `url` (`server_changed` or `server_failed` follow); None:
        back to the local model."""
        if self._shut_down:
            return
        self.switching.emit()
        self._latest_connect = next(self._ids)
        self._worker.submit_connect(ConnectRequest(self._latest_connect, url, api_key))

    @property
    def has_model(self) -> bool:
        """Whether a model answers: the local one or a server's."""
        return self.model_info is not None or self.server is not None

    @Slot(int, object)
    def _on_server(self, request_id: int, status: ServerStatus | None) -> None:
        if request_id == self._latest_connect and not self._shut_down:
            self.server = status
            self.server_changed.emit(status)

    @Slot(str)
    def _on_server_lost(self, message: str) -> None:
        self.server = None
        self.server_lost.emit(message)

    @Slot(int, str)
    def _on_server_failed(self, request_id: int, message: str) -> None:
        if request_id == self._latest_connect and not self._shut_down:
            self.server_failed.emit(message)

    def suggest(self, context: str, k: int, inline_threshold: float | None = None) -> None:
        """Suggestions for `context`; then, with a threshold, its inline prediction."""
        if self._shut_down:
            return
        self._latest_suggest = next(self._ids)
        self._suggest_sent = time.perf_counter()
        request = TextRequest(self._latest_suggest, context, k, inline_threshold)
        if self._instant_enabled:
            self._instant_worker.submit(request)
        self._worker.submit_suggest(request)

    def set_instant(self, enabled: bool) -> None:
        """Instant answers and the work ahead on or off (on by default; off, only the model's
        answers are shown, as before them: for benchmarks side by side)."""
        self._instant_enabled = enabled
        self._worker.work_ahead = enabled

    def learn(self, text: str, context: str) -> None:
        """Learn the words of `text`, finished after `context` (the text before it)."""
        if not self._shut_down:
            self._worker.submit_learn(LearnRequest(text, context))

    def unlearn(self, text: str, context: str) -> None:
        """`learn(text, context)` taken back: the words were deleted straight after."""
        if not self._shut_down:
            self._worker.submit_learn(LearnRequest(text, context, taken_back=True))

    def penalise(self, word: str, context: str) -> None:
        """The suggestion `word`, taken after `context`, was deleted straight away."""
        if not self._shut_down:
            self._worker.submit_learn(LearnRequest(word, context, penalty=True))

    def keep_word(self, word: str) -> None:
        """The user undid the autocorrection of `word`: it is never corrected again."""
        if not self._shut_down:
            self._worker.submit_keep(word)

    def learn_document(self, text: str) -> None:
        """Learn a whole document (progress and the end come as signals); replaces one waiting."""
        self.cancel_document()
        if self._shut_down:
            return
        self._document = DocumentRequest(next(self._ids), text)
        self._worker.submit_document(self._document)

    def cancel_document(self) -> None:
        """Stop learning the document after the batch in progress (what it learned stays)."""
        if self._document is not None:
            self._document.cancel.set()
            self._document = None

    def explore(self, context: str, k: int = 10) -> None:
        if self._shut_down:
            return
        self._latest_explore = next(self._ids)
        self._worker.submit_explore(TextRequest(self._latest_explore, context, k))

    def continue_text(self, context: str, params: SamplingParams, alternatives: int = 1) -> None:
        """Start a continuation, stopping the one in progress (its remaining pieces are dropped)."""
        self.stop_continuation()
        if self._shut_down:
            return
        request = ContinueRequest(next(self._ids), context, params, alternatives)
        self._continuation = request
        self._worker.submit_continue(request)

    def stop_continuation(self) -> None:
        """Stop the continuation between two tokens; nothing more of it is emitted."""
        if self._continuation is not None:
            self._continuation.stop.set()
            self._continuation = None

    @property
    def continuing(self) -> bool:
        return self._continuation is not None

    def shutdown(self) -> None:
        """Stop any continuation, let a model load finish, learn the words waiting, close the model
        and join the thread."""
        if not self._thread.isRunning():
            return
        self._shut_down = True
        self.closing.emit()
        self.stop_continuation()
        self.cancel_document()
        self._worker.request_shutdown()
        if not self._thread.wait(60_000):
            log.error("engine thread did not finish within a minute")
        self._instant_thread.quit()
        self._instant_thread.wait(10_000)

    # --- results (GUI thread) ---

    @Slot(int, object)
    def _on_loaded(self, request_id: int, info: ModelInfo) -> None:
        if self._shut_down:
            return
        self.model_info = info
        if request_id in self._keeping_server:
            self._keeping_server.discard(request_id)
        else:
            self.server = None  # a model loaded while connected replaces the server
        if request_id == self._latest_load:
            self.loaded.emit(info)

    @Slot(int, str)
    def _on_load_failed(self, request_id: int, message: str) -> None:
        self._keeping_server.discard(request_id)
        if request_id == self._latest_load and not self._shut_down:
            self.load_failed.emit(message)

    @Slot(int, str, list)
    def _on_suggestions(self, request_id: int, context: str, items: list[Suggestion]) -> None:
        if request_id != self._latest_suggest or self._shut_down:
            return
        self._refined = request_id
        latency_ms = (time.perf_counter() - self._suggest_sent) * 1000.0
        self.suggestions.emit(context, items, latency_ms)

    @Slot(int, str, list)
    def _on_instant(self, request_id: int, context: str, items: list[Suggestion]) -> None:
        if request_id != self._latest_suggest or request_id == self._refined or self._shut_down:
            return
        latency_ms = (time.perf_counter() - self._suggest_sent) * 1000.0
        self.instant.emit(context, items, latency_ms)

    @Slot(int, str, list)
    def _on_exploration(self, request_id: int, context: str, items: list[TokenChoice]) -> None:
        if request_id == self._latest_explore and not self._shut_down:
            self.exploration.emit(context, items)

    @Slot(int, int, str)
    def _on_piece(self, request_id: int, index: int, piece: str) -> None:
        if self._continuation is not None and request_id == self._continuation.request_id:
            self.continuation_piece.emit(index, piece)

    @Slot(int, str, str)
    def _on_continuation_done(self, request_id: int, outcome: str, error: str) -> None:
        if self._continuation is not None and request_id == self._continuation.request_id:
            self._continuation = None
            self.continuation_done.emit(outcome, error)

    @Slot(int, str)
    def _on_failed(self, _request_id: int, message: str) -> None:
        if not self._shut_down:
            self.failed.emit(message)

    @Slot(int, str, str)
    def _on_inline(self, request_id: int, context: str, text: str) -> None:
        if request_id == self._latest_suggest and not self._shut_down:
            self.inline_prediction.emit(context, text)

    @Slot(int, int, int)
    def _on_document_progress(self, request_id: int, done: int, total: int) -> None:
        if self._document is not None and request_id == self._document.request_id:
            self.document_progress.emit(done, total)

    @Slot(int, int, str)
    def _on_document_done(self, request_id: int, words: int, error: str) -> None:
        if self._document is not None and request_id == self._document.request_id:
            self._document = None
            self.document_done.emit(words, error)
