"""`keyboard-app bench ui`: type into the real window at a steady pace and measure responsiveness
(into an empty document, or at the end of the one `--document` opened).

- GUI-thread stall: a precise 5 ms QTimer runs while typing; the longest gap between its ticks,
  minus the interval, is the longest time the event loop could not run. The same is measured
  while the engine thread loads the model, from the window's first paint to the first
  suggestions.
- Keystroke to strip: for every keystroke, the time until the strip shows suggestions for exactly
  the text after that keystroke (keystrokes overtaken by the next one before their suggestions
  arrive are counted as `superseded`).
- Instant and refined: the strip first shows the instant answer (what the model has decoded so
  far); `keystroke_to_refined_ms` is the time until the model's own answer for that exact text
  replaced it, `refined_changed_words` how many of those changed the words shown, and
  `exact_text_within_ms` the share of all keystrokes whose exact text had a strip within
  `EXACT_WITHIN_MS`.
- Launch: from process start (Linux; elsewhere from the command's start) to the window's first
  paint and to the first suggestions on the strip (the engine's first answer, which has no words
  when the document ends in a run of letters no word starts with).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal

from keyboard_app.bench.key_typing import type_char
from keyboard_app.bench.stats import percentile
from keyboard_app.ui.main_window import MainWindow

LAG_INTERVAL_MS = 5
EXACT_WITHIN_MS = 50.0  # the target: a strip for the exact text within this time
SETTLE_MS = 1500
SAMPLE_TEXT = (
    "The morning train was late again, so I walked along the river and watched the boats. "
    "A light rain had started by the time I reached the bridge, and the city looked quiet "
    "and grey. I thought about the letter I still had to write, and about the people who "
    "would read it. Some days the right words come at once; on other days every sentence "
    "has to be found one piece at a time. "
)


class _FirstPaint(QObject):
    """Records when a widget is first painted, and says so with `painted`."""

    painted = Signal()

    def __init__(self, target: QObject) -> None:
        super().__init__(target)
        self.at: float | None = None
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.at is None:
            self.at = time.perf_counter()
            self.painted.emit()
        return False


class _StallMeter(QObject):
    """The longest time the event loop could not run: a precise timer's worst lateness."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.longest_ms = 0.0
        self._last_tick = 0.0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(LAG_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.longest_ms = 0.0
        self._last_tick = time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        """Stop measuring; returns the longest stall in milliseconds (NaN if never started)."""
        if not self._timer.isActive():
            return float("nan")
        self._tick()  # a stall that is still going on when measuring ends counts too
        self._timer.stop()
        return max(self.longest_ms, 0.0)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest_ms = max(self.longest_ms, (now - self._last_tick) * 1000.0 - LAG_INTERVAL_MS)
        self._last_tick = now


class TypingBench(QObject):
    """Drives the window; `finished` carries the result dictionary.

    Create it before the window is first painted and before asking it to load its model, so that
    the stall while loading is seen.
    """

    finished = Signal(dict)

    def __init__(
        self, window: MainWindow, launched_at: float, seconds: float, chars_per_s: float = 15.0
    ) -> None:
        super().__init__(window)
        self.window = window
        self.launched_at = launched_at
        self.seconds = seconds
        self.chars_per_s = chars_per_s
        self.first_paint = _FirstPaint(window.editor.viewport())
        self.first_suggestions: float | None = None
        self._pending: dict[str, float] = {}
        self._latencies: list[float] = []
        self._typed_at: dict[str, float] = {}  # every keystroke's text, for its refined answer
        self._refined: list[float] = []
        self._refined_changed = 0
        self._typed = 0
        self._started = 0.0
        self._stalls = _StallMeter(self)
        self._stall_loading_ms = float("nan")
        self._stall_typing_ms = float("nan")  # typing, and the settling of its last suggestions
        self._key_timer = QTimer(self)
        self._key_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._key_timer.setInterval(round(1000 / chars_per_s))
        self._key_timer.timeout.connect(self._type_next)
        window.suggestions.shown.connect(self._on_shown)
        window.suggestions.refined.connect(self._on_refined)
        # Once the window is up, the model is still loading in the engine thread: measure from then.
        self.first_paint.painted.connect(self._stalls.start)

    def _on_shown(self, context: str, _latency: float) -> None:
        now = time.perf_counter()
        # The first answer for the text before the cursor, even when it has no words (the end
        # of a document that is one long run of letters has none).
        if self.first_suggestions is None:
            self.first_suggestions = now
            self._stall_loading_ms = self._stalls.stop()
            QTimer.singleShot(500, self, self._start_typing)
        typed_at = self._pending.pop(context, None)
        if typed_at is not None:
            self._latencies.append((now - typed_at) * 1000.0)

    def _on_refined(self, context: str, _latency: float, changed: bool) -> None:
        typed_at = self._typed_at.pop(context, None)
        if typed_at is not None:
            self._refined.append((time.perf_counter() - typed_at) * 1000.0)
            self._refined_changed += changed

    def _start_typing(self) -> None:
        self._started = time.perf_counter()
        self._stalls.start()
        self._key_timer.start()

    def _type_next(self) -> None:
        if time.perf_counter() - self._started >= self.seconds:
            self._key_timer.stop()
            QTimer.singleShot(SETTLE_MS, self, self._finish)
            return
        char = SAMPLE_TEXT[self._typed % len(SAMPLE_TEXT)]
        pressed = time.perf_counter()
        type_char(self.window.editor, char)
        self._typed += 1
        self._pending[self.window.editor.context()] = pressed
        self._typed_at[self.window.editor.context()] = pressed

    def _finish(self) -> None:
        self._stall_typing_ms = self._stalls.stop()
        latencies = self._latencies or [float("nan")]
        info = self.window.client.model_info
        paint = self.first_paint.at or float("nan")
        first = self.first_suggestions or float("nan")
        self.finished.emit(
            {
                "model": getattr(info, "name", None),
                "model_path": str(getattr(info, "path", "")),
                "device": getattr(info, "device", None),
                "seconds": self.seconds,
                "chars_per_s": self.chars_per_s,
                "keystrokes": self._typed,
                "strip_updates_for_exact_text": len(self._latencies),
                "superseded": self._typed - len(self._latencies),
                "keystroke_to_strip_ms": {
                    "p50": round(percentile(latencies, 0.5), 2),
                    "p95": round(percentile(latencies, 0.95), 2),
                    "max": round(max(latencies), 2),
                },
                "exact_text_within_ms": {
                    "ms": EXACT_WITHIN_MS,
                    "share": round(
                        sum(v <= EXACT_WITHIN_MS for v in self._latencies) / max(self._typed, 1), 4
                    ),
                },
                "refined_for_exact_text": len(self._refined),
                "refined_changed_words": self._refined_changed,
                "keystroke_to_refined_ms": _summary(self._refined),
                "gui_longest_stall_ms": round(self._stall_typing_ms, 2),
                "gui_longest_stall_loading_ms": round(self._stall_loading_ms, 2),
                "launch_to_window_ms": round((paint - self.launched_at) * 1000.0, 1),
                "launch_to_first_suggestions_ms": round((first - self.launched_at) * 1000.0, 1),
            }
        )


def _summary(values: list[float]) -> dict[str, float]:
    values = values or [float("nan")]
    return {
        "p50": round(percentile(values, 0.5), 2),
        "p95": round(percentile(values, 0.95), 2),
        "max": round(max(values), 2),
    }
