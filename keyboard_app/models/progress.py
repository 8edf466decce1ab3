"""Progress reports and cancellation for downloads and conversions (plain callbacks, no Qt)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from keyboard_app.files import human_size
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

    def describe(self) -> str:
        """The report in words, as the command line and the Models dialog show it: bytes with a
        rate and the time left (`model.safetensors: 12.3 MB of 548 MB, 4.2 MB/s, 2 min left`),
        other units as counts (`converting: 40 of 148`), a step that has no count (a total of
        one, or none) by its name alone."""
        if not self.rate:
            if not self.total or self.total == 1:
                return self.stage
            return f"{self.stage}: {self.done:,} of {self.total:,}"
        total = f" of {human_size(self.total)}" if self.total else ""
        parts = [f"{human_size(self.done)}{total}", f"{human_size(int(self.rate))}/s"]
        if self.eta_s is not None:
            parts.append(f"{_duration(self.eta_s)} left")
        return f"{self.stage}: " + ", ".join(parts)


def _duration(seconds: float) -> str:
    """`42 s`, `3 min`, `1 h 5 min`: a time left, to the unit that matters."""
    if seconds < 90:
        return f"{max(round(seconds), 1)} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


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
