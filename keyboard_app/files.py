"""Writing files so that a crash, a full disk or a kill never leaves a half-written one, and the
other small file jobs several modules share (a file's SHA-256, the free-space check).

Every file the project writes goes through `atomic_path` (or `write_atomic`, built on it): the data
goes to a temporary file beside the target, which is flushed to disk, renamed over the target, and
the folder's entry flushed too, so that after a power cut the target holds the old data or the new,
never a mixture. No Qt here.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import hashlib
import json
import os
import secrets
import shutil
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

HASH_CHUNK = 1 << 20
# The longest file name most file systems take: 255 bytes (ext4, APFS), 255 UTF-16 units (NTFS).
MAX_NAME_BYTES = 255


class NotEnoughSpace(OSError):
    """A folder has less free space than an operation needs (the message is for a person)."""


@contextlib.contextmanager
def atomic_path(
    path: str | Path,
    *,
    private: bool = False,
    mode: int | None = None,
    create_folder: bool = True,
) -> Iterator[Path]:
    """A temporary path beside `path` to write to; when the block ends without an exception, the
    file there is flushed to disk and renamed to `path`. On any exception it is deleted and `path`
    is left as it was. Writers that take a path (llama.cpp, GGUF, NumPy, PyTorch) write to it.

    The new file keeps the permissions of the file it replaces; a new one gets the user's default
    (the umask's), or only the owner's with `private` (files holding the user's text). With
    `mode`, the new file has exactly that mode whatever the old one had (a file holding a secret
    that an earlier version wrote readable to all).

    The folder is created when missing, as the app's own folders are; a path the user typed
    (`create_folder=False`) must be in a folder that exists, so that a mistyped folder is a
    FileNotFoundError, not a new folder holding the file.

    A symbolic link keeps pointing where it did: the file it points to is replaced. A folder, or
    anything else that is not a file (a device such as /dev/null, a pipe), is never replaced: an
    OSError naming `path` says so."""
    target = replaceable_file(Path(path))
    if create_folder:
        target.parent.mkdir(parents=True, exist_ok=True)
    temporary = _new_temporary(target, 0o600 if private or mode is not None else 0o666)
    try:
        if mode is not None:
            os.chmod(temporary, mode)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))
        yield temporary
        move_into_place(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def replaceable_file(path: Path) -> Path:
    """The file that writing `path` atomically replaces: `path`, or the file a symbolic link
    there points to; an OSError naming `path` if it is a folder or not a file at all."""
    if path.name in ("", ".", ".."):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return target
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not stat.S_ISREG(mode):
        raise OSError(errno.EINVAL, "Not a file (a device, a pipe or a socket)", str(path))
    return target


def file_identity(path: Path) -> tuple[int, int] | None:
    """The device and inode of the file at `path` (the same while it is the same file, whatever
    is written to it), or None when there is none; other errors (no permission) are raised."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_dev, status.st_ino


def damaged_name(path: Path, side_suffixes: tuple[str, ...] = ()) -> Path:
    """A name beside `path` to keep a damaged file under, `<name>.damaged-<time>`, that no file
    has (nor, with each of `side_suffixes` added, any of the files that go with it)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    attempt = 1
    while any(Path(f"{target}{suffix}").exists() for suffix in ("", *side_suffixes)):
        attempt += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{attempt}")
    return target


def is_same_file(one: Path, other: Path) -> bool:
    """Whether both paths name one existing file (by any name or link); False if either is
    missing or cannot be looked at."""
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def _new_temporary(target: Path, mode: int) -> Path:
    """An empty new file beside `target`, created with `mode` less the umask."""
    while True:
        candidate = target.with_name(_temporary_name(target.name))
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))
        except FileExistsError:
            continue
        return candidate


def _temporary_name(name: str) -> str:
    """A hidden name made from `name`, cut short where it would be longer than a file name may be
    (a legal name of 240 bytes would otherwise be saved never)."""
    suffix = f".{secrets.token_hex(6)}.part"
    while len(os.fsencode(f".{name}{suffix}")) > MAX_NAME_BYTES:
        name = name[:-1]
    return f".{name}{suffix}"


def move_into_place(finished: str | Path, target: str | Path) -> None:
    """Rename the complete file `finished` to `target` (in the same folder) durably: its data is
    flushed to disk first and the folder's entry after. For files that must outlive a failed
    attempt under their temporary name (a resumable download's `.part` file)."""
    _fsync_file(Path(finished))
    os.replace(finished, target)
    _fsync_folder(Path(target).parent)


def write_atomic(
    path: str | Path,
    data: str | bytes,
    *,
    private: bool = False,
    mode: int | None = None,
    create_folder: bool = True,
) -> None:
    """Replace the file at `path` with `data` (text is written as UTF-8), atomically
    (`atomic_path` says which permissions it gets and when the folder is created)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path, private=private, mode=mode, create_folder=create_folder) as temporary:
        temporary.write_bytes(raw)


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    """Flush the folder's entries (the rename); not every platform can open a folder (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse to sync a folder; the rename itself is still atomic
    finally:
        os.close(fd)


def sha256_of(path: str | Path, progress: Callable[[int], None] | None = None) -> str:
    """The SHA-256 of the file at `path`, in hex; `progress` is told the bytes read so far."""
    return hash_file(path, progress).hexdigest()


def hash_file(path: str | Path, progress: Callable[[int], None] | None = None) -> hashlib._Hash:
    """A running SHA-256 of the file at `path`, to go on updating (a resumed download)."""
    digest = hashlib.sha256()
    done = 0
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(HASH_CHUNK), b""):
            digest.update(block)
            done += len(block)
            if progress is not None:
                progress(done)
    return digest


def check_free_space(folder: str | Path, needed: int, margin: int = 0) -> None:
    """NotEnoughSpace unless `folder` has `needed` + `margin` bytes free."""
    free = shutil.disk_usage(folder).free
    if free < needed + margin:
        raise NotEnoughSpace(
            f"Not enough disk space in {folder}: {human_size(needed)} needed, {human_size(free)} free."
        )


def human_size(size_bytes: int) -> str:
    """`512` -> `512 B`, `1536000` -> `1.5 MB`, `548000000` -> `548 MB` (decimal units, as file
    managers show sizes)."""
    value, unit = float(size_bytes), "B"
    for bigger in ("KB", "MB", "GB", "TB"):
        if value < 1000:
            break
        value, unit = value / 1000, bigger
    if unit == "B":
        return f"{size_bytes} B"
    return f"{value:.1f} {unit}" if value < 10 else f"{value:,.0f} {unit}"


def write_in_place(path: str | Path, data: bytes) -> os.stat_result:
    """Overwrite the existing file at `path` with `data`, flushed to disk, keeping the file itself;
    the status of the file written (taken on it, not on whatever `path` names by then).

    For a file the user may write in a folder they may not (where `atomic_path` cannot create its
    temporary file). It is not atomic: if writing fails part way (a full disk), the old contents
    are written back before the error is raised, which succeeds when they fit where they were."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        old = b"".join(iter(lambda: os.read(fd, HASH_CHUNK), b""))
        try:
            _overwrite(fd, data)
        except OSError:
            with contextlib.suppress(OSError):
                _overwrite(fd, old)
            raise
        return os.fstat(fd)
    finally:
        os.close(fd)


def _overwrite(fd: int, data: bytes) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.ftruncate(fd, len(data))
    os.fsync(fd)


class NotUtf8(ValueError):
    """Bytes that are not UTF-8 text; the message says why, for a person, to follow "... is not
    UTF-8 text" in parentheses."""


def decode_utf8(raw: bytes) -> str:
    """`raw` as UTF-8 text; NotUtf8 when it is not, or when it is UTF-16 (Windows' "Unicode"
    text files, `is_utf16`: without its byte-order mark English in UTF-16 reads as UTF-8 full of
    NULs, and saved so, any edit made it garbage)."""
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # (UTF-16's mark starts one)
        raise NotUtf8("it is UTF-32 text: save it as UTF-8")
    if is_utf16(raw):
        raise NotUtf8("it is UTF-16 text: save it as UTF-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotUtf8(f"byte {error.start:,} is not UTF-8") from None


def is_utf16(raw: bytes) -> bool:
    """Whether `raw` starts as UTF-16 text does: with its byte-order mark, or without one, every
    other byte of its start NUL and none of the others (English in UTF-16)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    start = raw[:_UTF16_SAMPLE]
    if len(start) < 4:
        return False
    even, odd = start[0::2], start[1::2]
    return any(
        nul.count(0) >= _UTF16_NUL_SHARE * len(nul) and 0 not in other
        for nul, other in ((even, odd), (odd, even))
    )


_UTF16_SAMPLE = 512  # bytes of a file's start looked at
_UTF16_NUL_SHARE = 0.9  # of every other byte (a character outside Latin-1 has no NUL)


class UnusableFile(ValueError):
    """A file that cannot be used for what it should hold; the message says why, for a person.
    `kind` names what is there instead of a regular file ("a named pipe"), when that is why."""

    def __init__(self, message: str, kind: str = "") -> None:
        super().__init__(message)
        self.kind = kind


def open_regular_file(path: str | Path) -> BinaryIO:
    """The file at `path` opened for reading, if it is a regular file; UnusableFile otherwise.
    It is opened without blocking and checked on the open file, so that a named pipe or a device
    (even one put there after a check of the path) never hangs the caller. OSErrors of opening
    pass through; a path no file can have (a NUL in it) is an UnusableFile too."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    with _bad_path_is_unusable():
        fd = os.open(path, flags)
    try:
        _check_regular(os.fstat(fd))
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_regular_file(path: str | Path, max_bytes: int) -> bytes:
    """The bytes of the file at `path` (see `read_regular_file_and_status`)."""
    return read_regular_file_and_status(path, max_bytes)[0]


def read_regular_file_and_status(path: str | Path, max_bytes: int) -> tuple[bytes, os.stat_result]:
    """The bytes of the file at `path`, which must be a regular file of at most `max_bytes`, and
    the status of the open file, taken before reading it (another program's change after that
    shows as a status of its own, never hidden behind this one).

    Anything else is refused before it is read, with UnusableFile: a named pipe or a device would
    block or never end, a folder is not a file. It is checked before opening and again on the
    open file (`open_regular_file`). FileNotFoundError and the other OSErrors of reading pass
    through. A path no file can have (a NUL in it, say from a hand-edited settings file) is an
    UnusableFile, not the ValueError of `os.stat`."""
    with _bad_path_is_unusable():
        info = os.stat(path)
    _check_regular(info, max_bytes)
    with open_regular_file(path) as file:
        status = os.fstat(file.fileno())
        _check_regular(status, max_bytes)
        # As much as the file holds, not the bound: a read allocates all it is asked for (512 MB
        # for a small export, which a limited address space refuses); more if it has grown.
        data = file.read(min(status.st_size, max_bytes) + 1)
        if len(data) > status.st_size:
            data += file.read(max(max_bytes + 1 - len(data), 0))
    if len(data) > max_bytes:
        raise UnusableFile(f"it is larger than {human_size(max_bytes)}")
    return data, status


@contextlib.contextmanager
def _bad_path_is_unusable() -> Iterator[None]:
    """Around a call given a path: the ValueError of a path no file can have becomes an
    UnusableFile (a ValueError too, but one whose message is for a person)."""
    try:
        yield
    except ValueError as error:
        raise UnusableFile(f"it is not a usable file name ({error})") from None


def read_json(path: str | Path, max_bytes: int) -> object:
    """The JSON value in the file at `path`, read defensively (a hand-edited, damaged or hostile
    file): UnusableFile if it is not a regular file, larger than `max_bytes`, not UTF-8, not JSON
    or nested too deeply to parse. FileNotFoundError if there is none; other OSErrors pass."""
    return parse_json(read_regular_file(path, max_bytes))


def parse_json(data: bytes) -> object:
    """The JSON value in `data`, read as defensively as `read_json` reads a file (UnusableFile)."""
    if not data.strip():
        raise UnusableFile("it is empty")  # (json's message: Expecting value, line 1)
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise UnusableFile(f"it is not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise UnusableFile(f"it is not JSON ({error.msg}, line {error.lineno})") from None
    except RecursionError:
        raise UnusableFile("it is not usable JSON (nested too deeply)") from None
    except ValueError as error:
        raise UnusableFile(f"it is not usable JSON ({error})") from None


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _check_regular(info: os.stat_result, max_bytes: int | None = None) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "")
        if kind:
            raise UnusableFile(f"it is {kind}, not a file", kind)
        raise UnusableFile("it is not a regular file", "a special file")
    if max_bytes is not None and info.st_size > max_bytes:
        raise UnusableFile(f"it is larger than {human_size(max_bytes)}")
