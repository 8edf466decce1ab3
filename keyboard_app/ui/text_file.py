"""The user's text files on disk (no Qt): read only regular files, keep their BOM and line endings,
save atomically or, in a folder the user cannot write to, in place; messages that say what failed.

The editor holds text with line feeds only; `TextFormat` remembers what the file had, so that
opening and saving a file without edits gives back the same bytes.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from keyboard_app.files import (
    NotUtf8,
    UnusableFile,
    atomic_path,
    decode_utf8,
    read_regular_file_and_status,
    sha256_of,
    write_in_place,
)

log = logging.getLogger(__name__)

UTF8_BOM = b"\xef\xbb\xbf"
# The largest file the editor opens; far above any text written by hand.
MAX_DOCUMENT_BYTES = 64 * 1000 * 1000
NEWLINE_NAMES = {"\n": "LF", "\r\n": "CRLF", "\r": "CR"}


@dataclass(frozen=True)
class TextFormat:
    """How a file writes its text: the line break (`\\n`, `\\r\\n` or `\\r`) and a UTF-8 BOM."""

    newline: str = "\n"
    bom: bool = False


# Characters Qt's text document can only hold as the end of a line: the paragraph separator and
# two noncharacters it uses for frames. Opening a file makes them line breaks, and says so.
HELD_AS_LINE_BREAKS = "\u2029\ufdd0\ufdd1"


@dataclass(frozen=True)
class OpenedText:
    """A file's text with line feeds, its format, `mixed` when it had several kinds of line
    break (saving writes them all as `format.newline`), and how many characters of
    HELD_AS_LINE_BREAKS became line breaks."""

    text: str
    format: TextFormat
    mixed: bool = False
    made_line_breaks: int = 0
    version: FileVersion | None = None  # the file as read (its bytes hashed, not read again)


@dataclass(frozen=True)
class FileVersion:
    """One version of a file: its stamp (modification time to the nanosecond, size, inode: an
    atomic save by another editor makes a new inode), which tells at once that nothing changed,
    and its content's SHA-256, which tells whether a new stamp (a touch, a sync client writing
    the same bytes again, a file system with coarse times) is a change."""

    stamp: tuple[int, int, int]
    digest: str

    @classmethod
    def of_content(cls, digest: str) -> FileVersion:
        """A version known by its content alone (kept with a recovered text): any stamp differs,
        so saving compares the content."""
        return cls((-1, -1, -1), digest)

    @classmethod
    def of(cls, status: os.stat_result, content: bytes) -> FileVersion:
        """The version of a file read or written as `content` (hashed rather than read again),
        whose `status` was taken on that very file: the open file before reading it, or the file
        written. Never the path's status afterwards: another program's save landing in between
        would give its stamp to our content, and saving again would overwrite it unasked."""
        return cls(_stamp_of(status), hashlib.sha256(content).hexdigest())

    def changed(self, path: Path) -> bool:
        """Whether the file at `path` now holds something else (a file gone has not changed)."""
        stamp = _stamp(path)
        if stamp is None or stamp == self.stamp:
            return False
        try:
            return sha256_of(path) != self.digest
        except OSError:
            return False


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        return _stamp_of(path.stat())
    except OSError:
        return None


def _stamp_of(status: os.stat_result) -> tuple[int, int, int]:
    return (status.st_mtime_ns, status.st_size, status.st_ino)


class TextFileError(Exception):
    """A file could not be opened as text; the message is for a person."""


def read_text_file(path: Path) -> OpenedText:
    """The text of the UTF-8 file at `path`; TextFileError for anything else (a named pipe or a
    device is refused before it is opened, so it can never block)."""
    try:
        raw, status = read_regular_file_and_status(path, MAX_DOCUMENT_BYTES)
    except UnusableFile as error:
        raise TextFileError(f"{path} was not opened: {error}.") from None
    except OSError as error:
        raise TextFileError(f"{path} could not be opened: {describe(error)}.") from None
    bom = raw.startswith(UTF8_BOM)
    try:
        text = decode_utf8(raw[len(UTF8_BOM) :] if bom else raw)
    except NotUtf8 as error:
        raise TextFileError(f"{path} is not UTF-8 text ({error}); it was not opened.") from None
    newline, mixed = _line_breaks(text)
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    made = sum(normalised.count(char) for char in HELD_AS_LINE_BREAKS)
    for char in HELD_AS_LINE_BREAKS if made else ():
        normalised = normalised.replace(char, "\n")
    version = FileVersion.of(status, raw)
    return OpenedText(normalised, TextFormat(newline, bom), mixed, made, version)


def _line_breaks(text: str) -> tuple[str, bool]:
    """The text's commonest line break (LF if none) and whether it has more than one kind."""
    crlf = text.count("\r\n")
    counts = {"\r\n": crlf, "\r": text.count("\r") - crlf, "\n": text.count("\n") - crlf}
    used = [newline for newline, count in counts.items() if count]
    common = max(used, key=lambda newline: counts[newline], default="\n")
    return common, len(used) > 1


def encode(text: str, text_format: TextFormat) -> bytes:
    """The bytes of `text` (line feeds) written in `text_format`. (A lone surrogate, which UTF-8
    cannot hold, becomes `?`.)"""
    if text_format.newline != "\n":
        text = text.replace("\n", text_format.newline)
    data = text.encode("utf-8", errors="replace")
    return UTF8_BOM + data if text_format.bom else data


@dataclass(frozen=True)
class SavedFile:
    in_place: bool  # written in place: its folder does not let a temporary file be made
    version: FileVersion | None  # the version written


def save_text_file(path: Path, text: str, text_format: TextFormat) -> SavedFile:
    """Write `text` to `path` in `text_format`: atomically (a crash never leaves half a file), or
    in place when the folder does not let a temporary file be made beside a file the user may
    write. OSError if it could not be written (the file then keeps what it had when the atomic
    write failed)."""
    target = Path(os.path.realpath(path))  # through a symbolic link, which stays one
    if target.exists() and not target.is_file():
        raise OSError(errno.EINVAL, "it is not a regular file", str(path))
    if _read_only(target):  # renaming a new file over it would replace it all the same
        raise PermissionError(errno.EACCES, "The file is read-only", str(path))
    data = encode(text, text_format)
    try:
        with atomic_path(target, create_folder=False) as temporary:
            temporary.write_bytes(data)
            written = temporary.stat()  # the file renamed into place keeps its stamp
    except PermissionError as error:
        if not target.is_file():  # a new file (one the user may not write was refused above)
            raise
        log.warning(
            "cannot write a temporary file beside %s (%s); writing the file in place",
            target,
            error.strerror,
        )
        return SavedFile(True, FileVersion.of(write_in_place(target, data), data))
    return SavedFile(False, FileVersion.of(written, data))


def _read_only(path: Path) -> bool:
    """Whether the file at `path` is one its owner made read-only (no one may write it), or one
    the user may not write; False when there is none."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK)


def describe(error: OSError) -> str:
    """The reason of an OSError in words, without the file name or number Python adds."""
    if error.errno == errno.ENOSPC:
        return "No space left on device"
    return error.strerror or str(error)


def save_error_message(path: Path, error: OSError) -> str:
    return f"“{path.name}” could not be saved: {describe(error)}.\n\n{path}"
