"""Files: save atomically, open, recent files, the title's modified marker, unsaved changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import type_char
from keyboard_app.settings import SettingsStore
from keyboard_app.ui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


def test_title_shows_name_and_modified_marker(make_window: MakeWindow, tmp_path: Path) -> None:
    win = make_window()
    assert win.windowTitle().startswith("Untitled[*]")
    assert not win.isWindowModified()
    type_char(win.editor, "x")
    assert win.isWindowModified()
    assert win.documents.write(tmp_path / "note.txt")
    assert win.windowTitle().startswith("note.txt[*]")
    assert not win.isWindowModified()


def test_save_and_open_round_trip(make_window: MakeWindow, tmp_path: Path) -> None:
    win = make_window()
    win.editor.setPlainText("Ünïcode text\nsecond line")
    folder = tmp_path / "docs"
    folder.mkdir()
    target = folder / "story.txt"
    assert win.documents.write(target)
    assert target.read_text("utf-8") == "Ünïcode text\nsecond line"
    assert [p.name for p in folder.iterdir()] == ["story.txt"]  # no temporary left behind
    win.documents.new()
    assert win.editor.toPlainText() == ""
    assert win.documents.load(target)
    assert win.editor.toPlainText() == "Ünïcode text\nsecond line"
    assert not win.documents.modified
    assert SettingsStore().load().recent_files == [str(target)]
    recent = [a.text() for a in win.menu_actions.recent.actions()]
    assert recent == ["&1 story.txt"]


def test_save_failure_is_reported(make_window: MakeWindow, tmp_path: Path) -> None:
    win = make_window()
    type_char(win.editor, "x")
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("", "utf-8")
    assert not win.documents.write(not_a_folder / "inside.txt")
    assert win.documents.modified
    notices = [b for b in win.findChildren(QMessageBox) if b.isVisible()]
    assert notices and "could not" in notices[0].text()
    notices[0].accept()


def test_unsaved_prompt_save_then_new(make_window: MakeWindow, tmp_path: Path) -> None:
    win = make_window()
    target = tmp_path / "kept.txt"
    win.documents.write(target)
    type_char(win.editor, "y")
    win.documents.new()
    prompt = win.documents.prompt
    assert prompt is not None and prompt.isVisible()
    assert win.editor.toPlainText() == "y"  # nothing happens before the answer
    prompt.button(QMessageBox.StandardButton.Save).click()
    assert target.read_text("utf-8") == "y"
    assert win.editor.toPlainText() == ""


def test_cancel_keeps_the_window_open(qtbot: QtBot, make_window: MakeWindow) -> None:
    win = make_window()
    type_char(win.editor, "z")
    win.close()
    assert win.documents.prompt is not None
    win.documents.prompt.button(QMessageBox.StandardButton.Cancel).click()
    assert win.isVisible()
    assert win.editor.toPlainText() == "z"
    assert win.client._thread.isRunning()


def test_unreadable_file_is_reported(make_window: MakeWindow, tmp_path: Path) -> None:
    win = make_window()
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert not win.documents.load(binary)
    notices = [b for b in win.findChildren(QMessageBox) if b.isVisible()]
    assert notices
    notices[0].accept()


def test_an_ampersand_in_a_recent_file_name_is_shown(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    win = make_window()
    target = tmp_path / "salt&pepper.txt"
    assert win.documents.write(target)
    entry = win.menu_actions.recent.actions()[0]
    assert entry.text() == "&1 salt&&pepper.txt"  # `&&` is shown as one `&`, no mnemonic
    assert entry.toolTip() == str(target)
