"""Typing updates the strip; clicks, Alt+N and Tab insert suggestions; stale results are dropped."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press
from keyboard_app.ui.main_window import MainWindow
from keyboard_app.ui.suggestion_strip import SuggestionStrip, slot_order
from keyboard_app.ui.suggestions import keep_in_place
from tests.ui.conftest import type_text


def wait_for_strip(qtbot: QtBot, window: MainWindow) -> list[str]:
    """Wait until the strip shows suggestions for exactly the text before the cursor."""

    def current() -> bool:
        return window.strip.context == window.editor.context() and bool(window.strip.best())

    qtbot.waitUntil(current, timeout=10_000)
    return [window.strip.word_at(p) for p in range(len(window.strip.buttons))]


def test_slot_order_puts_the_best_in_the_middle() -> None:
    assert slot_order(3) == [1, 0, 2]
    assert slot_order(5) == [3, 1, 0, 2, 4]
    assert slot_order(1) == [0]


def test_strip_shows_words_phone_style(qtbot: QtBot) -> None:
    strip = SuggestionStrip(3)
    qtbot.addWidget(strip)
    strip.show_suggestions("ctx", ["best", "second", "third"])
    assert [b.text() for b in strip.buttons] == ["second", "best", "third"]
    assert strip.buttons[1].font().bold()
    assert all(b.focusPolicy() == Qt.FocusPolicy.NoFocus for b in strip.buttons)
    assert "best" in strip.buttons[1].accessibleName()
    with qtbot.waitSignal(strip.picked) as picked:
        strip.buttons[2].click()
    assert picked.args == ["third"]
    strip.show_suggestions("ctx", ["only"])
    assert not strip.buttons[0].isEnabled()


def test_typing_updates_strip_with_matching_words(qtbot: QtBot, window: MainWindow) -> None:
    type_text(window, "Hello the")
    words = wait_for_strip(qtbot, window)
    assert window.strip.context == "Hello the"
    assert len(words) == 3
    assert all(word.lower().startswith("the") for word in words), words
    assert window.status.latency_label.text().endswith("ms")


def test_enter_in_an_empty_document_gets_words(qtbot: QtBot, window: MainWindow) -> None:
    """The text "\n" starts a sentence: the strip gets words for it, no error in the status bar."""
    qtbot.keyClick(window.editor, Qt.Key.Key_Return)
    assert window.editor.context() == "\n"
    assert len(wait_for_strip(qtbot, window)) == 3
    assert "error" not in window.status.currentMessage().lower()


def test_strip_follows_cursor_moves(qtbot: QtBot, window: MainWindow) -> None:
    type_text(window, "one two thr")
    wait_for_strip(qtbot, window)
    press(window.editor, Qt.Key.Key_Home)
    for _ in range(5):
        press(window.editor, Qt.Key.Key_Right)
    assert window.editor.context() == "one t"
    words = wait_for_strip(qtbot, window)
    assert all(word.lower().startswith("t") for word in words), words


def test_strip_follows_an_undo_that_puts_the_cursor_back(qtbot: QtBot, window: MainWindow) -> None:
    """Qt tells of an undone letter typed over a selection with the cursor before it, then puts the
    cursor after it without a word: the strip is for the text as it ends up, undone and redone."""
    type_text(window, "The cat")
    wait_for_strip(qtbot, window)
    press(window.editor, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    type_text(window, "p")
    wait_for_strip(qtbot, window)
    press(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.context() == "The cat"
    assert all(word.lower().startswith("cat") for word in wait_for_strip(qtbot, window))
    press(
        window.editor,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.editor.context() == "The cap"
    assert all(word.lower().startswith("cap") for word in wait_for_strip(qtbot, window))


def test_clicking_each_button_inserts_its_word(qtbot: QtBot, window: MainWindow) -> None:
    for position in range(3):
        window.editor.clear()
        type_text(window, "Good wea")
        words = wait_for_strip(qtbot, window)
        window.strip.buttons[position].click()
        assert window.editor.toPlainText() == f"Good {words[position]} "
        assert window.editor.hasFocus()


def test_next_word_gets_a_space_after_punctuation(qtbot: QtBot, window: MainWindow) -> None:
    type_text(window, "Done.")
    words = wait_for_strip(qtbot, window)
    window.strip.buttons[1].click()
    assert window.editor.toPlainText() == f"Done. {words[1]} "


def test_alt_2_and_tab_take_the_middle_word(qtbot: QtBot, window: MainWindow) -> None:
    type_text(window, "The quick bro")
    words = wait_for_strip(qtbot, window)
    press(window.editor, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert window.editor.toPlainText() == f"The quick {words[1]} "

    next_words = wait_for_strip(qtbot, window)
    press(window.editor, Qt.Key.Key_Tab)
    assert window.editor.toPlainText() == f"The quick {words[1]} {next_words[1]} "
    assert window.editor.hasFocus()


def test_alt_1_and_alt_3_take_the_sides(qtbot: QtBot, window: MainWindow) -> None:
    type_text(window, "I wr")
    words = wait_for_strip(qtbot, window)
    press(window.editor, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert window.editor.toPlainText() == f"I {words[0]} "
    words = wait_for_strip(qtbot, window)
    press(window.editor, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert window.editor.toPlainText().endswith(f" {words[2]} ")


def test_taking_a_word_is_one_undo_step(qtbot: QtBot, window: MainWindow) -> None:
    type_text(window, "Hello wo")
    wait_for_strip(qtbot, window)
    window.editor.document().clearUndoRedoStacks()
    press(window.editor, Qt.Key.Key_Tab)
    window.editor.undo()
    assert window.editor.toPlainText() == "Hello wo"


def test_selection_is_replaced(qtbot: QtBot, window: MainWindow) -> None:
    type_text(window, "Some text")
    cursor = window.editor.textCursor()
    cursor.setPosition(5)
    cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
    window.editor.setTextCursor(cursor)
    words = wait_for_strip(qtbot, window)
    assert window.strip.context == "Some "
    press(window.editor, Qt.Key.Key_Tab)
    assert window.editor.toPlainText() == f"Some {words[1]} "


def test_a_key_never_takes_a_word_meant_for_other_letters(qtbot: QtBot, window: MainWindow) -> None:
    """Tab and Alt+2 right after letters, before the strip has their words: nothing is taken
    rather than a word for the letters before (which would turn "qu" into "world")."""
    type_text(window, "Hello wor")
    wait_for_strip(qtbot, window)
    type_text(window, "ld. The qu")
    stale = window.strip.context != window.editor.context()
    press(window.editor, Qt.Key.Key_Tab)
    press(window.editor, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    text = window.editor.toPlainText()
    if stale:  # the usual case: the keys came before the answer
        assert text == "Hello world. The qu"
    assert re.fullmatch(r"Hello world\. The qu(\S* ){0,2}", text), text
    words = wait_for_strip(qtbot, window)
    press(window.editor, Qt.Key.Key_Tab)  # once the strip is for the text, Tab takes its word
    assert window.editor.toPlainText().endswith(f" {words[1]} ")


def test_fast_typing_ends_on_the_newest_text(qtbot: QtBot, window: MainWindow) -> None:
    """Keystrokes faster than the model: the strip ends up showing the final text's words."""
    shown: list[str] = []
    window.suggestions.shown.connect(lambda context, _ms: shown.append(context))
    type_text(window, "A sentence typed all at once without waiting for the model")
    wait_for_strip(qtbot, window)
    assert shown[-1] == window.editor.context()
    # Every result shown was for the newest request at the time it arrived, and old ones were
    # dropped, so the strip never went back to an older text.
    assert len(shown) == len(set(shown))


def test_refined_words_keep_the_slots_of_the_words_that_stay() -> None:
    assert keep_in_place(["held", "help", "hello"], ["help", "helped", "hello"]) == [
        "helped",
        "help",
        "hello",
    ]
    assert keep_in_place(["a", "b", "c"], ["c", "b", "a"]) == ["a", "b", "c"]
    assert keep_in_place([], ["x", "y"]) == ["x", "y"]
    assert keep_in_place(["x", "y", "z"], ["y"]) == ["y"]


def test_the_strip_shows_the_instant_answer_then_the_refined_one(
    qtbot: QtBot, window: MainWindow
) -> None:
    shown: list[str] = []
    refined: list[str] = []
    window.suggestions.shown.connect(lambda context, _ms: shown.append(context))
    window.suggestions.refined.connect(lambda context, _ms, _changed: refined.append(context))
    type_text(window, "Thank you for your hel")
    qtbot.waitUntil(
        lambda: bool(refined) and refined[-1] == window.editor.context(), timeout=10_000
    )
    assert shown[-1] == "Thank you for your hel"  # the first strip for the text, once
    assert len(shown) == len(set(shown)) and len(refined) == len(set(refined))
    words = [window.strip.word_at(p) for p in range(len(window.strip.buttons))]
    assert all(word.lower().startswith("hel") for word in words), words


def shown_strip(qtbot: QtBot, width: int, count: int = 3) -> SuggestionStrip:
    """A strip on screen (polished: the style sheet's fonts apply), `width` pixels wide."""
    strip = SuggestionStrip(count)
    qtbot.addWidget(strip)
    strip.resize(width, 60)
    strip.show()
    qtbot.waitExposed(strip)
    return strip


def test_after_a_correction_the_next_words_are_upright(qtbot: QtBot) -> None:
    """Italics mark corrections only: a correction's italic once stuck to every slot."""
    strip = shown_strip(qtbot, 600)
    strip.show_suggestions("I recieve", ["receive", "relieve", "recieve"], ["receive", "relieve"])
    assert [b.font().italic() for b in strip.buttons] == [True, True, False]
    strip.show_suggestions("I recieve the ", ["man", "old", "way"])
    assert not any(b.font().italic() for b in strip.buttons)
    assert [b.font().bold() for b in strip.buttons] == [False, True, False]


def test_the_autocorrect_frame_does_not_change_the_strip_s_height(qtbot: QtBot) -> None:
    """The frame's border made the strip 2 px taller while it showed: the editor above it
    shrank and grew again, the strip jumping under the typist's eyes, with each framed typo."""
    strip = shown_strip(qtbot, 600)
    strip.show_suggestions("I will sned", ["send", "shed", "seed"], ["send", "shed", "seed"])
    plain = (strip.sizeHint().height(), [button.sizeHint().height() for button in strip.buttons])
    strip.show_suggestions(
        "I will sned", ["send", "shed", "seed"], ["send", "shed", "seed"], "send"
    )
    assert strip.buttons[1].property("autocorrect") == "true"
    framed = (strip.sizeHint().height(), [button.sizeHint().height() for button in strip.buttons])
    assert framed == plain


def test_a_long_word_is_elided_and_whole_in_its_tooltip_and_name(qtbot: QtBot) -> None:
    long = "internationalization"
    strip = shown_strip(qtbot, 330)
    strip.show_suggestions("the ", [long, "a", "b"])
    middle = strip.buttons[1]
    assert middle.text() != long and "…" in middle.text()
    assert middle.fontMetrics().horizontalAdvance(middle.text()) <= middle.text_width()
    assert long in middle.toolTip() and long in middle.accessibleName()
    strip.resize(1200, 60)
    qtbot.waitUntil(lambda: middle.text() == long)


def test_a_long_word_alone_takes_the_room_of_the_empty_slots(qtbot: QtBot) -> None:
    """It was elided to a third of the strip between two blank slots."""
    long = "internationalization"
    strip = shown_strip(qtbot, 330)
    strip.show_suggestions("the ", [long])
    middle = strip.buttons[1]
    qtbot.waitUntil(lambda: middle.text() == long)
    strip.show_suggestions("the ", [long, "a", "b"])  # three words share the strip again
    qtbot.waitUntil(lambda: "…" in middle.text())
    widths = [button.width() for button in strip.buttons]
    assert max(widths) - min(widths) <= 1


def test_an_empty_slot_stays_inside_the_strip(qtbot: QtBot) -> None:
    """With two words, the empty third slot and its divider were laid out past the strip's right
    edge (x 792 to 838 in a strip 800 wide): the words had been given all of the strip."""
    strip = shown_strip(qtbot, 800)
    strip.show_suggestions("I will see you tomor", ["tomorrow", "tomorrow's", "tomorrows"])
    qtbot.wait(50)  # laid out with three words first, as while typing
    strip.show_suggestions("I will see you tomorow", ["tomorrow", "tomorow"], ["tomorrow"])
    empty = strip.buttons[2]
    assert not empty.isEnabled()
    margins = strip.layout().contentsMargins()  # type: ignore[union-attr]
    right = strip.contentsRect().right() - margins.right()
    qtbot.waitUntil(lambda: strip.buttons[0].width() > 300)  # the two words took the room
    assert empty.geometry().right() <= right, [b.geometry().getRect() for b in strip.buttons]
    assert empty.width() >= empty.minimumWidth()
    assert strip.buttons[1].geometry().right() < empty.geometry().left()
    strip.show_suggestions("I will see you tomorrow ", ["at", "and", "morning"])
    qtbot.waitUntil(
        lambda: max(b.width() for b in strip.buttons) - min(b.width() for b in strip.buttons) <= 1
    )


def test_a_word_with_an_ampersand_is_shown_and_is_no_shortcut(qtbot: QtBot) -> None:
    """A word with "&" is shown as it is: taken for a mnemonic, "R&D" would show "RD" and take
    Alt+D."""
    strip = shown_strip(qtbot, 600)
    strip.show_suggestions("ctx", ["R&D", "a", "b"])
    middle = strip.buttons[1]
    assert middle.shortcut().isEmpty()
    assert middle.text() == "R&&D"  # how a button shows a literal "&"


def test_the_words_follow_the_application_font(qtbot: QtBot) -> None:
    """They stayed at 12 pt under a desktop's 20 pt large text: the smallest text in the window."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    normal = app.font()
    large = QFont(normal)
    large.setPointSizeF(20)
    try:
        app.setFont(large)
        strip = shown_strip(qtbot, 600)
        strip.show_suggestions("the ", ["best", "second", "third"])
        assert all(button.font().pointSizeF() > 20 for button in strip.buttons)
        app.setFont(normal)  # while the strip is shown
        qtbot.waitUntil(lambda: all(b.font().pointSizeF() < 20 for b in strip.buttons))
    finally:
        app.setFont(normal)


def test_at_its_narrowest_every_slot_with_a_word_shows_some_of_it(qtbot: QtBot) -> None:
    """Seven slots at the window's narrowest all showed nothing, not even "…"."""
    strip = shown_strip(qtbot, 600, count=7)
    strip.show_suggestions("the ", [f"word{rank}" for rank in range(7)])
    strip.resize(1, 60)  # as narrow as it goes
    qtbot.waitUntil(lambda: strip.width() == strip.minimumSizeHint().width())
    for button in strip.buttons:
        assert button.text(), button.accessibleName()
        assert button.fontMetrics().horizontalAdvance(button.text()) <= button.text_width()
