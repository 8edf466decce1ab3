"""When a step of work ahead may start: only when it should be over before the next keystroke.

A keystroke that comes while a step of work ahead is decoding waits for it (a decode cannot be
stopped halfway), so the work ahead (`Predictor.prefetch`) would add up to a step to the keystrokes
it was meant to speed up. The pacer learns the typist's rhythm (the usual gap between keystrokes)
and how long a step takes, and lets a step start only when it should end before the next
keystroke is due, or once the typist has paused for clearly longer than their usual gap (the
pauses are what work ahead is for). The engine thread asks it; the benchmark asks the same one.
"""

from __future__ import annotations

import time
from collections.abc import Callable

# How fast the average gap follows the typist's rhythm (each new gap's share), and how fast the
# longest step's cost fades: a few keystrokes are enough to adapt, one odd gap does not swing them.
SMOOTHING = 0.2
# Gaps longer than this are pauses, not the typing rhythm (about 3 characters per second).
LONGEST_RHYTHM_S = 0.35
# Past this many usual gaps without a keystroke, the typist has paused: steps start freely.
PAUSED_AFTER_GAPS = 2.0


class AheadPacer:
    """The typist's usual gap between keystrokes and a step's usual cost, and whether a step may
    start now. `keystroke` may be called from another thread than `may_start` and `stepped`
    (each only replaces floats)."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock
        self._last_key: float | None = None
        self._gap: float | None = None  # the usual gap between keystrokes (None: not known yet)
        self._step = 0.0  # the cost of the longest recent step of work ahead (fading)

    def keystroke(self) -> None:
        """A keystroke has just come."""
        now = self._clock()
        if self._last_key is not None and now - self._last_key <= LONGEST_RHYTHM_S:
            self._gap = _smoothed(self._gap, now - self._last_key)
        self._last_key = now

    def stepped(self, seconds: float) -> None:
        """A step of work ahead took `seconds`. Steps differ (one candidate, or a batch of the
        next word's pieces), so the pacer counts on the longest of the recent ones."""
        self._step = max(seconds, (1 - SMOOTHING) * self._step)

    def timed(self, step: Callable[[], bool]) -> bool:
        """Run one step of work ahead (`step`, which says whether it did any) and learn its cost
        when it did."""
        began = self._clock()
        worked = step()
        if worked:
            self.stepped(self._clock() - began)
        return worked

    def may_start(self) -> bool:
        """Whether a step started now should be over before the next keystroke is due (or the
        typist has paused)."""
        if self._last_key is None or self._gap is None:
            return True
        since = self._clock() - self._last_key
        return since + self._step <= self._gap or since >= PAUSED_AFTER_GAPS * self._gap

    def pause_due_in(self) -> float:
        """Seconds until a pause may be assumed (0 when it may already, or nothing is known)."""
        if self._last_key is None or self._gap is None:
            return 0.0
        return max(self._last_key + PAUSED_AFTER_GAPS * self._gap - self._clock(), 0.0)


def _smoothed(average: float | None, value: float) -> float:
    return value if average is None else (1 - SMOOTHING) * average + SMOOTHING * value
