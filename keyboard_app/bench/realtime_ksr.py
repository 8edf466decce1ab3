"""Keystroke savings in real time: the typist sees what the app would show at that moment.

Offline (`bench.ksr`), every keystroke waits for the model's answer. In the app the typist does
not wait: the engine thread answers the newest text when it is free (older requests coalesce),
the strip shows each answer only while its text is still the text before the cursor, and an
instant answer (`Predictor.suggest(..., instant=True)`, no decode) is shown at once for every
keystroke; between keystrokes the engine works ahead (`Predictor.prefetch`), a step only when the
app's pacer lets it start (`engine.pacing`).

This simulates that on a virtual clock, so that it is fast and repeatable: keystroke n comes at
n / chars_per_second; each engine job (an answer, or one step of work ahead) takes the time it
really took plus `decode_delay` per model decode (a bigger model's decode on these cores; e.g.
0.19 s for GPT-2 XL on two cores), and its result counts only from when it is done; what it
publishes for the instant answers on the way (`NetworkSource.publish`) counts from when it was
published. A job learns that a newer keystroke waits (`suggest(..., superseded=...)`, as the
app's engine thread does) once its clock passes the next keystroke. Just before each keystroke
the typist looks at the strip: the words last shown on it, which may be for an older text
(taking such a word still completes the word being typed when it is the intended one). The
keyboard is asked at the keystrokes that the offline typist asks at (each letter of a word); the
spaces and punctuation typed between words only advance the clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from keyboard_app.bench.ksr import Score, Typist, run_typist
from keyboard_app.engine import Predictor
from keyboard_app.engine.backend import Entry
from keyboard_app.engine.knowledge import Knowledge
from keyboard_app.engine.pacing import AheadPacer

K = 3


@dataclass
class Job:
    """Engine work in progress on the virtual clock."""

    done_at: float
    text: str | None  # the answer's text; None for a step of work ahead
    words: list[str]


class RealTimeKeyboard:
    """The strip the app shows at each keystroke, the engine working on a virtual clock."""

    def __init__(
        self,
        predictor: Predictor,
        chars_per_second: float,
        decode_delay: float,
        instant: bool,
        typist_score: Score | None = None,
    ) -> None:
        self.predictor = predictor
        self.gap = 1.0 / chars_per_second
        self.decode_delay = decode_delay
        self.instant = instant  # instant answers and work ahead (the app after this change)
        self.score = typist_score
        self.strip: list[str] = []
        self.strip_text: str | None = None  # the text the strip's words are for
        self.current: str | None = None  # the text before the cursor
        self.pending_at = 0.0
        self.free_at = 0.0  # when the engine thread is free
        self.job: Job | None = None
        self.pending: str | None = None  # the newest text, not yet taken by the engine
        self.last_answered: str | None = None  # what the work ahead is for
        self.decodes = 0
        # What the engine published for the instant answers, and when (on the virtual clock).
        self.releases: list[tuple[float, Knowledge | None]] = []
        self.horizon = 0.0  # the next keystroke's time: a job running past it is superseded
        self._clock: Callable[[], float] = lambda: self.free_at  # the running job's clock
        self._now = 0.0  # the virtual time the pacer reads
        self.pacer = AheadPacer(clock=lambda: self._now)  # as the app's engine thread paces
        self.exact_strips = 0  # keystrokes whose strip was for their exact text when looked at
        self.asked = 0
        self._count_decodes()

    def _count_decodes(self) -> None:
        backend = self.predictor.backend
        decode = backend.decode

        def counted(entries: list[Entry]) -> None:
            self.decodes += 1
            decode(entries)

        backend.decode = counted  # type: ignore[method-assign]

    def close(self) -> None:
        """Stop counting the decodes."""
        del self.predictor.backend.decode  # the instance's counter: the class's method again

    def __call__(self, text: str) -> list[str]:
        assert self.score is not None, "attach the typist's score first"
        pressed = self.score.keystrokes * self.gap
        self._advance(pressed)
        self.current, self.pending, self.pending_at = text, text, pressed
        self._now = pressed
        self.pacer.keystroke()
        self.asked += 1
        if self.instant:
            self._show(text, [s.word for s in self.predictor.suggest(text, k=K, instant=True)])
        self._advance(pressed + self.gap)  # the typist looks just before the next keystroke
        self.exact_strips += self.strip_text == text
        return self.strip

    def _show(self, text: str, words: list[str]) -> None:
        self.strip, self.strip_text = words, text

    def _advance(self, until: float) -> None:
        """Run the engine's jobs that start before `until` (a job in progress runs to its end),
        and make visible what they published by then."""
        self.horizon = until
        self._run_jobs(until)
        network = self.predictor.network
        while self.releases and self.releases[0][0] <= until:
            network.knowledge = self.releases.pop(0)[1]

    def _run_jobs(self, until: float) -> None:
        while True:
            if self.job is not None:
                if self.job.done_at > until:
                    return
                self._finish(self.job)
                self.job = None
            if self.free_at >= until:
                return
            self.job = self._next_job()
            if self.job is None:
                return

    def _next_job(self) -> Job | None:
        if self.pending is not None:
            text, self.pending = self.pending, None
            self.free_at = max(self.free_at, self.pending_at)
            return self._timed(text, lambda: self._refined_words(text))
        self._now = self.free_at
        if self.instant and self.last_answered is not None and self.pacer.may_start():
            answered = self.last_answered
            job = self._timed(None, lambda: [] if self.predictor.prefetch(answered) else None)
            if job is not None:
                self.pacer.stepped(job.done_at - self._now)
            return job
        return None

    def _refined_words(self, text: str) -> list[str]:
        self.last_answered = text
        superseded = self._superseded if self.instant else None
        return [s.word for s in self.predictor.suggest(text, k=K, superseded=superseded)]

    def _superseded(self) -> bool:
        return self._clock() >= self.horizon

    def _timed(self, text: str | None, work: Callable[[], list[str] | None]) -> Job | None:
        """Run `work` now, and schedule its result, and what it publishes on the way, for when
        the engine would have done them (None when it had nothing to do)."""
        network = self.predictor.network
        visible = network.knowledge
        started, decodes, began = self.free_at, self.decodes, time.perf_counter()

        def clock() -> float:
            elapsed = time.perf_counter() - began + (self.decodes - decodes) * self.decode_delay
            return started + elapsed

        publish = network.publish

        def timed_publish() -> None:
            publish()
            releases.append((clock(), network.knowledge))

        releases: list[tuple[float, Knowledge | None]] = []
        self._clock = clock
        network.publish = timed_publish  # type: ignore[method-assign]
        try:
            words = work()
        finally:
            del network.publish  # the instance's wrapper: the class's method again
            network.knowledge = visible  # not yet: the job is not done on the virtual clock
        if words is None:
            return None
        self.free_at = clock()
        self.releases.extend(releases)
        return Job(self.free_at, text, words)

    def _finish(self, job: Job) -> None:
        if job.text is not None and job.text == self.current:
            self._show(job.text, job.words)


def type_in_real_time(
    predictor: Predictor,
    texts: Iterable[list[str]],
    max_words: int,
    chars_per_second: float,
    decode_delay: float,
    instant: bool,
) -> dict[str, Any]:
    """Type `texts` at `chars_per_second` with the engine as in the app (see the module)."""
    predictor.drop_cache()
    keyboard = RealTimeKeyboard(predictor, chars_per_second, decode_delay, instant)
    typist = Typist(keyboard)
    keyboard.score = typist.score
    try:
        run_typist(typist, texts, max_words)
    finally:
        keyboard.close()
        predictor.network.knowledge = None  # what the virtual clock held back is stale
    report = typist.score.as_dict()
    report.pop("mean_latency_ms")  # the virtual clock's, not a latency
    return {
        **report,
        "strips_for_exact_text": round(keyboard.exact_strips / max(keyboard.asked, 1), 4),
        "decodes": keyboard.decodes,
    }
