"""Progress reports and cancellation for downloads and conversions (plain callbacks, no Qt)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from keyboard_app.models.errors import OperationCancelled


@dataclass(frozen=True)
class Progress:
    """One progress report: `done` of `total` units (bytes, or tensors while converting)."""

    stage: str
    done: int
    total: int | None
    rate: float = 0.0
    eta_s: float | None = None

    @property
    def fraction(self) -> float | None:
        return self.done / self.total if self.total else None


ProgressCallback = Callable[[Progress], None]


def check_cancel(cancel: threading.Event | None, what: str) -> None:
    if cancel is not None and cancel.is_set():
        raise OperationCancelled(f"{what} was cancelled.")


class RateMeter:
    """Turns a stream of byte counts into throttled reports with a rate and an ETA."""

    def __init__(
        self,
        stage: str,
        callback: ProgressCallback | None,
        total: int | None,
        start: int = 0,
        interval_s: float = 0.1,
    ) -> None:
        self.stage, self.callback, self.total = stage, callback, total
        self.start, self.interval_s = start, interval_s
        self.t0 = self.last = time.monotonic()

    def update(self, done: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if self.callback is None or (not force and now - self.last < self.interval_s):
            return
        self.last = now
        elapsed = max(now - self.t0, 1e-6)
        rate = (done - self.start) / elapsed
        eta = (self.total - done) / rate if self.total and rate > 0 else None
        self.callback(Progress(self.stage, done, self.total, rate, eta))
