"""Keystroke savings typed in real time, on the virtual clock, with the built-in model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyboard_app.bench.realtime_ksr import type_in_real_time
from keyboard_app.cli import main
from keyboard_app.engine import Predictor

TEXTS = [["The United States of America is a country. It was a long day, and thank you."]]


@pytest.fixture(scope="module")
def predictor():
    with Predictor.load(None) as loaded:
        loaded.suggest("Warm up: the dictionary and the n-grams are read on the first call")
        yield loaded


def test_a_slow_typist_always_sees_the_exact_text(predictor: Predictor) -> None:
    for instant in (False, True):
        # A keystroke a second: the model answers each before the next, even on a busy machine.
        report = type_in_real_time(predictor, TEXTS, 100, 1.0, 0.0, instant)
        assert report["strips_for_exact_text"] == 1.0
        assert report["ksr"] > 0.2


def test_a_slow_model_answers_in_time_only_with_instant_answers(predictor: Predictor) -> None:
    # A decode far longer than the gap between two keystrokes: the model's own answer is for
    # text that has changed by then; the strip only shows the instant answers.
    before = type_in_real_time(predictor, TEXTS, 100, 15.0, 2.0, instant=False)
    after = type_in_real_time(predictor, TEXTS, 100, 15.0, 2.0, instant=True)
    assert before["strips_for_exact_text"] < 0.2
    assert after["strips_for_exact_text"] == 1.0
    assert after["ksr"] > before["ksr"]
    assert after["characters"] == before["characters"]
    # Fewer decodes than keystrokes asked at: most requests coalesced while the engine was busy.
    assert after["decodes"] < before["keystrokes"]


def test_the_virtual_clock_leaves_the_predictor_as_it_was(predictor: Predictor) -> None:
    type_in_real_time(predictor, TEXTS, 10, 15.0, 1.0, instant=True)
    decoded = predictor.stats().tokens_decoded
    assert predictor.suggest("It was a long ", k=3)  # no decode counter left on the backend
    assert "decode" not in vars(predictor.backend)
    assert predictor.stats().tokens_decoded > decoded


def test_the_command_reports_real_time_beside_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    heldout = tmp_path / "heldout.txt"
    heldout.write_text("It was a long day.\n\nThank you very much.\n", "utf-8")
    training = tmp_path / "train.txt"
    training.write_text("It was a good day.\nThank you very much.\n", "utf-8")
    argv = ["bench", "ksr", str(heldout), "--train-text", str(training), "--words", "all"]
    assert main([*argv, "--chars-per-second", "15", "--decode-delay-ms", "500", "--json"]) == 0
    real_time = json.loads(capsys.readouterr().out)["real_time"]
    assert real_time["chars_per_second"] == 15.0
    assert real_time["decode_delay_ms"] == 500.0
    for name in ("no_delay", "with_decode_delay"):
        runs = real_time[name]
        assert runs["before"]["words"] == runs["after"]["words"] == 9
        assert runs["after_minus_offline_ksr"] == pytest.approx(
            runs["after"]["ksr"] - real_time["offline_ksr"], abs=1e-4
        )


def test_a_job_stops_decoding_once_a_newer_keystroke_waits(predictor: Predictor) -> None:
    """With a decode far longer than the typing, the first answer decodes its context, and then
    learns that the next keystroke is due: no candidate is decoded for it (the app's engine is
    free for the newer text). Without instant answers the engine is never told."""
    before = type_in_real_time(predictor, TEXTS, 100, 15.0, 100.0, instant=False)
    after = type_in_real_time(predictor, TEXTS, 100, 15.0, 100.0, instant=True)
    assert after["decodes"] == 1
    assert before["decodes"] > after["decodes"]


def test_the_decode_delay_is_given_in_milliseconds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """100 ms a decode, a keystroke a second: every answer is in time (100 s would be none)."""
    heldout = tmp_path / "heldout.txt"
    heldout.write_text("It was a long day.\n", "utf-8")
    argv = ["bench", "ksr", str(heldout), "--train-text", str(heldout), "--words", "all"]
    assert main([*argv, "--chars-per-second", "1", "--decode-delay-ms", "100", "--json"]) == 0
    delayed = json.loads(capsys.readouterr().out)["real_time"]["with_decode_delay"]
    assert delayed["before"]["strips_for_exact_text"] == 1.0
