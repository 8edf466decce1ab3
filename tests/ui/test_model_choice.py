"""One record of the chosen model: the model store's default, which Open Model File, the Models
dialog and `keyboard-app models use` all change, and which the next start loads."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from keyboard_app import paths
from keyboard_app.models import store
from keyboard_app.settings import SettingsStore
from keyboard_app.ui.app import move_model_file_setting, open_window
from keyboard_app.ui.dialogs.model_dialog import ModelDialog
from keyboard_app.ui.main_window import MainWindow
from tests.ui.conftest import LOAD_TIMEOUT_MS, close_window, type_text, ui_settings


def install(model: Path, name: str) -> Path:
    """Put a copy of `model` into the model store as `name` (no download, no trial load)."""
    staged = store.store_dir() / f".{name}.staged"
    shutil.copyfile(model, staged)
    installed = store.add_model(
        name, staged, source="test", revision=None, quantization="f32", type_mix={}
    )
    return installed.path


def next_start(qtbot: QtBot) -> MainWindow:
    """Start the app as `keyboard-app` does (no --model) and wait until its model is loaded."""
    window = open_window(None)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.client.model_info is not None, timeout=LOAD_TIMEOUT_MS)
    return window


def test_models_use_wins_over_a_file_opened_earlier(
    qtbot: QtBot, window: MainWindow, model_path: Path, second_model_path: Path
) -> None:
    installed = install(second_model_path, "other")
    with qtbot.waitSignal(window.client.loaded, timeout=LOAD_TIMEOUT_MS):
        window.use_model_file(str(model_path))  # Open Model File…
    assert store.model_to_load(None) == model_path
    store.set_default_model("other")  # what `keyboard-app models use other` does
    again = next_start(qtbot)
    try:
        assert again.client.model_info is not None
        assert again.client.model_info.path == installed
    finally:
        close_window(again)


def test_a_file_that_fails_to_load_is_not_remembered(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a gguf file at all")
    with qtbot.waitSignal(window.client.load_failed, timeout=LOAD_TIMEOUT_MS):
        window.use_model_file(str(broken))
    assert isinstance(window.models.message, QMessageBox)
    window.models.message.accept()
    assert store.default_model_path() is None


def test_the_model_file_of_an_older_settings_file_is_kept(
    qtbot: QtBot, model_path: Path, second_model_path: Path
) -> None:
    settings = SettingsStore()
    settings.path.write_text(json.dumps({"version": 1, "model_path": str(model_path)}), "utf-8")
    again = next_start(qtbot)
    try:
        assert again.client.model_info is not None
        assert again.client.model_info.path == model_path
    finally:
        close_window(again)
    assert settings.stored_value("model_path") is None
    # Moved once: a later `models use` is not undone by the old setting.
    install(second_model_path, "other")
    store.set_default_model("other")
    move_model_file_setting(settings)
    assert store.model_to_load(None) == store.store_dir() / "other.gguf"


@pytest.mark.parametrize("legacy", ["", "/no/such/model.gguf", 3])
def test_an_unusable_old_model_setting_is_dropped(legacy: object) -> None:
    settings = SettingsStore()
    settings.path.write_text(json.dumps({"version": 1, "model_path": legacy}), "utf-8")
    move_model_file_setting(settings)
    assert settings.stored_value("model_path") is None
    assert store.default_model_path() is None


def test_the_models_dialog_changes_the_same_record(
    qtbot: QtBot, make_window: Callable[..., MainWindow], model_path: Path, second_model_path: Path
) -> None:
    window = make_window(model=model_path)
    window.use_model_file(str(model_path))
    qtbot.waitUntil(lambda: store.default_model_path() == model_path, timeout=LOAD_TIMEOUT_MS)
    install(second_model_path, "other")
    dialog = dialog_with_selected(window, "other")
    with qtbot.waitSignal(window.client.loaded, timeout=LOAD_TIMEOUT_MS):
        dialog.use_selected()
    assert store.model_to_load(None) == store.store_dir() / "other.gguf"
    labels = [dialog.installed.item(i).text() for i in range(dialog.installed.count())]
    assert [label for label in labels if label.endswith("(default)")] == [
        next(label for label in labels if label.startswith("other"))
    ]  # the dialog marks the new choice at once
    dialog.close()


def dialog_with_selected(window: MainWindow, name: str) -> ModelDialog:
    """The Models dialog, shown, with the installed model `name` selected."""
    window.show_model_dialog()
    dialog = window.model_dialog
    assert dialog is not None
    labels = [dialog.installed.item(i).text() for i in range(dialog.installed.count())]
    dialog.installed.setCurrentRow(next(i for i, t in enumerate(labels) if t.startswith(name)))
    return dialog


def break_file(path: Path) -> None:
    """Damage a model file as a full disk or a bad copy would: its second half gone."""
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def test_a_chosen_model_that_no_longer_loads_gives_way_to_the_built_in_one(
    qtbot: QtBot, model_path: Path
) -> None:
    break_file(install(model_path, "brk"))
    store.set_default_model("brk")
    again = open_window(None)
    qtbot.addWidget(again)
    try:
        qtbot.waitUntil(lambda: again.client.model_info is not None, timeout=LOAD_TIMEOUT_MS)
        assert again.client.model_info is not None
        assert again.client.model_info.path == paths.builtin_model_path()
        box = again.models.message
        assert isinstance(box, QMessageBox)
        assert "The built-in model is used instead." in box.text()
        box.accept()
        assert store.default_model_name() == "brk"  # the user's choice, kept for them to mend
    finally:
        close_window(again)


def test_a_model_that_fails_in_the_dialog_changes_nothing_and_is_not_reloaded(
    qtbot: QtBot, window: MainWindow, model_path: Path
) -> None:
    break_file(install(model_path, "brk"))
    dialog = dialog_with_selected(window, "brk")
    with qtbot.waitSignal(window.client.load_failed, timeout=LOAD_TIMEOUT_MS):
        dialog.use_selected()
    assert store.default_model_name() is None  # still the built-in model's place
    assert window.client.model_info is not None and window.client.model_info.path == model_path
    assert window.models.message is not None
    window.models.message.accept()
    settings = replace(window.settings, n_threads=window.settings.n_threads + 1)
    with qtbot.waitSignal(window.client.loaded, timeout=LOAD_TIMEOUT_MS) as loaded:
        window.apply_settings(settings)  # an engine option: the model in use is loaded again
    assert loaded.args[0].path == model_path
    dialog.close()


@pytest.mark.parametrize(
    "answer", [QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Cancel]
)
def test_the_models_dialog_removes_a_model_once_the_user_says_so(
    qtbot: QtBot, window: MainWindow, second_model_path: Path, answer: QMessageBox.StandardButton
) -> None:
    installed = install(second_model_path, "other")
    dialog = dialog_with_selected(window, "other")
    dialog.remove_selected()
    question = dialog.findChild(QMessageBox, "question")
    assert question is not None and "Remove other" in question.text()
    question.button(answer).click()
    removed = answer == QMessageBox.StandardButton.Yes
    assert installed.exists() is not removed
    assert (
        any(
            dialog.installed.item(i).text().startswith("other")
            for i in range(dialog.installed.count())
        )
        is not removed
    )
    dialog.close()


def test_enter_on_the_removal_question_keeps_the_model(
    qtbot: QtBot, window: MainWindow, second_model_path: Path
) -> None:
    """Cancel is the question's default: a reflexive Enter deletes no file."""
    installed = install(second_model_path, "other")
    dialog = dialog_with_selected(window, "other")
    dialog.remove_selected()
    question = dialog.findChild(QMessageBox, "question")
    assert question is not None and question.isVisible()
    QTest.keyClick(question, Qt.Key.Key_Return)
    assert not question.isVisible()
    assert installed.exists()
    dialog.close()


def test_an_engine_option_changed_while_a_model_loads_applies_to_it(
    qtbot: QtBot, make_window: Callable[..., MainWindow], model_path: Path
) -> None:
    window = make_window(ui_settings())
    settings = replace(window.settings, n_threads=2)
    with qtbot.waitSignal(window.client.loaded, timeout=LOAD_TIMEOUT_MS) as loaded:
        window.use_model_file(str(model_path))
        window.apply_settings(settings)  # before the load has ended
    assert loaded.args[0].path == model_path and loaded.args[0].n_threads == 2
    assert store.model_to_load(None) == model_path  # remembered, as the load asked for


def test_settings_changed_after_the_model_in_use_was_removed_say_when_they_apply(
    qtbot: QtBot, window: MainWindow, second_model_path: Path
) -> None:
    """The removed model stays in use until another is loaded: the filter changes at once, and
    new threads apply to the next model loaded, said in the status bar, not a box saying that
    the file just removed does not exist."""
    install(second_model_path, "other")
    with qtbot.waitSignal(window.client.loaded, timeout=LOAD_TIMEOUT_MS):
        dialog_with_selected(window, "other").use_selected()
    dialog = dialog_with_selected(window, "other")
    dialog.remove_selected()
    question = dialog.findChild(QMessageBox, "question")
    assert question is not None
    question.button(QMessageBox.StandardButton.Yes).click()
    dialog.close()
    with qtbot.assertNotEmitted(window.client.load_failed, wait=1000):
        window.apply_settings(replace(window.settings, filter_offensive=False, n_threads=2))
    assert "The model file other.gguf was removed: the new settings apply" in (
        window.status.currentMessage()
    )
    assert not [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    type_text(window, "Hi")
    qtbot.waitUntil(lambda: window.strip.context == "Hi")
    predictor = window.client._worker._predictor
    assert predictor is not None and not predictor.filter_offensive
    assert predictor.info.path.name == "other.gguf"


def test_the_model_used_stays_selected_once_it_has_loaded(
    qtbot: QtBot, window: MainWindow, second_model_path: Path
) -> None:
    """The list is rebuilt for its "(default)" mark: Remove… right after Use acts on that model."""
    install(second_model_path, "other")
    dialog = dialog_with_selected(window, "other")
    with qtbot.waitSignal(window.client.loaded, timeout=LOAD_TIMEOUT_MS):
        dialog.use_selected()
    item = dialog.installed.currentItem()
    assert item is not None and item.text().startswith("other") and "(default)" in item.text()
    dialog.remove_selected()
    question = dialog.findChild(QMessageBox, "question")
    assert question is not None and "Remove other" in question.text()
    question.button(QMessageBox.StandardButton.Cancel).click()
    dialog.close()
