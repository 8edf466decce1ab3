"""The Edit menu (the editor's own keys: undo, redo, the clipboard, select all) and the find bar,
with real key events and the menu's actions triggered as a click does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QTextCursor
from PySide6.QtWidgets import QMenu, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press, type_char
from keyboard_app.engine.lexicon import load_lexicon
from keyboard_app.engine.sources.corrections import corrector_of
from keyboard_app.paths import lexicon_path
from keyboard_app.ui.find_bar import NOT_FOUND
from keyboard_app.ui.long_lines import CHUNK, LONG_LINE
from keyboard_app.ui.main_window import MainWindow

from .conftest import preedit, type_text, ui_settings
from .test_continuation import start_continuation, wait_until_streamed

MakeWindow = Callable[..., MainWindow]
TEXT = "The cat sat.\nA cat, a Cat and a dog.\nNo more cats"


def edit_action(window: MainWindow, text: str) -> QAction:
    """The Edit menu's action named `text` (its mnemonic left out)."""
    menu = next(menu for menu in window.findChildren(QMenu) if menu.title() == "&Edit")
    return next(action for action in menu.actions() if action.text().replace("&", "") == text)


def selected(window: MainWindow) -> tuple[int, str]:
    """Where the editor's selection starts, and what it is."""
    cursor = window.editor.textCursor()
    start = cursor.selectionStart()
    return start, window.editor.text_between(start, cursor.selectionEnd())


@pytest.fixture
def plain_window(make_window: MakeWindow) -> MainWindow:
    """A window with no model: the find bar and the Edit menu need none."""
    return make_window(ui_settings())


def type_into(widget: QWidget, text: str) -> None:
    for char in text:
        type_char(widget, char)


def find(window: MainWindow, sought: str, key: Qt.Key = Qt.Key.Key_F) -> None:
    """Open the find bar as Ctrl+F (or Ctrl+`key`) does and type `sought` in it."""
    press(window.editor, key, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible() and window.find_bar.sought.hasFocus()
    type_into(window.find_bar.sought, sought)


def test_typing_in_the_find_bar_selects_the_first_match_after_the_cursor(
    plain_window: MainWindow,
) -> None:
    plain_window.editor.set_text(TEXT)
    find(plain_window, "ca")
    assert selected(plain_window) == (4, "ca")
    assert plain_window.find_bar.found.text() == "1 of 4"
    type_char(plain_window.find_bar.sought, "t")
    assert selected(plain_window) == (4, "cat")  # the match grows where it is
    press(plain_window.find_bar.sought, Qt.Key.Key_Return)
    assert selected(plain_window) == (TEXT.index("cat,"), "cat")
    assert plain_window.find_bar.found.text() == "2 of 4"


def test_next_goes_round_to_the_start_and_previous_back_round_to_the_end(
    plain_window: MainWindow,
) -> None:
    plain_window.editor.set_text(TEXT)
    find(plain_window, "cat")
    starts = [selected(plain_window)[0]]
    for _ in range(4):
        press(plain_window.find_bar.sought, Qt.Key.Key_Return)
        starts.append(selected(plain_window)[0])
    every = [TEXT.lower().index("cat", 0)]
    while (after := TEXT.lower().find("cat", every[-1] + 1)) != -1:
        every.append(after)
    assert starts == [*every, every[0]]
    press(plain_window.find_bar.sought, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert selected(plain_window)[0] == every[-1]
    assert plain_window.find_bar.found.text() == "4 of 4"


def test_match_case_and_nothing_found(plain_window: MainWindow) -> None:
    plain_window.editor.set_text(TEXT)
    find(plain_window, "Cat")
    plain_window.find_bar.match_case.setChecked(True)
    assert selected(plain_window) == (TEXT.index("Cat"), "Cat")
    assert plain_window.find_bar.found.text() == "1 of 1"
    type_char(plain_window.find_bar.sought, "z")
    assert plain_window.find_bar.found.text() == NOT_FOUND
    assert plain_window.editor.text() == TEXT


def test_escape_closes_the_bar_and_gives_the_editor_the_focus_with_the_match_selected(
    plain_window: MainWindow,
) -> None:
    plain_window.editor.set_text(TEXT)
    find(plain_window, "dog")
    press(plain_window.find_bar.sought, Qt.Key.Key_Escape)
    assert not plain_window.find_bar.isVisible()
    assert plain_window.editor.hasFocus()
    assert selected(plain_window) == (TEXT.index("dog"), "dog")
    type_char(plain_window.editor, "X")  # typing replaces the match, as in any editor
    assert plain_window.editor.text() == TEXT.replace("dog", "X")


def test_f3_finds_the_next_match_with_the_bar_closed(plain_window: MainWindow) -> None:
    plain_window.editor.set_text(TEXT)
    find(plain_window, "a c")
    press(plain_window.find_bar.sought, Qt.Key.Key_Escape)
    first = selected(plain_window)
    press(plain_window.editor, Qt.Key.Key_F3)
    assert selected(plain_window) == (TEXT.index("a Cat"), "a C")
    assert first == (TEXT.index("A cat"), "A c")


def test_a_one_line_selection_is_what_ctrl_f_seeks(plain_window: MainWindow) -> None:
    plain_window.editor.set_text(TEXT)
    cursor = plain_window.editor.textCursor()
    cursor.setPosition(TEXT.index("dog"))
    cursor.setPosition(TEXT.index("dog") + 3, cursor.MoveMode.KeepAnchor)
    plain_window.editor.setTextCursor(cursor)
    find(plain_window, "")
    assert plain_window.find_bar.sought.text() == "dog"


def test_a_match_across_where_a_long_lines_blocks_meet_is_found_and_selected(
    plain_window: MainWindow,
) -> None:
    line = "x" * (CHUNK - 3) + "needle" + "y" * LONG_LINE
    text = f"first line\n{line}\nlast needle"
    plain_window.editor.set_text(text)
    assert plain_window.editor.document().blockCount() > 3  # the long line is in blocks
    find(plain_window, "needle")
    assert plain_window.find_bar.found.text() == "1 of 2"
    start, found = selected(plain_window)
    assert found == "needle"
    assert plain_window.editor.text_between(0, start) == text[: text.index("needle")]
    press(plain_window.find_bar.sought, Qt.Key.Key_Return)
    start, found = selected(plain_window)
    assert (found, plain_window.editor.text_between(0, start)) == ("needle", text[:-6])


@pytest.fixture(scope="module")
def correction_index() -> None:
    """The corrector's index is built on a thread of its own; until then nothing is corrected."""
    corrector_of(load_lexicon(lexicon_path())).wait_ready()


def test_undo_in_the_menu_is_ctrl_z_an_autocorrection_undone_is_learned_from(
    qtbot: QtBot,
    make_window: MakeWindow,
    bigram_model: Callable[..., Path],
    correction_index: None,
) -> None:
    model = bigram_model({" have": {" the": 9.0, " ten": 2.0}}, {".": 5.0})
    win = make_window(replace(ui_settings(), autocorrect=True), model)
    type_text(win, "I have teh")
    with qtbot.waitSignal(win.suggestions.refined, timeout=10_000):
        win.suggestions.refresh(force=True)
    type_char(win.editor, " ")
    assert win.editor.text() == "I have the "
    undo = edit_action(win, "Undo")
    assert undo.isEnabled()
    with qtbot.waitSignal(win.autocorrect.restored, timeout=1000) as restored:
        undo.trigger()
    assert restored.args is not None and restored.args[0].typed == "teh"
    assert win.editor.text() == "I have teh"
    edit_action(win, "Redo").trigger()
    assert win.editor.text() == "I have the "


def test_undo_in_the_menu_takes_back_a_word_at_a_time(plain_window: MainWindow) -> None:
    undo = edit_action(plain_window, "Undo")
    assert not undo.isEnabled()
    type_text(plain_window, "Hello there world")
    assert undo.isEnabled()
    undo.trigger()
    assert plain_window.editor.text() == "Hello there "


def test_select_all_and_copy_in_the_menu_copy_a_long_line_whole(plain_window: MainWindow) -> None:
    text = "words " * (LONG_LINE // 3) + "\nend"
    plain_window.editor.set_text(text)
    copy = edit_action(plain_window, "Copy")
    assert not copy.isEnabled()
    edit_action(plain_window, "Select All").trigger()
    assert copy.isEnabled()
    copy.trigger()
    assert QGuiApplication.clipboard().text() == text
    edit_action(plain_window, "Cut").trigger()
    assert plain_window.editor.text() == ""
    edit_action(plain_window, "Paste").trigger()
    assert plain_window.editor.text() == text


def open_replace(window: MainWindow, sought: str, replacement: str) -> None:
    """Open the bar for replacing as Ctrl+H does, type what is sought and the replacement."""
    find(window, sought, Qt.Key.Key_H)
    assert window.find_bar.replace_row.isVisible()
    press(window.find_bar.sought, Qt.Key.Key_Tab)  # the focus goes on to the replacement
    type_into(window.find_bar.replacement, replacement)


def test_replace_puts_in_the_replacement_for_the_match_and_selects_the_next(
    plain_window: MainWindow,
) -> None:
    plain_window.editor.set_text(TEXT)
    open_replace(plain_window, "cat", "bird")
    assert plain_window.find_bar.replacement.hasFocus()
    press(plain_window.find_bar.replacement, Qt.Key.Key_Return)
    assert plain_window.editor.text() == TEXT.replace("cat", "bird", 1)
    assert selected(plain_window) == (TEXT.index("cat,") + 1, "cat")
    assert plain_window.find_bar.found.text() == "1 of 3"
    plain_window.editor.undo()
    assert plain_window.editor.text() == TEXT


def test_replace_all_is_one_undo_step_and_says_how_many(plain_window: MainWindow) -> None:
    line = "x" * (CHUNK - 3) + "needle" + "y" * LONG_LINE
    text = f"{TEXT}\n{line}\nneedle"
    plain_window.editor.set_text(text)
    open_replace(plain_window, "needle", "pin")
    next(b for b in plain_window.find_bar.findChildren(QPushButton) if "All" in b.text()).click()
    assert plain_window.find_bar.found.text() == "Replaced 2"
    assert plain_window.editor.text() == text.replace("needle", "pin")
    edit_action(plain_window, "Undo").trigger()
    assert plain_window.editor.text() == text


def test_replace_with_nothing_selected_only_finds(plain_window: MainWindow) -> None:
    plain_window.editor.set_text(TEXT)
    open_replace(plain_window, "dog", "fox")
    cursor = plain_window.editor.textCursor()
    cursor.setPosition(0)
    plain_window.editor.setTextCursor(cursor)  # the match selected while typing is dropped
    plain_window.find_bar.replace_one()
    assert plain_window.editor.text() == TEXT
    assert selected(plain_window) == (TEXT.index("dog"), "dog")


def test_matches_after_emoji_and_cjk_are_selected_exactly(plain_window: MainWindow) -> None:
    text = "😀 日本 cat 🎉🎉 cat\n👍🏽 cat"
    plain_window.editor.set_text(text)
    find(plain_window, "cat")
    assert plain_window.find_bar.found.text() == "1 of 3"
    for _ in range(3):
        assert selected(plain_window)[1] == "cat"
        press(plain_window.find_bar.sought, Qt.Key.Key_Return)
    press(plain_window.find_bar.sought, Qt.Key.Key_Escape)
    plain_window.editor.moveCursor(QTextCursor.MoveOperation.End)
    plain_window.find_bar.sought.clear()
    open_replace(plain_window, "🎉", "!")
    plain_window.find_bar.replace_all()
    assert plain_window.editor.text() == text.replace("🎉", "!")


def test_paste_and_select_all_in_the_menu_act_on_the_find_bar_when_it_has_the_focus(
    plain_window: MainWindow,
) -> None:
    plain_window.editor.set_text("hello")
    find(plain_window, "he")
    QGuiApplication.clipboard().setText("llo")
    edit_action(plain_window, "Select All").trigger()
    assert plain_window.find_bar.sought.selectedText() == "he"
    edit_action(plain_window, "Paste").trigger()
    assert (plain_window.find_bar.sought.text(), plain_window.editor.text()) == ("llo", "hello")


def test_what_is_found_follows_the_text_changed_since(plain_window: MainWindow) -> None:
    """The text and its matches are read again once the document changes (they are kept
    between searches)."""
    plain_window.editor.set_text(TEXT)
    find(plain_window, "dog")
    assert plain_window.find_bar.found.text() == "1 of 1"
    press(plain_window.find_bar.sought, Qt.Key.Key_Escape)
    plain_window.editor.moveCursor(QTextCursor.MoveOperation.End)
    type_text(plain_window, " and a dog")
    cursor = plain_window.editor.textCursor()
    cursor.setPosition(len(TEXT))
    plain_window.editor.setTextCursor(cursor)
    press(plain_window.editor, Qt.Key.Key_F3)
    assert plain_window.find_bar.found.text() == "2 of 2"
    assert selected(plain_window) == (len(TEXT) + len(" and a "), "dog")


def test_finding_drops_a_continuation_preview(qtbot: QtBot, window: MainWindow) -> None:
    """Kept, the preview stayed drawn where it was, and Tab or Enter then put it in place of
    the match selected ("Once  Gerald… a time")."""
    start_continuation(qtbot, window)  # "Once upon a time", a preview after it
    wait_until_streamed(qtbot, window)
    assert window.editor.preview_text
    find(window, "upon")
    assert not window.editor.preview_active
    assert preedit(window) == ""
    assert selected(window) == (5, "upon")
    press(window.find_bar.sought, Qt.Key.Key_Escape)
    press(window.editor, Qt.Key.Key_Return)  # a line break in place of the match, as typed
    assert window.editor.text() == "Once \n a time"


def test_a_strip_word_is_not_taken_from_the_find_bar(plain_window: MainWindow) -> None:
    """Alt+2 in the find bar put a strip word in place of the match selected."""
    plain_window.editor.set_text(TEXT)
    open_replace(plain_window, "cat", "dog")
    context = plain_window.editor.context()
    plain_window.strip.show_suggestions(context, ["one", "two", "three"])
    assert plain_window.strip.context == context
    press(plain_window.find_bar.replacement, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert plain_window.editor.text() == TEXT


def test_the_count_goes_once_the_text_changes(plain_window: MainWindow) -> None:
    plain_window.editor.set_text(TEXT)
    find(plain_window, "cat")
    assert plain_window.find_bar.found.text() == "1 of 4"
    plain_window.editor.set_text("")  # File > New
    assert plain_window.find_bar.found.text() == ""
