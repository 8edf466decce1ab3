"""The pacer of the work ahead: a step starts only when it should end before the next keystroke."""

import pytest

from keyboard_app.engine.pacing import LONGEST_RHYTHM_S, PAUSED_AFTER_GAPS, AheadPacer


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def typed_in_rhythm(gap: float, keys: int = 5) -> tuple[AheadPacer, Clock]:
    clock = Clock()
    pacer = AheadPacer(clock)
    for _ in range(keys):
        pacer.keystroke()
        clock.now += gap
    clock.now -= gap  # just after the last keystroke
    return pacer, clock


def test_anything_may_start_before_the_rhythm_is_known():
    pacer = AheadPacer(Clock())
    assert pacer.may_start()
    pacer.keystroke()
    assert pacer.may_start()  # one keystroke: no gap known yet
    assert pacer.pause_due_in() == 0.0


def test_a_step_starts_only_when_it_ends_before_the_next_keystroke():
    pacer, clock = typed_in_rhythm(0.066)
    pacer.stepped(0.040)
    assert pacer.may_start()  # 0 + 40 ms <= 66 ms
    clock.now += 0.030
    assert not pacer.may_start()  # 30 + 40 ms > 66 ms: the keystroke would wait for it


def test_after_a_pause_steps_start_freely():
    pacer, clock = typed_in_rhythm(0.066)
    pacer.stepped(0.040)
    clock.now += 0.030
    assert not pacer.may_start()
    assert pacer.pause_due_in() == pytest.approx(PAUSED_AFTER_GAPS * 0.066 - 0.030)
    clock.now += pacer.pause_due_in()
    assert pacer.may_start()
    assert pacer.pause_due_in() == 0.0


def test_pauses_are_not_taken_for_the_rhythm():
    pacer, clock = typed_in_rhythm(0.066)
    clock.now += 2.0  # a pause
    pacer.keystroke()
    clock.now += 0.001
    pacer.stepped(0.040)
    assert pacer.may_start()
    clock.now += 0.030
    assert not pacer.may_start()  # still the 66 ms rhythm, not the pause's 2 s
    assert LONGEST_RHYTHM_S < 2.0


def test_the_averages_follow_a_changed_rhythm():
    pacer, clock = typed_in_rhythm(0.30)  # slow typing: a 150 ms step fits
    pacer.stepped(0.150)
    assert pacer.may_start()
    for _ in range(20):  # then fast typing
        clock.now += 0.05
        pacer.keystroke()
    assert not pacer.may_start()  # 150 ms no longer fits in a 50 ms gap


def test_a_timed_step_teaches_its_cost_only_when_it_did_work():
    pacer, clock = typed_in_rhythm(0.066)

    def step(cost: float, worked: bool) -> bool:
        clock.now += cost
        return worked

    assert not pacer.timed(lambda: step(0.050, False))  # nothing to do: learned nothing
    clock.now -= 0.050
    assert pacer.may_start()
    assert pacer.timed(lambda: step(0.050, True))
    clock.now -= 0.050 - 0.020  # 20 ms after the keystroke: 20 + 50 > 66
    assert not pacer.may_start()


def test_a_long_step_counts_for_a_while_then_fades():
    pacer, clock = typed_in_rhythm(0.066)
    pacer.stepped(0.100)  # one long step (a batch of pieces): 100 ms > 66 ms
    assert not pacer.may_start()
    pacer.stepped(0.010)  # a short one does not make the pacer forget it at once: 80 ms
    assert not pacer.may_start()
    pacer.stepped(0.010)  # 64 ms: fits
    assert pacer.may_start()
    for _ in range(30):
        pacer.stepped(0.010)
    clock.now += 0.050  # 50 + 10 ms <= 66 ms: the long step is forgotten
    assert pacer.may_start()
