"""`bench ksr --personal-split F`: the keyboard with and without what a personal store learned.

Each author's text learns its first part into a store of its own, as one user's keyboard would,
and types the rest with it (`ksr.learning_groups`); the same typist types the same rest without a
store, side by side in one run. With `online`, a store also goes on learning each paragraph once
it is typed, as the app does.

`recurring_words_ceiling` says how much a text lets a store gain by completing its author's words:
the KSR points the keyboard without a store would gain if every word of a typed part that its
author also wrote in the learned part, other than English's `COMMONEST` commonest words, were taken
at its first keystroke. (Common words recur in every text and the model predicts them already.) A
store's phrases, its next words, may gain on top of it. `recurring_words_after_one_letter` is the same
with each such word taken after its first letter, what a store's completions alone could reach
without guessing the word before it is begun.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from keyboard_app.bench.ksr import Score, Typist, run_typist
from keyboard_app.engine import Predictor
from keyboard_app.engine.lexicon import Lexicon
from keyboard_app.engine.words import WORDS

Groups = list[tuple[list[str], list[list[str]]]]
COMMONEST = 1000


def typed_texts(groups: Groups) -> list[list[str]]:
    return [text for _, typed in groups for text in typed]


def recurring_words_ceiling(
    groups: Groups, typist: Typist, english: Lexicon, letters: int = 0
) -> float:
    """The KSR points `typist` (a keyboard without a store, having typed the groups' typed texts)
    would gain with its recurring uncommon words taken after their first `letters` letters (0:
    at their first keystroke, before any letter), where it took them later."""
    common = {word.lower() for word, _ in islice(english.by_frequency(), COMMONEST)}
    saved = 0
    learned_of = _learned_of_each_typed_word(groups)
    # The typist may have stopped before the end (its word budget).
    for (word, keystrokes), learned in zip(typist.spent, learned_of, strict=False):
        if word.lower() in learned and word.lower() not in common:
            saved += max(keystrokes - 1 - letters, 0)
    return round(saved / max(typist.score.characters, 1), 4)


def _learned_of_each_typed_word(groups: Groups) -> Iterator[set[str]]:
    """For each word of the typed texts in turn, the words (lower case) its group learned."""
    for lines, typed in groups:
        learned = {match.group().lower() for line in lines for match in WORDS.finditer(line)}
        for line in (line for paragraphs in typed for line in paragraphs):
            for _ in WORDS.finditer(line):
                yield learned


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
