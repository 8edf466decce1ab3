"""Files: save atomically, open, recent files, the title's modified marker, unsaved changes; files keep
their BOM and line endings; pipes, devices and folders are refused; full disks and read-only folders."""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import shutil
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press, type_char
from keyboard_app.settings import MAX_RECENT_FILES, SettingsStore
from keyboard_app.ui import text_file
from keyboard_app.ui.main_window import MainWindow
from tests.ui.test_text_file import WITHOUT_OVERRIDES

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


def test_a_file_name_holding_the_modified_placeholder_is_shown_as_it_is(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    win = make_window()
    assert win.documents.write(tmp_path / "notes[*].txt")
    assert win.windowHandle().title().startswith("notes[*].txt — ")
    type_char(win.editor, "x")
    assert win.windowHandle().title().startswith("notes[*].txt* — ")


COPY = Qt.DropAction.CopyAction
NO_MODIFIER = Qt.KeyboardModifier.NoModifier


def test_a_file_dropped_on_the_text_is_opened_not_its_address_inserted(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    win = make_window()
    dropped = tmp_path / "dropped.txt"
    dropped.write_text("the file's text\n", "utf-8")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(dropped))])
    viewport = win.editor.viewport()
    where = viewport.rect().center()
    events = (
        QDragEnterEvent(where, COPY, data, Qt.MouseButton.LeftButton, NO_MODIFIER),
        QDragMoveEvent(where, COPY, data, Qt.MouseButton.LeftButton, NO_MODIFIER),
        QDropEvent(QPointF(where), COPY, data, Qt.MouseButton.LeftButton, NO_MODIFIER),
    )
    for event in events:  # as a drag from a file manager comes in (a drop alone is ignored)
        QApplication.sendEvent(viewport, event)
    assert win.editor.toPlainText() == "the file's text\n"
    assert win.documents.path == dropped


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


def test_a_second_close_while_asking_asks_nothing_more(make_window: MakeWindow) -> None:
    """Quit twice, or Ctrl+C twice in the terminal: one question, whose answer decides."""
    win = make_window()
    type_char(win.editor, "z")
    win.close()
    first = win.documents.prompt
    win.close()
    win.close()
    assert first is not None and win.documents.prompt is first
    assert len(visible_notices(win)) == 1
    first.button(QMessageBox.StandardButton.Discard).click()
    assert not win.isVisible()


def test_unreadable_file_is_reported(make_window: MakeWindow, tmp_path: Path) -> None:
    win = make_window()
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert not win.documents.load(binary)
    notices = [b for b in win.findChildren(QMessageBox) if b.isVisible()]
    assert notices
    notices[0].accept()


def test_a_recent_file_gone_since_is_taken_out_of_open_recent(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    win = make_window()
    win.editor.setPlainText("kept")
    gone = tmp_path / "gone.txt"
    gone.write_text("x", "utf-8")
    assert win.documents.load(gone)
    win.editor.setPlainText("the text typed since")
    gone.unlink()
    win.menu_actions.recent.actions()[0].trigger()  # (it failed the same way every time)
    notices = visible_notices(win)
    assert notices and "no longer exists" in notices[0].text()
    notices[0].accept()
    assert win.menu_actions.recent.actions() == []
    assert SettingsStore().load().recent_files == []
    assert win.editor.toPlainText() == "the text typed since"


def test_an_ampersand_in_a_recent_file_name_is_shown(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    win = make_window()
    target = tmp_path / "salt&pepper.txt"
    assert win.documents.write(target)
    entry = win.menu_actions.recent.actions()[0]
    assert entry.text() == "&1 salt&&pepper.txt"  # `&&` is shown as one `&`, no mnemonic
    assert entry.toolTip() == str(target)


def visible_notices(win: MainWindow) -> list[QMessageBox]:
    return [b for b in win.findChildren(QMessageBox) if b.isVisible()]


@pytest.mark.parametrize(
    "content",
    [
        b"\xef\xbb\xbfwith a BOM\r\nand CRLF\r\n",
        b"old Mac\rline endings\r",
        b"no final line break\nhere",
        b"\xef\xbb\xbf",
        b"",
        "Prix\u00a0: 10\u00a0\u20ac\n".encode(),  # no-break spaces, as French writes them
        "one\u2028two\n".encode(),  # a line separator, as JSON and web pages hold them
        "\ufeff\ufeffa BOM in the text, after the file's\n".encode(),
        "\ufffeHello world\nSecond line\n".encode(),  # PySide6 byte-swapped it all
    ],
)
def test_open_then_save_gives_back_the_same_bytes(
    make_window: MakeWindow, tmp_path: Path, content: bytes
) -> None:
    win = make_window()
    target = tmp_path / "kept.txt"
    target.write_bytes(content)
    assert win.documents.load(target)
    assert "\r" not in win.editor.text()
    assert win.documents.save()
    assert target.read_bytes() == content


def test_edits_are_saved_in_the_file_line_endings(make_window: MakeWindow, tmp_path: Path) -> None:
    win = make_window()
    target = tmp_path / "crlf.txt"
    target.write_bytes(b"one\r\ntwo")
    assert win.documents.load(target)
    win.editor.moveCursor(QTextCursor.MoveOperation.End)
    for char in "\nthree":
        type_char(win.editor, char)
    assert win.documents.save()
    assert target.read_bytes() == b"one\r\ntwo\r\nthree"


def test_mixed_line_endings_are_told_before_saving(make_window: MakeWindow, tmp_path: Path) -> None:
    win = make_window()
    target = tmp_path / "mixed.txt"
    target.write_bytes(b"a\r\nb\nc\r\n")
    assert win.documents.load(target)
    assert "mixes line endings" in win.status.currentMessage()
    assert "CRLF" in win.status.currentMessage()
    assert win.documents.save()
    assert target.read_bytes() == b"a\r\nb\r\nc\r\n"


def test_paragraph_separators_become_line_breaks_and_are_told(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    win = make_window()
    target = tmp_path / "separators.txt"
    target.write_bytes("one\u2029two\ufdd0three\r\n".encode())
    assert win.documents.load(target)
    assert "2 paragraph separator(s)" in win.status.currentMessage()
    assert win.editor.text() == "one\ntwo\nthree\n"
    assert win.documents.save()
    assert target.read_bytes() == b"one\r\ntwo\r\nthree\r\n"


def test_shift_enter_is_saved_as_the_files_line_break(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    win = make_window()
    target = tmp_path / "crlf.txt"
    target.write_bytes(b"one\r\ntwo")
    assert win.documents.load(target)
    win.editor.moveCursor(QTextCursor.MoveOperation.End)
    press(win.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    type_char(win.editor, "t")
    assert win.documents.save()
    assert target.read_bytes() == b"one\r\ntwo\r\nt"


def test_a_named_pipe_is_refused_at_once(make_window: MakeWindow, tmp_path: Path) -> None:
    win = make_window()
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)

    def unblock() -> None:  # were the pipe opened, this would end the wait after 5 s
        with pipe.open("w"):
            pass

    writer = threading.Timer(5.0, unblock)
    writer.start()
    started = time.monotonic()
    try:
        assert not win.documents.load(pipe)
        assert time.monotonic() - started < 2.0
    finally:
        writer.cancel()
    notices = visible_notices(win)
    assert notices and "named pipe" in notices[0].text()
    notices[0].accept()


@pytest.mark.parametrize("kind", ["device", "folder"])
def test_a_device_or_a_folder_is_refused(
    make_window: MakeWindow, tmp_path: Path, kind: str
) -> None:
    win = make_window()
    path = Path(os.devnull) if kind == "device" else tmp_path
    assert not win.documents.load(path)
    notices = visible_notices(win)
    assert notices and kind in notices[0].text()
    notices[0].accept()


def test_save_as_never_replaces_a_pipe(make_window: MakeWindow, tmp_path: Path) -> None:
    win = make_window()
    type_char(win.editor, "x")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    assert not win.documents.write(pipe)
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    notices = visible_notices(win)
    assert notices and "not a regular file" in notices[0].text()
    notices[0].accept()


def test_saving_through_a_symbolic_link_keeps_the_link(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    win = make_window()
    real = tmp_path / "real.txt"
    real.write_text("old", "utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    assert win.documents.load(link)
    type_char(win.editor, "!")
    assert win.documents.save()
    assert link.is_symlink()
    assert real.read_text("utf-8") == "old!"


def test_a_full_disk_says_so_and_names_the_file(
    make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk is made full by the one write that fails (a real full disk: test_text_file)."""

    def disk_full(path: Path, **_options: object) -> AbstractContextManager[Path]:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(text_file, "atomic_path", disk_full)
    win = make_window()
    target = tmp_path / "novel.txt"
    target.write_text("the old text", "utf-8")
    type_char(win.editor, "x")
    assert not win.documents.write(target)
    notices = visible_notices(win)
    assert notices
    assert "No space left on device" in notices[0].text()
    assert "novel.txt" in notices[0].text()
    assert "canceled" not in notices[0].text()
    assert target.read_text("utf-8") == "the old text"
    assert win.documents.modified
    notices[0].accept()


def test_a_file_in_a_read_only_folder_is_saved_in_place(
    make_window: MakeWindow,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    request: pytest.FixtureRequest,
) -> None:
    if not permissions_apply():  # root: run this test again without the overriding capabilities
        run_again_without_overrides(request, tmp_path / "child")
        return
    folder = tmp_path / "shared"
    folder.mkdir()
    target = folder / "notes.txt"
    target.write_text("before", "utf-8")
    folder.chmod(0o555)
    win = make_window()
    try:
        assert win.documents.load(target)
        type_char(win.editor, "!")
        with caplog.at_level(logging.WARNING):
            assert win.documents.save()
    finally:
        folder.chmod(0o755)
    assert target.read_text("utf-8") == "before!"
    assert "in place" in caplog.text
    assert "in place" in win.status.currentMessage()
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


CAP_DAC_OVERRIDE = 1  # the capability's bit: with it, root ignores files' permissions


def permissions_apply() -> bool:
    """Whether files' permissions apply to this process (not to root with CAP_DAC_OVERRIDE)."""
    if os.geteuid() != 0:
        return True
    try:
        status = Path("/proc/self/status").read_text("utf-8")
    except OSError:
        return False
    effective = re.search(r"^CapEff:\s*([0-9a-fA-F]+)$", status, re.MULTILINE)
    return effective is not None and not int(effective.group(1), 16) >> CAP_DAC_OVERRIDE & 1


def run_again_without_overrides(request: pytest.FixtureRequest, basetemp: Path) -> None:
    """Run the calling test in a child pytest that keeps root's user but not the capabilities
    that override permissions (setpriv), so that they stop it as they stop a user."""
    if shutil.which("setpriv") is None:
        pytest.skip("root ignores the folder's permissions and setpriv is missing")
    result = subprocess.run(
        [
            *WITHOUT_OVERRIDES,
            *(sys.executable, "-m", "pytest", request.node.nodeid, "-q", "-p", "no:cacheprovider"),
            f"--basetemp={basetemp}",
        ],
        cwd=request.config.rootpath,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.stderr.startswith("setpriv:"):
        pytest.skip(f"cannot drop the capabilities here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout, result.stdout[-2000:]


def test_recent_files_are_capped_on_load(make_window: MakeWindow) -> None:
    store = SettingsStore()
    names = [f"/notes/{n}.txt" for n in range(20_004)]
    store.path.write_text(json.dumps({"version": 1, "recent_files": names}), "utf-8")
    win = make_window()
    assert len(win.menu_actions.recent.actions()) == MAX_RECENT_FILES
    assert win.settings.recent_files == names[:MAX_RECENT_FILES]


def test_files_from_the_command_line(make_window: MakeWindow, tmp_path: Path) -> None:
    first, second, third = (tmp_path / f"{name}.txt" for name in ("first", "second", "third"))
    for path in (first, second, third):
        path.write_text(f"text of {path.stem}", "utf-8")
    win = make_window()
    win.open_files([first, second, tmp_path / "missing.txt", third])
    assert win.editor.text() == "text of first"
    assert win.documents.path == first
    assert win.settings.recent_files[:3] == [str(first), str(second), str(third)]
    shown = [a.text() for a in win.menu_actions.recent.actions()]
    assert shown[:3] == ["&1 first.txt", "&2 second.txt", "&3 third.txt"]
    assert SettingsStore().load().recent_files[:3] == [str(first), str(second), str(third)]


def test_a_file_not_written_yet_from_the_command_line_is_a_new_document_saved_there(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    new, other = tmp_path / "new notes.txt", tmp_path / "other.txt"
    other.write_text("other", "utf-8")
    win = make_window()
    win.open_files([new, other])
    assert (win.editor.text(), win.documents.path, new.exists()) == ("", new, False)
    assert not visible_notices(win)
    type_char(win.editor, "x")
    assert win.documents.save()
    assert new.read_text("utf-8") == "x"
    assert win.settings.recent_files[:2] == [str(new), str(other)]
    # In a folder that does not exist (a mistyped folder), or with a name too long for the
    # disk, it is not opened: the dialog says why.
    for path, why in [(tmp_path / "no folder" / "notes.txt", "No such file"),
                      (tmp_path / ("n" * 300 + ".txt"), "File name too long")]:  # fmt: skip
        win = make_window()
        win.open_files([path])
        (notice,) = visible_notices(win)
        assert why in notice.text() and win.documents.path is None


def window_on_file(make_window: MakeWindow, path: Path, text: str) -> MainWindow:
    """A window with the file at `path`, holding `text`, opened in it."""
    win = make_window()
    path.write_text(text, "utf-8")
    assert win.documents.load(path)
    return win


def changed_by_another_program(path: Path, text: str) -> None:
    path.write_text(text, "utf-8")
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))  # a time of its own, however fast the test


def test_a_file_changed_on_disk_is_asked_about_before_it_is_saved_over(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    target = tmp_path / "shared.txt"
    win = window_on_file(make_window, target, "line one\n")
    changed_by_another_program(target, "line one\nline two from a sync\n")
    win.editor.moveCursor(QTextCursor.MoveOperation.End)
    type_char(win.editor, "x")
    assert not win.documents.save()
    (question,) = visible_notices(win)
    assert "changed by another program" in question.text()
    question.button(QMessageBox.StandardButton.Cancel).click()
    assert target.read_text("utf-8") == "line one\nline two from a sync\n"  # both kept
    assert win.documents.modified
    assert not win.documents.save()
    (question,) = visible_notices(win)
    question.button(QMessageBox.StandardButton.Save).click()
    assert target.read_text("utf-8") == "line one\nx"
    assert not win.documents.modified
    type_char(win.editor, "y")
    assert win.documents.save()  # unchanged on disk since this save: no question
    assert target.read_text("utf-8") == "line one\nxy"


def test_enter_on_the_changed_file_question_keeps_the_other_programs_text(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    """Cancel is the question's default: a reflexive Enter loses nothing."""
    target = tmp_path / "shared.txt"
    win = window_on_file(make_window, target, "line one\n")
    changed_by_another_program(target, "theirs\n")
    win.editor.moveCursor(QTextCursor.MoveOperation.End)
    type_char(win.editor, "x")
    assert not win.documents.save()
    (question,) = visible_notices(win)
    press(question, Qt.Key.Key_Return)
    assert not question.isVisible()
    assert target.read_text("utf-8") == "theirs\n"
    assert win.documents.modified


def test_new_goes_on_once_a_file_changed_on_disk_is_saved_over(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    target = tmp_path / "shared.txt"
    win = window_on_file(make_window, target, "one")
    type_char(win.editor, "!")
    changed_by_another_program(target, "theirs")
    win.documents.new()  # asks to save the changes first
    assert win.documents.prompt is not None
    win.documents.prompt.button(QMessageBox.StandardButton.Save).click()
    (question,) = visible_notices(win)
    question.button(QMessageBox.StandardButton.Save).click()
    assert target.read_text("utf-8") == "one!"
    assert win.editor.toPlainText() == ""  # the new document followed


def test_a_file_touched_but_not_changed_is_saved_without_asking(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    target = tmp_path / "synced.txt"
    win = window_on_file(make_window, target, "same words")
    changed_by_another_program(target, "same words")  # a sync client writing the same bytes
    type_char(win.editor, "!")
    assert win.documents.save()
    assert not visible_notices(win)


def test_closing_while_asked_about_a_changed_file_asks_nothing_more(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    target = tmp_path / "shared.txt"
    win = window_on_file(make_window, target, "one")
    type_char(win.editor, "!")
    changed_by_another_program(target, "theirs")
    assert not win.documents.save()
    assert len(visible_notices(win)) == 1
    win.close()  # Quit, or Ctrl+C in the terminal, while the question is open
    assert len(visible_notices(win)) == 1 and win.isVisible()


def test_recent_file_names_no_file_can_have_are_dropped(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    """A NUL in a hand-edited entry crashed Open Recent ("embedded null byte"); an empty one
    was a blank entry that opened the current folder."""
    good = tmp_path / "notes.txt"
    good.write_text("kept", "utf-8")
    names = ["", "bad\u0000name.txt", str(good)]
    SettingsStore().path.write_text(json.dumps({"recent_files": names}), "utf-8")
    win = make_window()
    assert win.settings.recent_files == [str(good)]
    assert [a.text() for a in win.menu_actions.recent.actions()] == ["&1 notes.txt"]


def test_opening_a_path_with_a_nul_is_explained_not_a_crash(make_window: MakeWindow) -> None:
    win = make_window()
    assert not win.documents.load(Path("bad\u0000name.txt"))
    notices = visible_notices(win)
    assert notices and "not a usable file name" in notices[0].text()
    notices[0].accept()
