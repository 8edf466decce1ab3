"""`keyboard-app bench server` on a real llama-server, in its smallest form."""

from __future__ import annotations

import pytest

from keyboard_app.bench import server as bench
from keyboard_app.cli import main
from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.predictor import Suggestion


def test_typists_on_a_server_and_the_local_engine_side_by_side(random_model, random_model_server):
    report = bench.run(
        random_model_server.url, None, typists=2, seconds=1.0, model=random_model, agreement_keys=3
    )
    assert report["on_server"]["keystrokes"] == 30  # two typists, one second at 15 a second
    assert report["on_server"]["errors"] == 0
    assert report["on_server"]["requests_per_keystroke"] >= 1
    assert report["typists_niceness"] == 0  # a server elsewhere: nothing to give way to
    assert report["local_one_typist"]["keystrokes"] == 15
    assert report["ratios"]["first_typist_p95_over_local_p95"] > 0
    agreement = report["exact_agreement"]
    assert agreement["keystrokes"] == 3
    assert agreement["same_words_any_order"] >= 2 / 3  # exact: the same words, noise aside
    assert 0 <= agreement["largest_relative_difference"] < 1e-2
    assert agreement["local_typed_from_the_start"]["keystrokes"] == 3


def test_an_unreachable_server_is_an_error_before_any_typing(capsys):
    """Not a report of 0 ms keystrokes that all failed."""
    with pytest.raises(ModelError, match="Cannot reach"):
        bench.run("http://127.0.0.1:9", None, typists=1, seconds=0.5)
    code = main(["bench", "server", "--url", "http://127.0.0.1:9", "--seconds", "0.5"])
    err = capsys.readouterr().err
    assert (code, err) == (1, "error: Cannot reach the server at http://127.0.0.1:9.\n")


def test_keystrokes_that_all_failed_have_no_latency():
    typing = bench.Typing(errors=["Cannot reach the server"])
    summary = typing.summary()
    assert summary["keystrokes"] == 1 and summary["errors"] == 1
    assert summary["p50_ms"] is None and summary["p95_ms"] is None and summary["max_ms"] is None


def test_independent_typists_keep_the_pace_each_in_a_rhythm_of_its_own():
    first, second = (bench.keystroke_times(450, typist) for typist in (0, 1))
    assert first == bench.keystroke_times(450, 0)  # the same at every run
    assert first != second
    for times in (first, second):
        gaps = [b - a for a, b in zip([0.0, *times], times, strict=False)]
        assert all(gap > 0 for gap in gaps)
        assert abs(times[-1] / 450 - 1 / bench.CHARS_PER_SECOND) < 0.1 / bench.CHARS_PER_SECOND
        assert max(gaps) > 1.5 / bench.CHARS_PER_SECOND  # not a metronome
    lockstep = [bench.keystroke_times(450, typist, lockstep=True) for typist in (0, 1)]
    assert lockstep[0] == lockstep[1]


def test_lockstep_typists_are_reported_as_such(random_model_server):
    report = bench.run(random_model_server.url, None, typists=2, seconds=0.5, lockstep=True)
    assert report["rhythm"] == "lockstep"
    assert report["on_server"]["keystrokes"] == 16


def test_agreement_counts_keystrokes_and_measures_only_where_the_words_agree():
    def words(*pairs: tuple[str, float]) -> list[Suggestion]:
        return [Suggestion(word, p) for word, p in pairs]

    pairs = [
        (words(("the", 0.5), ("a", 0.202)), words(("the", 0.5), ("a", 0.2))),
        (words(("a", 0.9), ("the", 0.1)), words(("the", 0.5), ("a", 0.4))),
    ]
    report = bench.compared(pairs)
    assert report["keystrokes"] == 2
    assert report["same_three_words"] == 0.5
    assert report["same_best_word"] == 0.5
    assert report["same_words_any_order"] == 1.0
    assert report["largest_relative_difference"] == 0.01  # not 0.8: those words differ
