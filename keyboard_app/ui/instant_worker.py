"""The instant answers' thread: the strip's words for the exact text, while the engine thread decodes.

The engine thread may be in the middle of a decode that takes longer than the gap between two
keystrokes (a big model on a CPU). This thread answers each suggestion request at once from what
the model has decoded so far (`Predictor.suggest(..., instant=True)` decodes nothing), so the
strip always shows words for the text before the cursor; the engine thread's answer refines them
when it comes. The predictor is shared under `SharedPredictor`'s lock, which the engine thread
takes to replace or close it, so an instant answer never runs on a closed predictor.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from keyboard_app.ui.requests import LatestSlot, TextRequest

if TYPE_CHECKING:
    from keyboard_app.engine.predictor import Predictor

log = logging.getLogger(__name__)


class SharedPredictor:
    """The engine thread's predictor, lent to the instant thread for answers that decode nothing."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._predictor: Predictor | None = None

    def set(self, predictor: Predictor | None) -> None:
        """The engine thread's new predictor (None before it closes the old one)."""
        with self.lock:
            self._predictor = predictor

    def get(self) -> Predictor | None:
        """Only while holding `lock`."""
        return self._predictor


class InstantWorker(QObject):
    """Answers suggestion requests without a decode; lives in its own QThread."""

    wake = Signal()
    # Instant suggestions (request id, context they are for, list[Suggestion]).
    instant_ready = Signal(int, str, list)

    def __init__(self, shared: SharedPredictor) -> None:
        super().__init__()
        self._shared = shared
        self._slot: LatestSlot[TextRequest] = LatestSlot()
        self.wake.connect(self._drain)

    def submit(self, request: TextRequest) -> None:
        """Called from the GUI thread; a request still waiting is replaced."""
        self._slot.put(request)
        self.wake.emit()

    @Slot()
    def _drain(self) -> None:
        while request := self._slot.take():
            self._answer(request)

    def _answer(self, request: TextRequest) -> None:
        with self._shared.lock:
            predictor = self._shared.get()
            if predictor is None:
                return
            try:
                words = predictor.suggest(request.context, k=request.k, instant=True)
            except Exception:
                # The engine thread's own answer follows and reports errors: nothing is lost.
                log.exception("instant suggestions failed")
                return
        self.instant_ready.emit(request.request_id, request.context, words)
