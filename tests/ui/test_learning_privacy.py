"""What the window learns as the user types, with real key events, read back from the store:
secrets typed word by word, text that was not typed, and words taken then deleted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from keyboard_app import paths
from keyboard_app.bench.key_typing import press, type_char
from keyboard_app.engine.lexicon import load_lexicon
from keyboard_app.engine.sources.corrections import corrector_of
from keyboard_app.paths import lexicon_path
from keyboard_app.personal import PersonalStore
from keyboard_app.ui.main_window import MainWindow
from tests.personal.helpers import TYPED_SECRETS

from .conftest import (
    SENTINEL,
    confident_window,
    input_method,
    settle,
    type_text,
    ui_settings,
    wait_for_inline,
)

MakeWindow = Callable[..., MainWindow]
ALT = Qt.KeyboardModifier.AltModifier


def learned(store: PersonalStore) -> dict[str, int]:
    return {e.text: e.count for e in store.entries(limit=10_000) if SENTINEL not in e.text}


@pytest.mark.parametrize(
    ("text", "secrets"), [(f"{line}\n", secrets) for line, secrets in TYPED_SECRETS]
)
def test_a_secret_typed_key_by_key_is_never_learned(
    qtbot: QtBot, window: MainWindow, store: PersonalStore, text: str, secrets: list[str]
) -> None:
    type_text(window, text)
    settle(qtbot, window, store)
    entries = learned(store)
    assert not [entry for entry in entries if set(entry.split()) & set(secrets)]
    assert "ok" in entries and "¶ ok" not in entries  # after a secret: no paragraph's start


def test_a_number_typed_is_learned_once_the_word_after_it_is_finished(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    type_text(window, "born in 1984 ")
    settle(qtbot, window, store)
    assert "1984" not in learned(store)  # it may be a card's first group
    type_text(window, "in Kranj\n")
    settle(qtbot, window, store)
    entries = learned(store)
    assert entries["in 1984"] == 1 and entries["born in 1984"] == 1 and entries["1984 in"] == 1


def test_text_deleted_after_the_cursor_leaves_the_typing_before_it_learned(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    window.editor.set_text("!!")
    press(window.editor, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    type_text(window, "in Ljub")
    press(window.editor, Qt.Key.Key_Delete)
    type_text(window, "ljana ")
    settle(qtbot, window, store)
    assert window.editor.text() == "in Ljubljana !"
    assert learned(store) == {
        "in": 1,
        "Ljubljana": 1,
        "in Ljubljana": 1,
        "¶ in": 1,
        "¶ in Ljubljana": 1,
    }


def test_pasted_text_is_no_phrase_history(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    QGuiApplication.clipboard().setText("hunter2secret Ljubljana ")
    QTest.keyClick(window.editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    type_text(window, "is lovely ")
    settle(qtbot, window, store)
    assert window.editor.text() == "hunter2secret Ljubljana is lovely "
    assert learned(store) == {"is": 1, "lovely": 1, "is lovely": 1}


@pytest.mark.parametrize("pasted", ["We met in May 1994.", "Open page 12", "See you at 10:30"])
def test_a_word_typed_after_pasted_text_ending_in_a_number_is_learned(
    qtbot: QtBot, window: MainWindow, store: PersonalStore, pasted: str
) -> None:
    """The number held back at the pasted text's end is not learned, and no reason to learn
    nothing of the words typed after it (they were lost)."""
    QGuiApplication.clipboard().setText(pasted)
    QTest.keyClick(window.editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    type_text(window, " Zorblax agreed ")
    settle(qtbot, window, store)
    assert learned(store) == {"Zorblax": 1, "agreed": 1, "Zorblax agreed": 1}


def test_an_opened_files_text_is_no_phrase_history(
    qtbot: QtBot, window: MainWindow, store: PersonalStore, tmp_path: Path
) -> None:
    path = tmp_path / "letter.txt"
    path.write_text("Confidential: the merger with Acmecorp", encoding="utf-8")
    window.documents.load(path)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    type_text(window, " is off ")
    settle(qtbot, window, store)
    assert learned(store) == {"is": 1, "off": 1, "is off": 1}


def test_after_a_cursor_move_the_text_there_is_not_learned(
    qtbot: QtBot, window: MainWindow, store: PersonalStore, tmp_path: Path
) -> None:
    """Typing counts from where the cursor is: moved into an opened file's text, a space typed
    there finishes no word of it, however much was typed elsewhere before."""
    path = tmp_path / "letter.txt"
    path.write_text("Confidential Acmecorp merger", encoding="utf-8")
    window.documents.load(path)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    type_text(window, " is off for now")
    cursor = window.editor.textCursor()
    cursor.setPosition(len("Confidential Acmecorp"))
    window.editor.setTextCursor(cursor)  # as a click there does
    type_text(window, " ")
    settle(qtbot, window, store)
    assert window.editor.text() == "Confidential Acmecorp  merger is off for now"
    entries = learned(store)
    assert "for" in entries
    assert not [entry for entry in entries if "Acmecorp" in entry or "Confidential" in entry]


def test_a_pasted_label_still_keeps_the_secret_typed_after_it(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    QGuiApplication.clipboard().setText("password: ")
    QTest.keyClick(window.editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    type_text(window, "swordfish ok ")
    settle(qtbot, window, store)
    assert learned(store) == {}  # "ok" would have the secret as its history: not learned either


def _phrases(store: PersonalStore) -> dict[str, int]:
    counts = learned(store)
    return {key: counts.get(key, 0) for key in ("regards", "Kind regards", "¶ Kind regards")}


def test_a_word_finished_and_deleted_straight_away_is_learned_as_it_ends_up(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    """A typo put right after its space, a word given an ending: the first spelling stayed
    learned (and, known, was never autocorrected again)."""
    type_text(window, "the Zorblax ")
    press(window.editor, Qt.Key.Key_Backspace)
    type_text(window, "es agreed ")
    press(window.editor, Qt.Key.Key_Backspace)
    type_text(window, ", ok ")
    settle(qtbot, window, store)
    assert window.editor.text() == "the Zorblaxes agreed, ok "
    entries = learned(store)
    assert "Zorblax" not in entries and "the Zorblax" not in entries
    assert entries["Zorblaxes"] == 1 and entries["the Zorblaxes"] == 1
    assert entries["agreed"] == 1 and entries["agreed,"] == 1  # once, with its comma


def test_a_word_taken_by_mistake_and_deleted_costs_the_phrase_one_count(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    """The take was not learned yet: Backspace counts it and one against (the store's penalty
    takes both back), so the phrase typed three times loses one, and the word none."""
    for _ in range(3):
        window.client.learn("Kind regards", "")
    settle(qtbot, window, store)
    assert _phrases(store) == {"regards": 3, "Kind regards": 3, "¶ Kind regards": 3}
    with qtbot.waitSignal(
        window.suggestions.refined, timeout=10_000, check_params_cb=lambda c, *_: c == "Kind "
    ):
        type_text(window, "Kind ")
    slot = [window.strip.word_at(i) for i in range(3)].index("regards")
    press(window.editor, (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3)[slot], ALT)
    press(window.editor, Qt.Key.Key_Backspace)
    press(window.editor, Qt.Key.Key_Backspace)  # straight back into it
    settle(qtbot, window, store)
    assert _phrases(store) == {"regards": 3, "Kind regards": 2, "¶ Kind regards": 2}


def test_backspace_over_only_the_space_after_a_word_taken_counts_nothing_against_it(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    """Only a Backspace into the word (past its space) counts against it: the space deleted and
    typed again, the word is learned once, as if typed, and its phrase loses nothing."""
    for _ in range(3):
        window.client.learn("Kind regards", "")
    settle(qtbot, window, store)
    with qtbot.waitSignal(
        window.suggestions.refined, timeout=10_000, check_params_cb=lambda c, *_: c == "Kind "
    ):
        type_text(window, "Kind ")
    slot = [window.strip.word_at(i) for i in range(3)].index("regards")
    press(window.editor, (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3)[slot], ALT)
    press(window.editor, Qt.Key.Key_Backspace)  # the space only
    type_text(window, " ")
    assert window.editor.text() == "Kind regards "
    settle(qtbot, window, store)
    assert _phrases(store) == {"regards": 4, "Kind regards": 4, "¶ Kind regards": 4}


def test_an_inline_prediction_accepted_is_learned_as_a_word_taken(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = confident_window(make_window, bigram_model)
    store = PersonalStore.open(paths.personal_store_path())
    type_text(win, "Thank you for your hel")
    wait_for_inline(qtbot, win, "p with the report")
    press(win.editor, Qt.Key.Key_Tab)
    settle(qtbot, win, store)
    words = ["help", "with", "the", "report"]
    assert store.word_counts(words) == {"help": 1, "with": 1, "the": 1, "report": 0}
    press(win.editor, Qt.Key.Key_Backspace)
    press(win.editor, Qt.Key.Key_Backspace)  # straight back into "report": rejected
    type_text(win, " ")
    settle(qtbot, win, store)
    assert store.word_counts(words) == {"help": 1, "with": 1, "the": 1, "report": 0}
    assert "the report" not in learned(store)
    store.close()


def test_an_inline_prediction_accepted_and_gone_on_from_is_learned(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = confident_window(make_window, bigram_model)
    store = PersonalStore.open(paths.personal_store_path())
    type_text(win, "Thank you for your hel")
    wait_for_inline(qtbot, win, "p with the report")
    press(win.editor, Qt.Key.Key_Tab)
    type_text(win, "now ")
    settle(qtbot, win, store)
    assert learned(store)["with the report"] == 1
    store.close()


THE = {" have": {" the": 9.0, " ten": 2.0}}
DEFAULT = {".": 5.0}


def autocorrecting_window(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> MainWindow:
    """A window with autocorrect on, `I have teh` typed and its correction `the` framed."""
    corrector_of(load_lexicon(lexicon_path())).wait_ready()
    win = make_window(replace(ui_settings(), autocorrect=True), bigram_model(THE, DEFAULT))
    for char in "I have teh":
        type_char(win.editor, char)
    with qtbot.waitSignal(win.suggestions.refined, timeout=10_000):
        win.suggestions.refresh(force=True)
    assert win.strip.autocorrect == "the"
    return win


def test_an_autocorrection_undone_does_not_stay_learned(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = autocorrecting_window(qtbot, make_window, bigram_model)
    store = PersonalStore.open(paths.personal_store_path())
    type_char(win.editor, " ")
    assert win.editor.text() == "I have the "
    press(win.editor, Qt.Key.Key_Backspace)  # the user meant "teh"
    assert win.editor.text() == "I have teh "
    type_text(win, "again ")
    settle(qtbot, win, store)
    entries = learned(store)
    assert not [entry for entry in entries if "the" in entry.split()]
    assert entries["teh"] == 1 and entries["I have teh"] == 1 and entries["teh again"] == 1
    store.close()


def test_a_word_restored_from_an_autocorrection_and_deleted_is_taken_back(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = autocorrecting_window(qtbot, make_window, bigram_model)
    store = PersonalStore.open(paths.personal_store_path())
    type_char(win.editor, " ")
    press(win.editor, Qt.Key.Key_Backspace)  # restored: "teh " learned
    press(win.editor, Qt.Key.Key_Backspace)  # and its space deleted: taken back
    type_text(win, "m ")
    settle(qtbot, win, store)
    assert win.editor.text() == "I have tehm "
    entries = learned(store)
    assert "teh" not in entries and "the" not in entries and entries["tehm"] == 1
    store.close()


def test_a_backspace_after_letters_that_followed_a_finished_word_leaves_it_learned(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    """An input method's commit holding a space and a word after it: the Backspace deletes a
    letter of that word, and the word before the space stays learned."""
    type_text(window, "so ")
    input_method(window, commit="hello world")
    press(window.editor, Qt.Key.Key_Backspace)
    type_text(window, "d ")
    settle(qtbot, window, store)
    assert window.editor.text() == "so hello world "
    entries = learned(store)
    assert entries["hello"] == 1 and entries["world"] == 1 and entries["so hello"] == 1
