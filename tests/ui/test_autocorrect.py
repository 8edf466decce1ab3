"""Autocorrect on space in the editor, with real key events, on a model whose weights make "the"
the likeliest word after "have": the strip marks the correction, a space puts it in, a Backspace
right after undoes it (and the word is kept from then on), and it never acts when switched off,
on a word, or once something else happened."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextCursor
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press, type_char
from keyboard_app.engine.lexicon import load_lexicon
from keyboard_app.engine.sources.corrections import corrector_of
from keyboard_app.engine.window import TEXT_STEP
from keyboard_app.paths import lexicon_path
from keyboard_app.personal import PersonalStore
from keyboard_app.ui.editor import CONTEXT_UNITS
from keyboard_app.ui.main_window import MainWindow

from .conftest import ContinuationEnds, input_method, settle, ui_settings

MakeWindow = Callable[..., MainWindow]
THE = {" have": {" the": 9.0, " ten": 2.0}}
DEFAULT = {".": 5.0}


@pytest.fixture(autouse=True, scope="module")
def correction_index() -> None:
    """The corrector's index is built on a thread of its own; until then nothing is corrected."""
    corrector_of(load_lexicon(lexicon_path())).wait_ready()


def open_window(
    make_window: MakeWindow, bigram_model: Callable[..., Path], autocorrect: bool = True
) -> MainWindow:
    return make_window(replace(ui_settings(), autocorrect=autocorrect), bigram_model(THE, DEFAULT))


def type_and_wait(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Type `text` and wait for the model's answer for it on the strip."""
    for char in text:
        type_char(window.editor, char)
    with qtbot.waitSignal(window.suggestions.refined, timeout=10_000) as refined:
        window.suggestions.refresh(force=True)
    assert refined.args is not None and refined.args[0] == window.editor.context()


def test_the_strip_marks_the_correction_a_space_puts_in(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = open_window(make_window, bigram_model)
    type_and_wait(qtbot, win, "I have teh")
    assert win.strip.autocorrect == "the"
    assert "the" in win.strip.corrections
    button = next(b for b in win.strip.buttons if b.text() == "the")
    assert button.property("correction") == "true" and button.property("autocorrect") == "true"
    assert button.accessibleName().endswith("correction, put in by a space")


def test_space_corrects_and_backspace_right_after_restores_the_word_for_good(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = open_window(make_window, bigram_model)
    type_and_wait(qtbot, win, "I have teh")
    type_char(win.editor, " ")
    assert win.editor.text() == "I have the "
    assert win.status.currentMessage() == "teh → the (Backspace right away puts teh back)"
    press(win.editor, Qt.Key.Key_Backspace)
    assert win.editor.text() == "I have teh "
    assert win.status.currentMessage() == ""  # no longer so
    press(win.editor, Qt.Key.Key_Backspace)  # an ordinary Backspace now
    assert win.editor.text() == "I have teh"
    type_and_wait(qtbot, win, "")
    assert win.strip.autocorrect == ""  # kept: never corrected again
    assert "the" in win.strip.corrections  # but still offered
    type_char(win.editor, " ")
    assert win.editor.text() == "I have teh "


@pytest.mark.parametrize("mark", [",", ";", "!", "?", ")", "]", '"', "\u201d", "\n"])
def test_a_mark_that_ends_the_word_corrects_it_before_the_mark_and_backspace_restores(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path], mark: str
) -> None:
    win = open_window(make_window, bigram_model)
    type_and_wait(qtbot, win, "I have teh")
    type_char(win.editor, mark)  # "\n": Return
    assert win.editor.context() == f"I have the{mark}"
    press(win.editor, Qt.Key.Key_Backspace)
    assert win.editor.context() == f"I have teh{mark}"


def open_window_offering_i(
    make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> MainWindow:
    """A model whose likeliest words are the pronoun I, so that the strip shows it."""
    return make_window(ui_settings(), bigram_model({}, {" I": 9.0, "I": 9.0}))


@pytest.mark.parametrize("text", ["See (i", "Steps:\ni", "Steps:\n  i", "i", "Steps:\u2028i"])
def test_a_lone_letter_closed_by_a_bracket_labels_an_item_and_stays_as_typed(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path], text: str
) -> None:
    win = open_window_offering_i(make_window, bigram_model)
    type_and_wait(qtbot, win, text)
    assert win.strip.autocorrect == "I"  # the pronoun, for a space: "(i think"
    type_char(win.editor, ")")
    assert win.editor.context() == f"{text})"


@pytest.mark.parametrize(("text", "mark"), [("See (i", " "), ("Then i", ")")])
def test_the_pronoun_is_corrected_before_a_space_or_after_a_word(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path], text: str, mark: str
) -> None:
    win = open_window_offering_i(make_window, bigram_model)
    type_and_wait(qtbot, win, text)
    type_char(win.editor, mark)
    assert win.editor.context() == text[:-1] + "I" + mark


@pytest.mark.parametrize("mark", [".", ":"])
def test_a_full_stop_or_colon_corrects_nothing_as_the_word_may_go_on(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path], mark: str
) -> None:
    """A file name, an abbreviation, an address or a time goes on after them (teh.txt)."""
    win = open_window(make_window, bigram_model)
    type_and_wait(qtbot, win, "I have teh")
    type_char(win.editor, mark)
    assert win.editor.context() == f"I have teh{mark}"


def test_undo_takes_the_correction_back_in_one_step(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = open_window(make_window, bigram_model)
    type_and_wait(qtbot, win, "I have teh")
    type_char(win.editor, " ")
    press(win.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.editor.text() == "I have teh"
    type_and_wait(qtbot, win, "")
    assert win.strip.autocorrect == ""  # kept, as after a Backspace: a space leaves it
    type_char(win.editor, " ")
    assert win.editor.text() == "I have teh "


def test_a_word_taken_and_the_letters_typed_after_it_are_two_undo_steps(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = open_window(make_window, bigram_model)
    type_and_wait(qtbot, win, "I have teh")
    type_char(win.editor, " ")  # the correction, a word put in like a taken one
    for char in "cat":
        type_char(win.editor, char)
    assert win.editor.text() == "I have the cat"
    win.editor.undo()
    assert win.editor.text() == "I have the "
    win.editor.undo()
    assert win.editor.text() == "I have teh"


def test_backspace_after_a_cursor_move_deletes_as_usual(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = open_window(make_window, bigram_model)
    type_and_wait(qtbot, win, "I have teh")
    type_char(win.editor, " ")
    press(win.editor, Qt.Key.Key_Left)
    press(win.editor, Qt.Key.Key_Right)
    press(win.editor, Qt.Key.Key_Backspace)
    assert win.editor.text() == "I have the"


def test_a_space_typed_before_the_answer_for_the_word_corrects_nothing(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    """The frame on the strip is for "teh": typed on to "tehs" and a space before the strip has
    caught up, the word is left as it is (the correction was not for it)."""
    win = open_window(make_window, bigram_model)
    type_and_wait(qtbot, win, "I have teh")
    assert win.strip.autocorrect == "the"
    type_char(win.editor, "s")  # no event is handled between the two keys
    type_char(win.editor, " ")
    assert win.editor.text() == "I have tehs "


def continue_after_an_autocorrection(qtbot: QtBot, win: MainWindow) -> None:
    """`I have teh` and a space (made `the`), then a continuation, its first piece shown."""
    type_and_wait(qtbot, win, "I have teh")
    type_char(win.editor, " ")
    assert win.editor.text() == "I have the "
    with qtbot.waitSignal(win.client.continuation_piece, timeout=10_000):
        press(win.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_backspace_over_a_continuation_preview_drops_it_and_undoes_no_correction(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    """A continuation asked for right after an autocorrection: the Backspace that follows acts
    on the preview (drops it, then deletes as usual); undoing the correction under the ghost
    text left the preview streaming, for Tab to put in after the word restored."""
    win = open_window(make_window, bigram_model)
    continue_after_an_autocorrection(qtbot, win)
    press(win.editor, Qt.Key.Key_Backspace)
    assert not win.editor.preview_active
    assert not win.continuation.streaming
    assert win.editor.text() == "I have the"


def test_ctrl_z_over_a_continuation_preview_drops_it_then_restores_the_word_for_good(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    """The preview shows as the last thing put in: the first Ctrl+Z takes it away alone, the
    next one the correction."""
    win = open_window(make_window, bigram_model)
    continue_after_an_autocorrection(qtbot, win)
    with qtbot.assertNotEmitted(win.autocorrect.restored):
        press(win.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.editor.text() == "I have the "
    assert not win.editor.preview_active
    with qtbot.waitSignal(win.autocorrect.restored, timeout=1000):
        press(win.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.editor.text() == "I have teh"


def test_switched_off_the_strip_offers_the_correction_and_the_space_is_a_space(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = open_window(make_window, bigram_model, autocorrect=False)
    type_and_wait(qtbot, win, "I have teh")
    assert "the" in win.strip.corrections and win.strip.autocorrect == ""
    type_char(win.editor, " ")
    assert win.editor.text() == "I have teh "


@pytest.mark.parametrize("typed", ["I have ten", "I have Teh", "I have teh2"])
def test_words_names_and_digits_are_never_corrected(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path], typed: str
) -> None:
    win = open_window(make_window, bigram_model)
    type_and_wait(qtbot, win, typed)
    assert win.strip.autocorrect == ""
    type_char(win.editor, " ")
    assert win.editor.text() == typed + " "


def test_a_space_after_a_full_stop_corrects_the_word_before_the_stop(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    """A sentence's last word: the stop corrects nothing (the word may go on, teh.txt), the space
    after it does, before the stop; Backspace right after restores the word for good."""
    win = open_window(make_window, bigram_model)
    type_and_wait(qtbot, win, "I have teh")
    type_char(win.editor, ".")
    assert win.editor.text() == "I have teh."
    type_char(win.editor, " ")
    assert win.editor.text() == "I have the. "
    press(win.editor, Qt.Key.Key_Backspace)
    assert win.editor.text() == "I have teh. "
    press(win.editor, Qt.Key.Key_Backspace)  # an ordinary Backspace now
    assert win.editor.text() == "I have teh."


def test_the_space_after_the_stop_corrects_where_the_context_moves_on_with_the_stop(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    """The model's context starts further on once the stop crosses one of its steps
    (`Editor.context`); the word before the stop is corrected all the same."""
    win = open_window(make_window, bigram_model)
    typed = "I have teh"
    filler = ("x" * 79 + "\n") * ((CONTEXT_UNITS + TEXT_STEP) // 80 + 1)
    filler = filler[: CONTEXT_UNITS + TEXT_STEP - 1 - len(typed)]
    win.editor.setPlainText(filler)
    win.editor.moveCursor(QTextCursor.MoveOperation.End)
    type_and_wait(qtbot, win, typed)
    context = win.editor.context()
    type_char(win.editor, ".")
    assert not win.editor.context().startswith(context[:100])  # its start moved on
    type_char(win.editor, " ")
    assert win.editor.text() == filler + "I have the. "


@pytest.mark.parametrize("after", ["t", ".", "\n"])
def test_a_full_stop_followed_by_anything_but_a_space_corrects_nothing(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path], after: str
) -> None:
    win = open_window(make_window, bigram_model)
    type_and_wait(qtbot, win, "I have teh")
    for char in "." + after + " ":
        type_char(win.editor, char)  # "\n": Return
    assert win.editor.text() == f"I have teh.{after} "


@pytest.mark.parametrize("stop", ["", "."])  # corrected by the space, or by the one after a stop
@pytest.mark.parametrize(
    ("key", "modifier"),
    [
        (Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
    ],
)
def test_a_corrected_word_is_learned_as_corrected_and_a_restored_one_as_typed(
    qtbot: QtBot,
    make_window: MakeWindow,
    bigram_model: Callable[..., Path],
    store: PersonalStore,
    key: Qt.Key,
    modifier: Qt.KeyboardModifier,
    stop: str,
) -> None:
    win = open_window(make_window, bigram_model)
    type_and_wait(qtbot, win, "I have teh")
    for char in stop + " ":
        type_char(win.editor, char)
    assert win.editor.text() == f"I have the{stop} "
    settle(qtbot, win, store)
    assert store.word_counts(["the", "teh"]) == {"the": 1, "teh": 0}
    press(win.editor, key, modifier)
    type_char(win.editor, " ")  # finished again (after the undo, which took its space)
    settle(qtbot, win, store)
    assert store.word_counts(["the", "teh"]) == {"the": 0, "teh": 1}


def test_an_autocorrection_undone_after_pausing_takes_the_correction_back(
    qtbot: QtBot,
    make_window: MakeWindow,
    bigram_model: Callable[..., Path],
    store: PersonalStore,
) -> None:
    win = open_window(make_window, bigram_model)
    type_and_wait(qtbot, win, "I have teh")
    type_char(win.editor, " ")
    settle(qtbot, win, store)
    assert store.word_counts(["the"]) == {"the": 1}
    win.status.learning.click()  # paused
    press(win.editor, Qt.Key.Key_Backspace)
    assert win.editor.text() == "I have teh "
    settle(qtbot, win, store)
    assert store.word_counts(["the", "teh"]) == {"the": 0, "teh": 0}  # nothing learned paused


@pytest.mark.parametrize("how", ["opened", "opened-then-typed-on", "pasted", "cursor-moved"])
def test_a_word_the_user_did_not_type_is_offered_but_never_autocorrected(
    qtbot: QtBot,
    make_window: MakeWindow,
    bigram_model: Callable[..., Path],
    tmp_path: Path,
    how: str,
) -> None:
    """A word from a file opened (or begun in one), pasted, or reached by moving the cursor: the
    strip offers its correction, unframed, and a space leaves it as it is."""
    win = open_window(make_window, bigram_model)
    if how.startswith("opened"):
        path = tmp_path / "letter.txt"
        path.write_text("I have teh" if how == "opened" else "I have t", encoding="utf-8")
        assert win.documents.load(path)
        press(win.editor, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        type_and_wait(qtbot, win, "" if how == "opened" else "eh")  # its start opened
    elif how == "pasted":
        type_and_wait(qtbot, win, "I have ")
        QGuiApplication.clipboard().setText("teh")
        press(win.editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    else:
        type_and_wait(qtbot, win, "I have teh")
        press(win.editor, Qt.Key.Key_Left)
        press(win.editor, Qt.Key.Key_Right)
    type_and_wait(qtbot, win, "")
    assert "the" in win.strip.corrections
    assert win.strip.autocorrect == ""
    type_char(win.editor, " ")
    assert win.editor.text() == "I have teh "


def test_a_word_typed_before_text_deleted_after_it_is_still_autocorrected(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    """Delete after the cursor leaves the text typed before it the user's typing: the strip
    frames the correction and a space puts it in, as the frame says."""
    win = open_window(make_window, bigram_model)
    win.editor.set_text("!!")
    press(win.editor, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    type_and_wait(qtbot, win, "I have teh")
    press(win.editor, Qt.Key.Key_Delete)
    type_and_wait(qtbot, win, "")
    assert win.strip.autocorrect == "the"
    type_char(win.editor, " ")
    assert win.editor.text() == "I have the !"


def test_after_an_undo_back_to_the_typed_word_the_frame_goes_with_the_correction(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    """The correction taken with Tab, then undone: the strip still held the words for "teh",
    framed, but the word is no longer the user's typing (an undo), so a space puts nothing in:
    the frame goes at once."""
    win = open_window(make_window, bigram_model)
    type_and_wait(qtbot, win, "I have teh")
    assert win.strip.autocorrect == "the"
    press(win.editor, Qt.Key.Key_Tab)
    assert win.editor.text() == "I have the "
    press(win.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.editor.text() == "I have teh"
    assert win.strip.context == "I have teh" and win.strip.autocorrect == ""
    type_char(win.editor, " ")
    assert win.editor.text() == "I have teh "


@pytest.mark.parametrize("toggles", [1, 2])
def test_pausing_or_resuming_learning_mid_word_leaves_autocorrect_as_framed(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path], toggles: int
) -> None:
    """Learning going off or on mid-word changes what is learned of the word, not what autocorrect
    does with it: the frame stays and the space corrects. The word typed across the toggle is not
    learned, corrected or not; the next is when learning is on again."""
    win = open_window(make_window, bigram_model)
    type_and_wait(qtbot, win, "I have t")
    for paused in (True, False)[:toggles]:
        win.personal.set_paused(paused)
    type_and_wait(qtbot, win, "eh")
    assert win.strip.autocorrect == "the"
    type_char(win.editor, " ")
    assert win.editor.text() == "I have the "
    type_and_wait(qtbot, win, "end. ")
    with PersonalStore.open(win.personal_store) as store:
        settle(qtbot, win, store)
        learned = {entry.text for entry in store.entries(limit=100)}
    assert {"I", "have", "I have"} <= learned
    assert not {"the", "teh"} & {word for entry in learned for word in entry.split()}
    assert ("end" in learned) == (toggles == 2)


def test_a_word_kept_from_autocorrect_stays_kept_when_the_model_is_loaded_again(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    """(Learning off: a word restored is learned too, and a learned word is never corrected.)"""
    settings = replace(ui_settings(), autocorrect=True, learning_enabled=False)
    win = make_window(settings, bigram_model(THE, DEFAULT))
    type_and_wait(qtbot, win, "I have teh")
    type_char(win.editor, " ")
    press(win.editor, Qt.Key.Key_Backspace)  # "teh" restored: kept from now on
    assert win.editor.text() == "I have teh "
    type_and_wait(qtbot, win, "")  # the engine thread has kept it (before this answer)
    with qtbot.waitSignal(win.client.loaded, timeout=30_000):
        win.apply_settings(replace(win.settings, n_threads=2))  # the model loaded again
    win.editor.set_text("")  # (a word of the document is never corrected either)
    type_and_wait(qtbot, win, "I have teh")
    assert "the" in win.strip.corrections and win.strip.autocorrect == ""
    type_char(win.editor, " ")
    assert win.editor.text() == "I have teh "


def test_a_space_while_a_continuation_shows_drops_it_and_corrects_the_word(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    """The space dropped the preview and left the word as typed, though the strip framed it."""
    win = open_window(make_window, bigram_model)
    type_and_wait(qtbot, win, "I have teh")
    assert win.strip.autocorrect == "the"
    ends = ContinuationEnds(win.client)
    press(win.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(ends.outcomes) and bool(win.editor.preview_text), timeout=20_000)
    type_char(win.editor, " ")
    assert not win.editor.preview_active
    assert win.editor.text() == "I have the "


@pytest.mark.parametrize("end", [" ", ",", ". "])
def test_an_input_methods_space_or_mark_corrects_as_the_key_does(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path], end: str
) -> None:
    """An on-screen keyboard's space left the framed word as typed."""
    win = open_window(make_window, bigram_model)
    type_and_wait(qtbot, win, "I have teh")
    for char in end:
        input_method(win, commit=char)
    assert win.editor.text() == f"I have the{end}"
    press(win.editor, Qt.Key.Key_Backspace)  # and undone as after the key
    assert win.editor.text() == f"I have teh{end}"
