"""The user's files on real disks: a full one (a small tmpfs), a folder the user cannot write to,
files that are not regular, BOMs and line endings."""

from __future__ import annotations

import codecs
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from keyboard_app import files
from keyboard_app.ui import text_file
from keyboard_app.ui.text_file import (
    MAX_DOCUMENT_BYTES,
    TextFileError,
    TextFormat,
    encode,
    read_text_file,
    save_error_message,
    save_text_file,
)
from tests.small_disk import run_on_small_disk

SAVE_BIG_TEXT = """
import sys
from pathlib import Path
from keyboard_app.ui.text_file import TextFormat, save_error_message, save_text_file
path = Path(sys.argv[1])
try:
    saved = save_text_file(path, sys.argv[2] * int(sys.argv[3]), TextFormat())
except OSError as error:
    print("failed:", save_error_message(path, error))
else:
    print("saved in place" if saved.in_place else "saved")
"""

# Root without the capabilities that override file permissions, so that they apply to it too.
WITHOUT_OVERRIDES = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search"]


def run_saver(prefix: list[str], path: Path, text: str, repeat: int) -> str:
    result = subprocess.run(
        [*prefix, sys.executable, "-c", SAVE_BIG_TEXT, str(path), text, str(repeat)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_full_disk_keeps_the_old_file_and_says_why(tmp_path: Path) -> None:
    """A 64 KB disk (`run_on_small_disk`) too small for the new text."""
    disk = tmp_path / "disk"
    commands = (
        f'echo "the old text" > "{disk}/novel.txt" '
        f'&& "{sys.executable}" -c "$0" "{disk}/novel.txt" x 200000 && cat "{disk}/novel.txt"'
    )
    result = run_on_small_disk(disk, commands, SAVE_BIG_TEXT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "failed: “novel.txt” could not be saved: No space left on device.",
        "",
        f"{disk}/novel.txt",
        "the old text",
    ]


def test_a_full_disk_while_writing_in_place_puts_the_old_text_back(tmp_path: Path) -> None:
    """A read-only folder on a nearly full 64 KB tmpfs: the longer text is written over the file
    in place until the disk fills, then the old text is written back."""
    if shutil.which("setpriv") is None:
        pytest.skip("no setpriv(1) to drop the privileges that override permissions")
    disk = tmp_path / "disk"
    commands = (
        f'printf "the old text, %s\\n" $(seq 1 400) > "{disk}/novel.txt" '
        f'&& head -c 40000 /dev/zero > "{disk}/filler" && chmod 555 "{disk}" '
        f'&& sha256sum "{disk}/novel.txt" '
        f'&& {" ".join(WITHOUT_OVERRIDES)} "{sys.executable}" -c "$0" "{disk}/novel.txt" x 60000 '
        f'&& sha256sum "{disk}/novel.txt"'
    )
    result = run_on_small_disk(disk, commands, SAVE_BIG_TEXT)
    assert result.returncode == 0, result.stderr
    before, message, *_, after = result.stdout.splitlines()
    assert message == "failed: “novel.txt” could not be saved: No space left on device."
    assert before == after  # the old text, byte for byte


def test_a_file_in_a_read_only_folder_is_written_in_place(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    try:
        target = folder / "notes.txt"
        target.write_text("the old text, longer than the new one", "utf-8")
        folder.chmod(0o555)
        if os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                pytest.skip("root ignores the folder's permissions and setpriv is missing")
            prefix = WITHOUT_OVERRIDES
        else:
            prefix = []
        assert run_saver(prefix, target, "new", 1) == "saved in place\n"
        assert target.read_text("utf-8") == "new"
        assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    finally:
        folder.chmod(0o755)


def test_a_read_only_file_in_a_read_only_folder_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "locked.txt"
    target.write_text("kept", "utf-8")
    target.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        if os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                pytest.skip("root ignores permissions and setpriv is missing")
            out = run_saver(WITHOUT_OVERRIDES, target, "new", 1)
        else:
            out = run_saver([], target, "new", 1)
    finally:
        tmp_path.chmod(0o755)
    assert out.startswith("failed: “locked.txt” could not be saved: The file is read-only.")
    assert target.read_text("utf-8") == "kept"


def test_a_read_only_file_in_a_folder_the_user_may_write_is_not_replaced(tmp_path: Path) -> None:
    """Renaming a new file over it would replace it all the same, read-only as it is."""
    target = tmp_path / "locked.txt"
    target.write_text("kept", "utf-8")
    target.chmod(0o444)
    with pytest.raises(PermissionError) as raised:
        save_text_file(target, "new", TextFormat())
    assert save_error_message(target, raised.value).startswith(
        "“locked.txt” could not be saved: The file is read-only."
    )
    assert target.read_text("utf-8") == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["locked.txt"]


@pytest.mark.parametrize(
    ("raw", "text", "text_format", "mixed"),
    [
        (b"a\r\nb\r\n", "a\nb\n", TextFormat("\r\n"), False),
        (b"\xef\xbb\xbfa\rb", "a\nb", TextFormat("\r", bom=True), False),
        (b"a\nb\r\nc\n", "a\nb\nc\n", TextFormat("\n"), True),
        (b"", "", TextFormat(), False),
    ],
)
def test_reading_remembers_the_format(
    tmp_path: Path, raw: bytes, text: str, text_format: TextFormat, mixed: bool
) -> None:
    path = tmp_path / "file.txt"
    path.write_bytes(raw)
    opened = read_text_file(path)
    assert (opened.text, opened.format, opened.mixed) == (text, text_format, mixed)
    if not mixed:
        assert encode(opened.text, opened.format) == raw


def test_files_that_cannot_be_opened_say_why(tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes("café".encode("latin-1"))
    with pytest.raises(TextFileError, match="not UTF-8"):
        read_text_file(latin)
    windows = tmp_path / "unicode.txt"
    windows.write_bytes("Kind regards".encode("utf-16"))  # with its byte-order mark
    with pytest.raises(TextFileError, match=r"\(it is UTF-16 text: save it as UTF-8\)"):
        read_text_file(windows)
    for mark, encoding in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be")):
        windows.write_bytes(mark + "Hi".encode(encoding))  # the first's mark starts as UTF-16's
        with pytest.raises(TextFileError, match=r"\(it is UTF-32 text: save it as UTF-8\)"):
            read_text_file(windows)
    for encoding in ("utf-16-le", "utf-16-be"):  # no byte-order mark: it reads as UTF-8 with NULs
        windows.write_bytes("Hello\r\nWorld\r\n".encode(encoding))
        with pytest.raises(TextFileError, match=r"\(it is UTF-16 text: save it as UTF-8\)"):
            read_text_file(windows)
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"a\x00b and more text")  # a NUL or two is no UTF-16
    assert read_text_file(nul).text == "a\x00b and more text"
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(MAX_DOCUMENT_BYTES + 1)  # sparse: refused before it is read
    with pytest.raises(TextFileError, match="larger than"):
        read_text_file(huge)
    with pytest.raises(TextFileError, match="No such file"):
        read_text_file(tmp_path / "missing.txt")


def test_a_lone_surrogate_does_not_stop_saving(tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    assert not save_text_file(path, "a\ud800b", TextFormat()).in_place
    assert path.read_bytes() == b"a?b"


def test_a_document_whose_folder_is_gone_is_not_saved_into_a_new_folder(tmp_path: Path) -> None:
    path = tmp_path / "unplugged" / "draft.txt"  # its drive removed, or its folder deleted
    with pytest.raises(FileNotFoundError) as error:
        save_text_file(path, "text", TextFormat())
    assert "No such file" in save_error_message(path, error.value)
    assert list(tmp_path.iterdir()) == []


def replace_as_another_program_does(path: Path, content: bytes) -> None:
    """An atomic save by another editor: a new file renamed over `path` (a new inode)."""
    other = path.with_name(".other-editor.tmp")
    other.write_bytes(content)
    os.replace(other, path)


def test_a_save_by_another_program_right_after_ours_is_still_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The moment between our rename and anything we do after it: the version saved must be
    ours, not theirs, or the next save would overwrite their text without asking."""
    path = tmp_path / "letter.txt"
    path.write_text("first\n")
    flush_folder = files._fsync_folder

    def theirs_lands_right_after_our_rename(folder: Path) -> None:
        replace_as_another_program_does(path, b"their text\n")
        flush_folder(folder)

    monkeypatch.setattr(files, "_fsync_folder", theirs_lands_right_after_our_rename)
    saved = save_text_file(path, "our text", TextFormat())
    assert path.read_bytes() == b"their text\n"
    assert saved.version is not None and saved.version.changed(path)


def test_a_save_by_another_program_right_after_our_read_is_still_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "letter.txt"
    path.write_text("ours as read\n")
    read = files.read_regular_file_and_status

    def theirs_lands_right_after_our_read(
        where: str | Path, max_bytes: int
    ) -> tuple[bytes, os.stat_result]:
        result = read(where, max_bytes)
        replace_as_another_program_does(path, b"their text\n")
        return result

    monkeypatch.setattr(
        text_file, "read_regular_file_and_status", theirs_lands_right_after_our_read
    )
    opened = read_text_file(path)
    assert opened.text == "ours as read\n"
    assert opened.version is not None and opened.version.changed(path)


def test_a_file_saved_and_read_as_it_is_has_not_changed(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    saved = save_text_file(path, "our text", TextFormat())
    assert saved.version is not None and not saved.version.changed(path)
    opened = read_text_file(path)
    assert opened.version is not None and not opened.version.changed(path)
    assert opened.version == saved.version
