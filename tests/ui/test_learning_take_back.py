"""Words learned and then deleted before anything is written before them are taken back, however
they are deleted (a cut, a selection deleted or typed over, undo word by word, Shift held on
Backspace), while learning is paused too, and a word still whole in the text is kept; a word
forgotten in the dialog is not learned again as the history of the next phrase."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press
from keyboard_app.personal import PersonalStore
from keyboard_app.ui.main_window import MainWindow

from .conftest import settle, type_text
from .test_editor_undo import put_cursor, undone_by_keys
from .test_personal_ui import count, phrase_count, take_a_word_learned_thrice, texts, wait_idle

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def learned(qtbot: QtBot, window: MainWindow, store: PersonalStore, text: str) -> None:
    type_text(window, text)
    settle(qtbot, window, store)


@pytest.mark.parametrize("delete", ["cut", "delete", "backspace", "typed over"])
def test_a_selection_of_a_word_just_finished_deleted_takes_it_back(
    qtbot: QtBot, window: MainWindow, store: PersonalStore, delete: str
) -> None:
    learned(qtbot, window, store, "We met in Ljubljana ")
    assert count(store, "Ljubljana") == 1
    press(window.editor, Qt.Key.Key_Left, CTRL | SHIFT)  # "Ljubljana " selected
    key = {"cut": (Qt.Key.Key_X, CTRL), "delete": (Qt.Key.Key_Delete, Qt.KeyboardModifier(0))}
    if delete in key:
        press(window.editor, *key[delete])
    elif delete == "backspace":
        press(window.editor, Qt.Key.Key_Backspace)
    else:
        type_text(window, "Kranj")
    assert window.editor.text() == "We met in " + ("Kranj" if delete == "typed over" else "")
    settle(qtbot, window, store)
    assert count(store, "Ljubljana") == 0
    assert count(store, "met") == 1


def test_a_word_double_clicked_and_deleted_is_taken_back(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    learned(qtbot, window, store, "We met in Ljubljana ")
    cursor = window.editor.textCursor()
    cursor.setPosition(len("We met in Lju"))
    middle = window.editor.cursorRect(cursor).center()
    QTest.mouseDClick(window.editor.viewport(), Qt.MouseButton.LeftButton, pos=middle)
    assert window.editor.textCursor().selectedText() == "Ljubljana"
    press(window.editor, Qt.Key.Key_Delete)
    settle(qtbot, window, store)
    assert count(store, "Ljubljana") == 0


def test_undoing_a_sentence_word_by_word_takes_back_every_word_of_it(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    learned(qtbot, window, store, "my secret zorblax plan ")
    assert count(store, "zorblax") == 1
    undone = undone_by_keys(window.editor, 4)
    assert undone == ["my secret zorblax ", "my secret ", "my ", ""]  # a word an undo step
    settle(qtbot, window, store)
    assert store.word_counts(["my", "secret", "zorblax", "plan"]) == dict.fromkeys(
        ["my", "secret", "zorblax", "plan"], 0
    )
    assert not store.entries("zorblax")


def test_an_undo_of_the_words_after_a_mark_keeps_the_word_before_it(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    """The undo of " you " begins with the space that finished "zorblax,": it took back that
    word, still whole in the text, for good."""
    type_text(window, "Thanks zo")
    qtbot.waitUntil(lambda: window.strip.context == window.editor.context(), timeout=10_000)
    window.strip.show_suggestions(window.editor.context(), ["zorblax"])
    press(window.editor, Qt.Key.Key_2, ALT)
    learned(qtbot, window, store, ", you all ")
    assert count(store, "zorblax") == 1
    assert undone_by_keys(window.editor, 2) == ["Thanks zorblax, you ", "Thanks zorblax,"]
    settle(qtbot, window, store)
    assert count(store, "zorblax") == 1 and count(store, "you") == 0


def test_an_undo_of_a_line_break_keeps_the_word_before_it(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    learned(qtbot, window, store, "hello zorblax\nnext ")
    assert undone_by_keys(window.editor, 2) == [
        "hello zorblax\n",
        "hello zorblax",
    ]  # a line break is a step by itself
    settle(qtbot, window, store)
    assert count(store, "next") == 0 and count(store, "zorblax") == 1
    press(window.editor, Qt.Key.Key_Z, CTRL)  # and the word itself: taken back then
    assert window.editor.text() == "hello "
    settle(qtbot, window, store)
    assert count(store, "zorblax") == 0


@pytest.mark.parametrize("with_ctrl", [False, True])
def test_a_word_deleted_after_pausing_is_taken_back(
    qtbot: QtBot, window: MainWindow, store: PersonalStore, with_ctrl: bool
) -> None:
    learned(qtbot, window, store, "my pin is Zorblaxqy ")
    window.status.learning.click()
    assert window.status.learning.text() == "Learning paused"
    press(window.editor, Qt.Key.Key_Backspace, CTRL if with_ctrl else Qt.KeyboardModifier(0))
    settle(qtbot, window, store)
    assert count(store, "Zorblaxqy") == 0


def test_shift_backspace_puts_a_typo_right_as_backspace_does(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    window.apply_settings(replace(window.settings, autocorrect=False))
    learned(qtbot, window, store, "I will recieve ")
    press(window.editor, Qt.Key.Key_Backspace, SHIFT)
    for _ in range(4):
        press(window.editor, Qt.Key.Key_Backspace)
    learned(qtbot, window, store, "eive it ")
    assert window.editor.text() == "I will receive it "
    assert store.word_counts(["recieve", "receive"]) == {"recieve": 0, "receive": 1}


def test_a_word_forgotten_is_not_learned_again_as_the_history_of_the_next(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    learned(qtbot, window, store, "I met Zorblaxian yesterday ")
    window.personal.show_dialog()
    dialog = window.personal.dialog
    assert dialog is not None
    wait_idle(qtbot, dialog)
    dialog.table.selectRow(texts(dialog).index("Zorblaxian"))
    dialog.forget_selected()
    wait_idle(qtbot, dialog)
    dialog.close()
    window.editor.setFocus()
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    learned(qtbot, window, store, "evening ")
    assert count(store, "evening") == 1
    assert not store.entries("Zorblaxian")


def test_a_word_taken_inside_a_word_learned_takes_that_word_back(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    learned(qtbot, window, store, "We met Zorblax ")
    put_cursor(window.editor, len("We met Zorb"))
    qtbot.waitUntil(lambda: window.strip.context == "We met Zorb", timeout=10_000)
    press(window.editor, Qt.Key.Key_1, ALT)
    assert "Zorblax" not in window.editor.text()
    settle(qtbot, window, store)
    assert count(store, "Zorblax") == 0


def test_a_word_just_taken_then_selected_and_cut_counts_against_it(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    word = take_a_word_learned_thrice(qtbot, window, store)
    press(window.editor, Qt.Key.Key_Left, CTRL | SHIFT)  # the word and its space selected
    press(window.editor, Qt.Key.Key_X, CTRL)
    assert window.editor.text() == "The "
    settle(qtbot, window, store)
    assert phrase_count(store, f"The {word}") == 3 + 1 - 2  # taken, then one against


def test_a_selection_gone_without_the_cursor_moving_takes_nothing_back(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    learned(qtbot, window, store, "hello world ")
    for _ in range(len("world ")):
        press(window.editor, Qt.Key.Key_Left)
    for _ in range(len("world ")):
        press(window.editor, Qt.Key.Key_Right, SHIFT)  # "world " selected, the cursor at the end
    press(window.editor, Qt.Key.Key_Right)  # the selection goes; the cursor stays
    learned(qtbot, window, store, "again ")
    assert window.editor.text() == "hello world again "
    assert count(store, "world") == 1


def test_a_word_after_an_emoji_is_taken_back_where_it_is(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    """Qt counts an emoji as two places: counted as one, the word was looked for one too early."""
    learned(qtbot, window, store, "Zorblax\U0001f600 fine ")
    assert count(store, "Zorblax") == 1
    put_cursor(window.editor, 1)
    press(window.editor, Qt.Key.Key_Backspace)  # its first letter
    assert window.editor.text() == "orblax\U0001f600 fine "
    settle(qtbot, window, store)
    assert count(store, "Zorblax") == 0


def test_a_mark_after_a_word_taken_counts_no_letter_not_typed(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    """The mark took the added space's place: the opening bracket opened with the file was then
    learned with the word."""
    window.editor.set_text("Notes (")
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.waitUntil(lambda: window.strip.context == "Notes (" and bool(window.strip.best()))
    word = window.strip.word_at(0)
    press(window.editor, Qt.Key.Key_1, ALT)
    type_text(window, ", ")
    assert window.editor.text() == f"Notes ({word}, "
    settle(qtbot, window, store)
    assert not any(entry.text.startswith("(") for entry in store.entries(word))
    assert count(store, word) == 0


def test_replace_all_takes_back_the_words_replaced_and_no_others(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    """Qt tells a Replace All as one change from the first match to the last: every word
    learned between them was taken back, though it was still in the text."""
    learned(qtbot, window, store, "the cat met zorblax in Ljubljana and the cat ")
    assert count(store, "zorblax") == 1
    bar = window.find_bar
    bar.open_replace()
    bar.sought.setText("cat")
    bar.replacement.setText("dog")
    bar.replace_all()
    assert window.editor.text() == "the dog met zorblax in Ljubljana and the dog "
    settle(qtbot, window, store)
    assert count(store, "cat") == 0
    assert store.word_counts(["met", "zorblax", "Ljubljana"]) == dict.fromkeys(
        ["met", "zorblax", "Ljubljana"], 1
    )
