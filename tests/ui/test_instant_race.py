"""The instant thread and the engine thread race: the model's refined words must win."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import type_char
from keyboard_app.engine.predictor import Suggestion
from keyboard_app.ui.main_window import MainWindow


def test_a_late_instant_answer_does_not_replace_the_refined_words(
    qtbot: QtBot, window: MainWindow
) -> None:
    """An instant answer that arrives after the model's answer to the same keystroke (the instant
    thread lost the race) is dropped; nothing else can tell the strip which came first."""
    for char in "Hello wo":
        type_char(window.editor, char)
    client, context = window.client, window.editor.context()
    qtbot.waitUntil(
        lambda: client._refined == client._latest_suggest and window.strip.context == context,
        timeout=10_000,
    )
    refined = [window.strip.word_at(p) for p in range(3)]
    late = [Suggestion("wombat", 0.5), Suggestion("wobble", 0.3), Suggestion("woke", 0.2)]
    client._instant_worker.instant_ready.emit(client._latest_suggest, context, late)
    assert [window.strip.word_at(p) for p in range(3)] == refined
