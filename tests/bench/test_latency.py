"""`bench latency` end to end on the built-in model, at a fast pace so that the paused typing
sleeps little: what it types and how its report's numbers follow from each other."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from keyboard_app.bench.latency import TYPED_CHARS
from keyboard_app.cli import main
from keyboard_app.paths import builtin_model_path
from keyboard_app.personal import PersonalStore, learn_text


def test_the_report_types_the_passage_with_and_without_the_corrector_and_a_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "personal.sqlite3"
    with PersonalStore.open(store) as opened:
        learn_text(opened, "The exhibition opened at the museum by the river.")
    before = store.read_bytes()
    model = str(builtin_model_path())
    argv = ["bench", "latency", "--model", model, "--personal", str(store)]
    assert main([*argv, "--chars-per-second", "1000", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    typing, without = report["typing"], report["typing_without_corrector"]
    paused = report["paused_typing"]
    with_store = report["typing_with_personal"]
    runs = [typing, without, with_store, paused["without_work_ahead"], paused["with_work_ahead"]]
    for run in runs:
        assert run["keystrokes"] == TYPED_CHARS  # the passage's last 400 characters, one by one
        assert 0 < run["p50_ms"] <= run["p95_ms"] <= run["max_ms"]
    # The corrections decode nothing: the same tokens a keystroke with the corrector and without.
    assert typing["tokens_evaluated_per_keystroke"] == without["tokens_evaluated_per_keystroke"]
    for key in ("p50", "p95", "mean"):
        added = report["corrector_added_ms"][key]
        assert added == pytest.approx(typing[f"{key}_ms"] - without[f"{key}_ms"], abs=2e-3)
        added = report["personal_added_ms"][key]
        assert added == pytest.approx(with_store[f"{key}_ms"] - typing[f"{key}_ms"], abs=2e-3)
    assert with_store["personal_entries"] > 0
    assert store.read_bytes() == before  # typed on a copy
    assert paused["chars_per_second"] == 1000.0
    floor = report["single_token_decode_ms"]
    ratios = report["ratios"]
    assert ratios["p50_over_single_token_decode"] == pytest.approx(typing["p50_ms"] / floor, 0.01)
    assert ratios["p95_over_single_token_decode"] == pytest.approx(typing["p95_ms"] / floor, 0.01)
    for run in (paused["without_work_ahead"], paused["with_work_ahead"]):
        for key in ("p50", "p95"):
            ratio = run[f"{key}_over_single_token_decode"]
            assert ratio == pytest.approx(run[f"{key}_ms"] / floor, 0.01)
    assert report["model"]["layers"] == 6


def test_a_file_that_is_no_personal_store_is_an_error_not_an_empty_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    connection.close()
    before = other.read_bytes()
    model = str(builtin_model_path())
    assert main(["bench", "latency", "--model", model, "--personal", str(other), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "it is not a personal store this app can use" in captured.err
    assert other.read_bytes() == before
