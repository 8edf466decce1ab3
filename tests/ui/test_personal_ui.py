"""The personal store in the window: words learned as they are finished, pause and off, files
not learned, the penalty for a suggestion deleted at once, and the dialog of what was learned."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from keyboard_app import paths
from keyboard_app.bench.key_typing import press
from keyboard_app.engine.errors import ModelError
from keyboard_app.personal import PersonalStore, learnable
from keyboard_app.settings import SettingsStore
from keyboard_app.ui.dialogs.personal_dialog import SHOWN_ENTRIES, PersonalDialog
from keyboard_app.ui.dialogs.settings_dialog import SettingsDialog
from keyboard_app.ui.main_window import MainWindow

from .conftest import input_method, settle, type_text, ui_settings

MakeWindow = Callable[..., MainWindow]


def count(store: PersonalStore, word: str) -> int:
    return store.word_counts([word])[word]


def test_a_word_is_learned_when_it_is_finished_and_not_before(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    type_text(window, "Ljubljana")
    settle(qtbot, window, store)
    assert count(store, "Ljubljana") == 0
    type_text(window, " is lovely")
    settle(qtbot, window, store)
    assert count(store, "Ljubljana") == 1
    assert count(store, "is") == 1
    assert count(store, "lovely") == 0  # not finished yet
    type_text(window, ".\n")
    settle(qtbot, window, store)
    assert count(store, "lovely") == 1
    assert any(e.text == "is lovely" for e in store.entries("lovely"))  # the phrase too


def test_text_an_input_method_commits_is_learned_as_typed_text(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    """On-screen keyboards and input methods send committed text, not keys."""
    for piece in ("Ljubljana", " is", " lovely", ". "):
        input_method(window, commit=piece)
    settle(qtbot, window, store)
    assert window.editor.text() == "Ljubljana is lovely. "
    assert (count(store, "Ljubljana"), count(store, "lovely")) == (1, 1)


def test_nothing_is_learned_while_paused_or_with_learning_off(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    assert window.status.learning.text() == "Learning"
    window.status.learning.click()
    assert window.settings.learning_paused
    assert window.status.learning.text() == "Learning paused"
    assert window.menu_actions.pause_learning.isChecked()
    type_text(window, "Ljubljana is lovely ")
    settle(qtbot, window, store)
    assert count(store, "Ljubljana") == 0
    window.menu_actions.pause_learning.setChecked(False)  # the menu resumes it too
    assert window.status.learning.text() == "Learning"
    window.apply_settings(replace(window.settings, learning_enabled=False))
    assert window.status.learning.text() == "Learning off"
    assert not window.status.learning.isEnabled()
    type_text(window, "Kranj is near ")
    settle(qtbot, window, store)
    assert count(store, "Kranj") == 0
    window.apply_settings(replace(window.settings, learning_enabled=True))
    type_text(window, "Bled ")
    settle(qtbot, window, store)
    assert count(store, "Bled") == 1


def test_pausing_or_turning_off_learning_in_one_copy_does_so_in_every_copy(
    qtbot: QtBot, make_window: MakeWindow, model_path: Path, store: PersonalStore
) -> None:
    """Two copies of the app share the settings file: a pause is for every window."""
    first = make_window(ui_settings(), model_path)
    second = make_window(ui_settings(), model_path)
    first.status.learning.click()
    qtbot.waitUntil(lambda: second.status.learning.text() == "Learning paused", timeout=5000)
    assert second.menu_actions.pause_learning.isChecked()
    assert "paused in another keyboard-app window" in second.status.currentMessage()
    type_text(second, "Ljubljana ")
    settle(qtbot, second, store)
    assert count(store, "Ljubljana") == 0
    first.status.learning.click()
    qtbot.waitUntil(lambda: second.status.learning.text() == "Learning", timeout=5000)
    first.apply_settings(replace(first.settings, learning_enabled=False))
    first.save_settings()
    qtbot.waitUntil(lambda: second.status.learning.text() == "Learning off", timeout=5000)
    second.save_settings()  # a later save of the other copy keeps it off
    assert not SettingsStore().load().learning_enabled


def test_an_open_settings_dialog_keeps_the_learning_switch_another_copy_changed(
    qtbot: QtBot, make_window: MakeWindow, model_path: Path
) -> None:
    first = make_window(ui_settings(), model_path)
    second = make_window(ui_settings(), model_path)
    first.show_settings_dialog()
    dialog = first.dialog
    assert isinstance(dialog, SettingsDialog) and dialog.learning.isChecked()
    second.apply_settings(replace(second.settings, learning_enabled=False))
    second.save_settings()
    qtbot.waitUntil(lambda: first.status.learning.text() == "Learning off", timeout=5000)
    dialog.font_size.setValue(17)  # the user changes something else, then OK
    dialog.accept()
    assert not first.settings.learning_enabled
    assert not SettingsStore().load().learning_enabled


def test_a_word_typed_while_paused_is_not_learned_when_learning_resumes(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    window.personal.set_paused(True)
    type_text(window, "my private zorblax")
    window.personal.set_paused(False)
    type_text(window, " and Bled ")
    settle(qtbot, window, store)
    assert count(store, "zorblax") == 0
    assert count(store, "Bled") == 1


def test_pausing_or_switching_models_stops_a_document_being_learned(
    qtbot: QtBot, window: MainWindow, model_path: Path
) -> None:
    window.editor.set_text("words " * 200_000)  # long enough to be still learning
    window.personal.learn_document()
    assert window.personal.progress is not None
    with qtbot.assertNotEmitted(window.client.document_done, wait=200):
        window.personal.set_paused(True)
    assert window.personal.progress is None
    assert "stopped" in window.status.currentMessage()
    window.personal.set_paused(False)
    window.personal.learn_document()
    assert window.personal.progress is not None
    with qtbot.waitSignal(window.client.loaded, timeout=20_000):
        window.load_model(str(model_path))  # does not wait for the rest of the document
    assert window.personal.progress is None


def test_an_opened_file_is_not_learned_but_what_is_typed_after_it_is(
    qtbot: QtBot, window: MainWindow, store: PersonalStore, tmp_path: Path
) -> None:
    path = tmp_path / "letter.txt"
    path.write_text("Greetings from Ljubljana", encoding="utf-8")
    window.documents.load(path)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    type_text(window, " and Kranj ")
    settle(qtbot, window, store)
    assert count(store, "Ljubljana") == 0  # finished by a typed space, but not typed
    assert count(store, "Greetings") == 0
    assert count(store, "Kranj") == 1
    assert count(store, "and") == 1


def test_learn_from_this_document_learns_it_all(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    window.editor.set_text("Greetings from Ljubljana\nKind regards")
    with qtbot.waitSignal(window.client.document_done, timeout=10_000) as done:
        window.personal.learn_document()
    assert done.args == [5, ""]
    assert count(store, "Ljubljana") == 1
    assert "Learned 5 words" in window.status.currentMessage()


ALT = Qt.KeyboardModifier.AltModifier


def _best_after_the(qtbot: QtBot, window: MainWindow) -> str:
    """Type "The " and return the strip's best word once the model's answer is there (the
    instant one before it may be the word trigrams')."""
    with qtbot.waitSignal(
        window.suggestions.refined, timeout=10_000, check_params_cb=lambda c, *_: c == "The "
    ):
        type_text(window, "The ")
    word = window.strip.best()
    assert word.isalpha(), word  # the seeded stand-in model's word
    return word


def _take_and_backspace(qtbot: QtBot, window: MainWindow, backspaces: int) -> str:
    """Take the strip's middle word with Tab after "The ", then press Backspace."""
    word = _best_after_the(qtbot, window)
    press(window.editor, Qt.Key.Key_Tab)
    assert window.editor.text() == f"The {word} "
    for _ in range(backspaces):
        press(window.editor, Qt.Key.Key_Backspace)
    return word


def test_backspace_into_a_word_just_taken_counts_against_it(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    word = _take_and_backspace(qtbot, window, 2)  # the space, then the word's last letter
    window.client.learn(f"{word} {word} {word}", "")  # so that the penalty shows
    settle(qtbot, window, store)
    assert count(store, word) == 3
    type_text(window, "x")  # going on does not learn the word now
    settle(qtbot, window, store)
    assert count(store, word) == 3

    window.editor.set_text("")
    window.client.learn(word, "")
    settle(qtbot, window, store)
    before = count(store, word)
    _best_after_the(qtbot, window)  # the best may have changed with what was learned: take word
    slot = [window.strip.word_at(i) for i in range(3)].index(word)
    press(window.editor, (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3)[slot], ALT)
    assert window.editor.text() == f"The {word} "
    press(window.editor, Qt.Key.Key_Backspace)
    press(window.editor, Qt.Key.Key_Backspace)
    settle(qtbot, window, store)
    assert count(store, word) == before  # counted when taken, then penalised (WORD_PENALTY)


CTRL = Qt.KeyboardModifier.ControlModifier
DELETE_THE_WORD = [(Qt.Key.Key_Z, "undo"), (Qt.Key.Key_Backspace, "delete the word before")]


def phrase_count(store: PersonalStore, text: str) -> int:
    return sum(entry.count for entry in store.entries(text) if entry.text == text)


def take_a_word_learned_thrice(qtbot: QtBot, window: MainWindow, store: PersonalStore) -> str:
    """Take the strip's word after "The " once "The word" is learned three times (so that a
    penalty shows); the word."""
    word = _best_after_the(qtbot, window)
    window.editor.set_text("")
    window.client.learn(f"The {word}. The {word}. The {word}.", "")
    settle(qtbot, window, store)
    _best_after_the(qtbot, window)
    slot = [window.strip.word_at(i) for i in range(3)].index(word)
    press(window.editor, (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3)[slot], ALT)
    assert window.editor.text() == f"The {word} "
    return word


@pytest.mark.parametrize(("key", "_meaning"), DELETE_THE_WORD)
def test_a_word_just_taken_undone_or_deleted_with_ctrl_counts_against_it(
    qtbot: QtBot, window: MainWindow, store: PersonalStore, key: Qt.Key, _meaning: str
) -> None:
    word = take_a_word_learned_thrice(qtbot, window, store)
    press(window.editor, key, CTRL)
    assert window.editor.text() == "The "
    settle(qtbot, window, store)
    assert phrase_count(store, f"The {word}") == 3 + 1 - 2  # taken, then one against


@pytest.mark.parametrize(("key", "_meaning"), DELETE_THE_WORD)
def test_a_word_just_finished_undone_or_deleted_with_ctrl_is_taken_back(
    qtbot: QtBot, window: MainWindow, store: PersonalStore, key: Qt.Key, _meaning: str
) -> None:
    type_text(window, "We met ")
    window.editor.set_text("We met in ")  # no undo history: what is typed next is the one step
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    type_text(window, "Ljubljana ")
    settle(qtbot, window, store)
    assert count(store, "Ljubljana") == 1
    press(window.editor, key, CTRL)
    assert window.editor.text() == "We met in "
    settle(qtbot, window, store)
    assert count(store, "Ljubljana") == 0
    assert count(store, "met") == 1


def test_a_word_taken_is_learned_once_the_user_goes_on(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    word = _take_and_backspace(qtbot, window, 0)
    type_text(window, "again ")
    settle(qtbot, window, store)
    assert count(store, word) == (2 if word.lower() == "again" else 1)
    assert count(store, "again") >= 1


def test_a_damaged_store_is_moved_aside_and_the_user_told_where(
    make_window: MakeWindow, model_path: Path
) -> None:
    path = paths.personal_store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a database at all" * 100)
    win = make_window(ui_settings(), model_path)
    notices = [b for b in win.findChildren(QMessageBox) if b.isVisible()]
    assert notices, "no message about the damaged store"
    assert "damaged" in notices[0].text() and str(path.parent) in notices[0].text()
    notices[0].accept()


# --- the dialog ---


@pytest.fixture
def dialog(qtbot: QtBot, tmp_path: Path) -> Iterator[PersonalDialog]:
    path = tmp_path / "personal.sqlite3"
    with PersonalStore.open(path) as filled:
        filled.learn(learnable("Kind regards from Ljubljana\nKind regards\nSee you in Kranj"))
    opened = PersonalDialog(path)
    qtbot.addWidget(opened)
    opened.show()
    wait_idle(qtbot, opened)
    yield opened
    opened.wait_for_store()  # as the app does when it quits: its thread must not outlive it


def wait_idle(qtbot: QtBot, dialog: PersonalDialog) -> None:
    """Until the dialog's store thread has done what it was asked, and the dialog shows it."""
    qtbot.waitUntil(lambda: dialog.idle, timeout=20_000)


def cell(dialog: PersonalDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    assert item is not None
    return item.text()


def texts(dialog: PersonalDialog) -> list[str]:
    return [cell(dialog, row, 0) for row in range(dialog.table.rowCount())]


def test_the_dialog_lists_and_searches(qtbot: QtBot, dialog: PersonalDialog) -> None:
    shown = texts(dialog)
    assert {"Ljubljana", "Kind regards", "¶ Kind regards"} <= set(shown)
    assert shown.index("¶ Kind regards") < shown.index("Ljubljana")  # most used first
    assert cell(dialog, shown.index("Kind"), 2) == "2"
    assert "words and" in dialog.summary.text() and "phrases" in dialog.summary.text()
    dialog.search.setText("ljub")
    wait_idle(qtbot, dialog)
    assert texts(dialog) and all("ljub" in text.lower() for text in texts(dialog))
    assert "Ljubljana" in texts(dialog)


def test_the_dialog_forgets_the_selected_entries(qtbot: QtBot, dialog: PersonalDialog) -> None:
    assert not dialog.forget_button.isEnabled()
    dialog.table.selectRow(texts(dialog).index("Ljubljana"))
    assert dialog.forget_button.isEnabled()
    dialog.forget_button.click()
    wait_idle(qtbot, dialog)
    assert not any("Ljubljana" in text for text in texts(dialog))
    assert "Kranj" in texts(dialog)


def test_enter_forgets_nothing_and_delete_forgets_the_selected(
    qtbot: QtBot, dialog: PersonalDialog
) -> None:
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    before = texts(dialog)
    dialog.table.setFocus()
    dialog.table.selectRow(before.index("Ljubljana"))
    QTest.keyClick(dialog.table, Qt.Key.Key_Return)
    QTest.keyClicks(dialog.search, "Kr")
    QTest.keyClick(dialog.search, Qt.Key.Key_Return)
    dialog.search.clear()
    wait_idle(qtbot, dialog)
    assert texts(dialog) == before  # no default button acted on the selection
    assert dialog.isVisible()
    dialog.table.setFocus()
    dialog.table.selectRow(before.index("Ljubljana"))
    QTest.keyClick(dialog.table, Qt.Key.Key_Delete)
    wait_idle(qtbot, dialog)
    assert not any("Ljubljana" in text for text in texts(dialog))


def test_esc_closes_the_store(qtbot: QtBot, dialog: PersonalDialog) -> None:
    assert dialog.store_open
    with qtbot.waitSignal(dialog.store_closed, timeout=5_000):
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
        assert not dialog.isVisible()
    assert not dialog.store_open


def test_closing_during_an_action_closes_the_store_once_it_is_done(
    qtbot: QtBot, dialog: PersonalDialog
) -> None:
    """Qt drops what is queued for a thread told to quit: the store's close went with it, and
    both its connections stayed open."""
    wait_idle(qtbot, dialog)
    store = dialog._work._store
    assert store is not None
    started = threading.Event()

    def slow(store: PersonalStore) -> None:
        started.set()
        time.sleep(0.3)  # an import or a forget under way

    dialog._ask(slow, lambda _: None)
    assert started.wait(5)
    with qtbot.waitSignal(dialog.store_closed, timeout=5_000):
        dialog.close()
    assert not dialog.store_open
    with pytest.raises(ModelError, match="closed"):
        store.stats()


def many_words_export(path: Path, words: int) -> Path:
    """An export file of `words` words and as many phrases (importing 40,000 entries takes
    about a second here)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    spelled = ["".join(t) for t in itertools.islice(itertools.product(letters, repeat=4), words)]
    now = time.time()
    document = {
        "format": "keyboard-app personal store",
        "version": 1,
        "exported": now,
        "words": [{"word": word, "count": 2, "last_used": now} for word in spelled],
        "phrases": [
            {"tokens": [word, after], "count": 1, "last_used": now}
            for word, after in zip(spelled, [*spelled[1:], "the"], strict=True)
        ],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_forgetting_from_a_full_list_refills_it_without_freezing_the_window(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The list refilled after a forget (or a clear, an import, a search) holds as many rows as
    before: each row's cells were replaced in place, which Qt does in time growing with the table,
    and 2,000 rows froze the window for a minute. The longest pause of the window's event loop is
    measured with a 10 ms timer, the bound far above what it takes now (a tenth of a second).
    The keyboard stays where it was: Down goes on to the next entry."""
    path = tmp_path / "personal.sqlite3"
    with PersonalStore.open(path) as filled:
        filled.import_json(many_words_export(tmp_path / "many.json", SHOWN_ENTRIES))
    shown = PersonalDialog(path)
    qtbot.addWidget(shown)
    shown.show()
    wait_idle(qtbot, shown)
    assert shown.table.rowCount() == SHOWN_ENTRIES
    beats: list[float] = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: beats.append(time.monotonic()))
    heartbeat.start(10)
    shown.table.setFocus()
    shown.table.selectRow(5)
    doomed, after = cell(shown, 5, 0), cell(shown, 7, 0)
    press(shown.table, Qt.Key.Key_Delete)
    wait_idle(qtbot, shown)
    qtbot.wait(50)
    heartbeat.stop()
    assert doomed not in texts(shown) and shown.table.rowCount() == SHOWN_ENTRIES
    assert max(b - a for a, b in itertools.pairwise(beats)) < 5.0
    assert not shown.table.selectionModel().hasSelection()  # a second Delete forgets nothing
    press(shown.table, Qt.Key.Key_Down)
    assert shown.table.selectedItems()[0].text() == after  # row 6, once row 7
    shown.wait_for_store()


def test_closing_during_a_long_import_returns_at_once(
    qtbot: QtBot, dialog: PersonalDialog, tmp_path: Path
) -> None:
    """Esc during an import of 150,000 entries froze the window for 4.5 s: the dialog waited
    for its store thread. The import finishes (all or nothing) and the store closes after."""
    dialog.import_from(str(many_words_export(tmp_path / "many.json", 20_000)))
    started = time.monotonic()
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    took = time.monotonic() - started
    assert not dialog.isVisible()
    assert dialog.store_open, "closing waited for the import to end"
    assert took < 0.2, f"closing waited {took:.2f} s"
    qtbot.waitUntil(lambda: not dialog.store_open, timeout=30_000)
    with PersonalStore.open(dialog.path) as store:
        assert store.stats().words > 20_000  # the import was finished, not cut


def test_clearing_asks_first(qtbot: QtBot, dialog: PersonalDialog) -> None:
    dialog.clear_button.click()
    question = next(b for b in dialog.findChildren(QMessageBox) if b.isVisible())
    question.button(QMessageBox.StandardButton.Cancel).click()
    assert texts(dialog)
    dialog.clear_button.click()
    question = next(b for b in dialog.findChildren(QMessageBox) if b.isVisible())
    question.button(QMessageBox.StandardButton.Yes).click()
    wait_idle(qtbot, dialog)
    assert texts(dialog) == []


def test_enter_on_the_clearing_question_keeps_everything(
    qtbot: QtBot, dialog: PersonalDialog
) -> None:
    """Cancel is the question's default: a reflexive Enter forgets nothing."""
    before = texts(dialog)
    dialog.clear_button.click()
    question = next(b for b in dialog.findChildren(QMessageBox) if b.isVisible())
    QTest.keyClick(question, Qt.Key.Key_Return)
    assert not question.isVisible()
    wait_idle(qtbot, dialog)
    assert before and texts(dialog) == before


def test_export_then_import_through_the_file_dialogs(
    qtbot: QtBot, dialog: PersonalDialog, tmp_path: Path
) -> None:
    before = texts(dialog)
    target = tmp_path / "learned.json"
    dialog.export_button.click()
    chooser = dialog.findChild(QFileDialog, "personalFile")
    assert chooser is not None
    chooser.selectFile(str(target))
    chooser.accept()
    wait_idle(qtbot, dialog)
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "keyboard-app personal store"
    with PersonalStore.open(dialog.path) as other:
        other.clear()
    dialog.refresh()
    wait_idle(qtbot, dialog)
    assert texts(dialog) == []
    dialog.import_from(str(target))
    wait_idle(qtbot, dialog)
    assert sorted(texts(dialog)) == sorted(before)
    assert dialog.summary.text().startswith("Imported")


def test_a_bad_import_file_is_explained_and_changes_nothing(
    qtbot: QtBot, dialog: PersonalDialog, tmp_path: Path
) -> None:
    before = texts(dialog)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    dialog.import_from(str(bad))
    wait_idle(qtbot, dialog)
    notices = [b for b in dialog.findChildren(QMessageBox) if b.isVisible()]
    assert notices and notices[0].text()
    notices[0].accept()
    wait_idle(qtbot, dialog)
    assert texts(dialog) == before
    assert dialog.import_button.isEnabled()
    assert "phrases learned" in dialog.summary.text()  # not "Importing…" for ever


@pytest.mark.parametrize("then", ["search", "forget"])
def test_a_store_damaged_while_the_dialog_is_open_is_said_once_in_the_summary(
    qtbot: QtBot, dialog: PersonalDialog, then: str
) -> None:
    """A listing that fails says so in the summary, with the list and its buttons off: it was
    taken for a failed change, shown in a message and listed again, which failed again, in a
    loop of hundreds of messages a second."""
    with dialog.path.open("r+b") as store_file:
        store_file.truncate(100)
    if then == "search":
        dialog.search.setText("k")
        dialog.refresh()
    else:
        dialog.table.selectRow(0)
        dialog.forget_selected()
    wait_idle(qtbot, dialog)
    with qtbot.assertNotEmitted(dialog.settled, wait=300):
        pass  # nothing more is asked of the store
    notices = [box for box in dialog.findChildren(QMessageBox) if box.isVisible()]
    assert len(notices) == (then == "forget")  # the change's own error, once
    assert "is damaged" in dialog.summary.text()
    assert not dialog.table.isEnabled() and not dialog.search.isEnabled()
    assert not dialog.import_button.isEnabled() and not dialog.clear_button.isEnabled()


def test_the_app_starts_and_suggests_when_its_data_folder_cannot_be_made(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    model_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("a file where the folder should be", "utf-8")
    monkeypatch.setenv("KEYBOARD_APP_DATA_DIR", str(blocker / "data"))
    win = make_window(ui_settings(), model_path)  # loaded, and the strip has words
    qtbot.waitUntil(lambda: win.personal.stopped, timeout=5_000)  # learning only is off, told
    assert win.status.learning.text() == "Learning stopped"
    for box in win.findChildren(QMessageBox):
        box.close()


def test_pause_learning_is_unavailable_while_learning_is_off(
    make_window: MakeWindow, model_path: Path
) -> None:
    """Like the status bar's toggle: pausing while off was stored and came back unannounced."""
    win = make_window(replace(ui_settings(), learning_enabled=False), model_path)
    pause = win.menu_actions.pause_learning
    assert not pause.isEnabled() and not win.status.learning.isEnabled()
    pause.trigger()
    assert not win.settings.learning_paused and not pause.isChecked()
    win.apply_settings(replace(win.settings, learning_enabled=True))
    assert pause.isEnabled()
    pause.trigger()
    assert win.settings.learning_paused and win.status.learning.text() == "Learning paused"
    win.apply_settings(replace(win.settings, learning_enabled=False))
    assert not pause.isEnabled()


def test_an_import_runs_off_the_window_with_its_buttons_waiting(
    qtbot: QtBot, dialog: PersonalDialog, tmp_path: Path
) -> None:
    exported = tmp_path / "learned.json"
    with PersonalStore.open(dialog.path) as other:
        other.export_json(exported)
    dialog.import_from(str(exported))
    assert dialog.summary.text() == "Importing…"  # the window goes on meanwhile
    assert not dialog.import_button.isEnabled() and not dialog.clear_button.isEnabled()
    wait_idle(qtbot, dialog)
    assert dialog.summary.text().startswith("Imported")
    assert dialog.import_button.isEnabled()
    assert cell(dialog, texts(dialog).index("Kind"), 2) == "4"  # the counts added up


def test_tab_leaves_the_list_and_the_search_is_reached_from_anywhere(
    qtbot: QtBot, dialog: PersonalDialog
) -> None:
    """The list kept Tab for its cells (2,000 rows of them, wrapping round): a keyboard trap,
    and the search field had no key to reach it again."""
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isActiveWindow())
    dialog.search.setFocus()
    QTest.keyClick(dialog.search, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.table
    QTest.keyClick(dialog.table, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is not dialog.table
    dialog.table.setFocus()
    QTest.keyClick(dialog.table, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert dialog.focusWidget() is dialog.search
    dialog.table.setFocus()
    QTest.keyClick(dialog.table, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert dialog.focusWidget() is dialog.search
    dialog.table.setFocus()
    QTest.keyClick(dialog.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert dialog.focusWidget() is dialog.search


def test_tab_into_the_list_selects_its_row_and_a_forget_leaves_nothing_selected(
    qtbot: QtBot, dialog: PersonalDialog
) -> None:
    """After a forget the same row numbers stayed selected, so a second Delete forgot the
    entries that had moved up; and Tab into the list selected nothing for Delete to forget."""
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isActiveWindow())
    before = texts(dialog)
    dialog.search.setFocus()
    QTest.keyClick(dialog.search, Qt.Key.Key_Tab)
    assert dialog.selected_texts() == [before[0]]  # the row a screen reader reads now
    QTest.keyClick(dialog.table, Qt.Key.Key_Down)
    assert dialog.selected_texts() == [before[1]]
    QTest.keyClick(dialog.table, Qt.Key.Key_Delete)
    wait_idle(qtbot, dialog)
    assert texts(dialog) == before[:1] + before[2:]
    assert dialog.selected_texts() == [] and not dialog.forget_button.isEnabled()
    QTest.keyClick(dialog.table, Qt.Key.Key_Delete)
    wait_idle(qtbot, dialog)
    assert texts(dialog) == before[:1] + before[2:]  # nothing the user did not pick


def test_the_columns_fit_their_text_in_a_large_font(qtbot: QtBot, dialog: PersonalDialog) -> None:
    """With a 20 pt font "Last used" showed "202…" under a header reading "ast use"."""
    font = dialog.font()
    font.setPointSize(20)
    dialog.setFont(font)
    qtbot.waitExposed(dialog)
    header = dialog.table.horizontalHeader()
    metrics = dialog.table.fontMetrics()
    for column in range(1, dialog.table.columnCount()):
        title = dialog.table.horizontalHeaderItem(column)
        assert title is not None
        widest = max(
            metrics.horizontalAdvance(text)
            for text in [title.text(), *(cell(dialog, row, column) for row in range(3))]
        )
        assert header.sectionSize(column) > widest, title.text()


def test_asking_again_for_the_open_dialog_gives_it_the_keyboard(
    qtbot: QtBot, window: MainWindow
) -> None:
    """It was raised but not activated: what the user typed for it went into the document."""
    window.personal.show_dialog()
    dialog = window.personal.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    window.activateWindow()
    window.editor.setFocus()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.personal.show_dialog()
    assert window.personal.dialog is dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.personal._closing_dialogs)  # its thread ended, it went
    window.personal.show_dialog()
    assert window.personal.dialog not in (None, dialog)  # a new one: the old one's store closed


def strip_words(window: MainWindow) -> list[str]:
    return [window.strip.word_at(p) for p in range(len(window.strip.buttons))]


def test_a_word_forgotten_in_the_dialog_leaves_the_strip_at_once(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    """It stayed until the next key: Tab put it back in, and it was learned again."""
    store.learn([["Okonkwo"]] * 5)
    type_text(window, "Oko")
    qtbot.waitUntil(lambda: "Okonkwo" in strip_words(window), timeout=10_000)
    window.personal.show_dialog()
    dialog = window.personal.dialog
    assert dialog is not None
    wait_idle(qtbot, dialog)
    dialog.table.selectRow(texts(dialog).index("Okonkwo"))
    dialog.forget_selected()
    wait_idle(qtbot, dialog)
    qtbot.waitUntil(lambda: "Okonkwo" not in strip_words(window), timeout=10_000)
    assert window.strip.context == window.editor.context()
