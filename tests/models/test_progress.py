"""Progress reports in words, as the command line and the Models dialog show them."""

from __future__ import annotations

import pytest

from keyboard_app.models.progress import Progress


@pytest.mark.parametrize(
    ("report", "words"),
    [
        (
            Progress("model.safetensors", 12_300_000, 548_000_000, 4_200_000, 125.0),
            "model.safetensors: 12 MB of 548 MB, 4.2 MB/s, 2 min left",
        ),
        (
            Progress("model.safetensors", 5_000_000, None, 1_000_000),
            "model.safetensors: 5.0 MB, 1.0 MB/s",
        ),
        (
            Progress("copying Model.gguf", 10, 20, 10.0, 0.2),
            "copying Model.gguf: 10 B of 20 B, 10 B/s, 1 s left",
        ),
        (Progress("x", 1, 2, 1.0, 3_900.0), "x: 1 B of 2 B, 1 B/s, 1 h 5 min left"),
        (Progress("converting", 40, 148), "converting: 40 of 148"),
        (Progress("quantizing to q8_0", 0, 1), "quantizing to q8_0"),
        (Progress("loading it once to check it", 0, None), "loading it once to check it"),
    ],
)
def test_a_report_in_words(report: Progress, words: str) -> None:
    assert report.describe() == words
