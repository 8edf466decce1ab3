"""`bench ksr --personal-split F`: the keyboard with and without what a personal store learned.

Each author's text learns its first part into a store of its own, as one user's keyboard would,
and types the rest with it (`ksr.learning_groups`); the same typist types the same rest without a
store, side by side in one run. With `online`, a store also goes on learning each paragraph once
it is typed, as the app does.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from keyboard_app.bench.ksr import Score, Typist, run_typist
from keyboard_app.engine import Predictor

Groups = list[tuple[list[str], list[list[str]]]]


def typed_texts(groups: Groups) -> list[list[str]]:
    return [text for _, typed in groups for text in typed]


def with_personal(
    model: Path | None, threads: int | None, groups: Groups, max_words: int, online: bool
) -> dict[str, Any]:
    """The model keyboard with a personal store per group (the one without is the report's)."""
    report: dict[str, Any] = {"groups": len(groups)}
    runs = [("model_with_personal", False)]
    if online:
        runs.append(("model_with_personal_learning_online", True))
    for name, keeps_learning in runs:
        score, learned = _type_with_stores(model, threads, groups, max_words, keeps_learning)
        report[name] = score.as_dict()
        report["learned_words"] = learned
    return report


def _type_with_stores(
    model: Path | None, threads: int | None, groups: Groups, max_words: int, online: bool
) -> tuple[Score, int]:
    typist = Typist(lambda text: [])
    learned = 0
    with tempfile.TemporaryDirectory(prefix="keyboard-app-personal-") as folder:
        for index, (lines, typed) in enumerate(groups):
            store = Path(folder) / f"store-{index}.sqlite3"
            with Predictor.load(model, n_threads=threads, personal=store) as predictor:
                learned += sum(predictor.learn(line) for line in lines)

                def strip(text: str, predictor: Predictor = predictor) -> list[str]:
                    return [s.word for s in predictor.suggest(text, k=3)]

                def learn(above: str, line: str, predictor: Predictor = predictor) -> None:
                    predictor.learn(line)

                typist.keyboard = strip
                run_typist(typist, typed, max_words, learn if online else None)
    return typist.score, learned
