"""Opening the personal store's SQLite file: settings, checks, migrations, and what happens when
the file is damaged or foreign; and SQLite's errors told as a person would want them.

A file that is not SQLite, another program's SQLite database, or a damaged one is moved aside to
`<name>.damaged-<time>` (never deleted: what it held may still be read by hand) and a new store is
started; only a store written by a newer version of the app is left alone, with an error.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from keyboard_app.files import NotEnoughSpace, check_free_space, damaged_name, is_same_file
from keyboard_app.locking import LockUnavailable, exclusive_lock
from keyboard_app.paths import PRIVATE_FOLDER
from keyboard_app.personal import schema
from keyboard_app.personal.errors import PersonalStoreError

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 2000  # how long a writer waits for another process's transaction to end
_BUSY_RETRY_S = 0.01  # the pause between tries to open a store another process is opening too
_CORRUPTION = ("file is not a database", "malformed")  # SQLITE_NOTADB, SQLITE_CORRUPT
_SIDE_FILES = ("-wal", "-shm")
PRIVATE_FILE = 0o600  # the store holds what the user wrote: only theirs to read
FULL_DISK_BYTES = 2**20  # less free than this, and a "disk I/O error" means a full disk


class _Damaged(Exception):
    """The file is not a usable store of this app (the message says why)."""


class _DamagedInside(_Damaged):
    """The file is a store of this app (its owner and version read) that SQLite's check finds
    damaged: the damage may be in an index alone, which its table rebuilds."""


class StoreBusy(PersonalStoreError):
    """Another connection held its write transaction past the busy timeout: the change did not
    happen, and the same change may well succeed a moment later."""


def connect(path: Path, *, recover: bool = True) -> tuple[sqlite3.Connection, Path | None]:
    """A connection to the store at `path`, created if missing, and where a damaged or foreign
    file found there was moved (None when there was none). Without `recover` (a file the user
    named), such a file is an error and stays as it is."""
    if not recover:
        try:
            return _open_checked(path), None
        except _Damaged as damage:
            raise PersonalStoreError(
                f"{path} {damage}: it is not a personal store this app can use, and was left as "
                "it is."
            ) from None
    _create_private(path)  # the folder, for the lock file
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(exclusive_lock(path.with_name(f"{path.name}.lock")))
        except LockUnavailable as error:
            logger.warning("Opening the personal store %s without its lock: %s", path, error)
        return _open_or_move_aside(path)


def _open_or_move_aside(path: Path) -> tuple[sqlite3.Connection, Path | None]:
    """Open the store, moving a damaged or foreign file aside first. Under the lock beside the
    store: two copies of the app doing this at once would each move what the other had just
    made (its new store; or the damaged file, over by name), and a copy whose connection is on
    the file being moved can meet SQLite's journal of the new store by its name."""
    try:
        return _open_checked(path), None
    except _DamagedInside as damage:
        reason = str(damage)
        copy = _reindexed(path)
        if copy is not None:
            logger.warning(
                "The personal store %s %s; its indexes were rebuilt from its tables, and a copy "
                "of the damaged file kept as %s",
                path,
                reason,
                copy,
            )
            try:
                return _open_checked(path), None
            except _Damaged as again:
                reason = str(again)
    except _Damaged as damage:
        reason = str(damage)
    moved = move_aside(path)
    logger.warning("The personal store %s %s; moved it to %s", path, reason, moved)
    try:
        return _open_checked(path), moved
    except _Damaged as damage:
        raise PersonalStoreError(
            f"A new personal store cannot be started at {path}: it {damage}."
        ) from damage


def _reindexed(path: Path) -> Path | None:
    """Rebuild the indexes of the damaged store at `path` from its tables (REINDEX): damage in an
    index alone then loses nothing. A copy of the damaged file (and its log) is kept first, under
    the name `move_aside` would give it. The copy's path if the store is whole afterwards; None if
    not, with the copy deleted and the store as it was (the rebuild's transaction rolled back)."""
    copy = damaged_name(path, _SIDE_FILES)
    try:
        shutil.copyfile(path, copy)
        wal = Path(f"{path}-wal")
        if wal.exists():
            shutil.copyfile(wal, Path(f"{copy}-wal"))
        keep_private(copy)
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as connection:
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.execute("REINDEX")
                checked = connection.execute("PRAGMA quick_check").fetchall()
                whole = [row[0] for row in checked] == ["ok"]
            except sqlite3.DatabaseError:
                whole = False
            connection.execute("COMMIT" if whole else "ROLLBACK")
    except (OSError, sqlite3.Error) as error:
        logger.warning("The indexes of the personal store %s cannot be rebuilt: %s", path, error)
        whole = False
    if whole:
        return copy
    for file in store_files(copy):
        with contextlib.suppress(OSError):
            file.unlink()
    return None


def move_aside(path: Path) -> Path:
    """Rename `path` (and its write-ahead log) to `<name>.damaged-<time>`, never over a file."""
    target = damaged_name(path, _SIDE_FILES)
    try:
        os.replace(path, target)
        for suffix in _SIDE_FILES:
            side = Path(f"{path}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{target}{suffix}"))
        keep_private(target)
    except OSError as error:
        raise PersonalStoreError(
            f"The personal store {path} is damaged and cannot be moved aside: {error.strerror}."
        ) from error
    return target


def store_files(path: Path) -> tuple[Path, ...]:
    """The store at `path` and its write-ahead log and shared memory files."""
    return (path, *(Path(f"{path}{suffix}") for suffix in _SIDE_FILES))


def is_store_file(candidate: Path, path: Path) -> bool:
    """Whether `candidate` is one of the files of the store at `path` (by any name or link)."""
    return any(is_same_file(candidate, file) for file in store_files(path))


def keep_private(path: Path) -> None:
    """Make the store's file at `path`, and its write-ahead log and shared memory, readable by
    the user alone (a store of an older version of the app was made readable by all). Where that
    cannot be done (another user's file, a file system without Unix permissions), the store is
    used as it is and a warning logged: it opened before, and must go on opening."""
    for file in store_files(path):
        try:
            mode = stat.S_IMODE(file.stat().st_mode)
            if mode & ~PRIVATE_FILE:
                os.chmod(file, mode & PRIVATE_FILE)  # a read-only file stays read-only
        except FileNotFoundError:
            continue
        except OSError as error:
            logger.warning("cannot make %s readable by its owner alone: %s", file, error)


def _side_files_writable_as_the_store(path: Path) -> None:
    """Give the write-ahead log and shared memory back the owner's write permission when the
    store has it. SQLite makes them with the store's mode, and a connection that could only read
    leaves them behind: once the store is made writable again, SQLite would open the read-only
    shared memory read-only, and the store would stay read-only."""
    try:
        writable = stat.S_IMODE(path.stat().st_mode) & stat.S_IWUSR and os.access(path, os.W_OK)
    except OSError:
        return
    if not writable:
        return
    for side in store_files(path)[1:]:
        try:
            mode = stat.S_IMODE(side.stat().st_mode)
            if not mode & stat.S_IWUSR:
                os.chmod(side, (mode | stat.S_IRUSR | stat.S_IWUSR) & PRIVATE_FILE)
        except FileNotFoundError:
            continue
        except OSError as error:
            logger.warning("cannot make %s writable as the store is: %s", side, error)


def _create_private(path: Path) -> None:
    """Make the folder (the user's alone) and an empty file (likewise) for a new store, before
    SQLite opens it: SQLite gives its log and shared memory files the mode of the store's."""
    try:
        path.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    except OSError as error:
        raise PersonalStoreError(
            f"The folder of the personal store {path} cannot be created: {error.strerror}."
        ) from error
    with sqlite_errors(path, "creating it"), contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))


def _open_checked(path: Path) -> sqlite3.Connection:
    if path.is_dir():  # SQLite says only that it cannot open the file
        raise PersonalStoreError(f"The personal store {path} cannot be opened: it is a folder.")
    _create_private(path)
    _side_files_writable_as_the_store(path)
    with sqlite_errors(path, "opening it"):
        connection = sqlite3.connect(
            path,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,  # transactions are begun and ended explicitly
            check_same_thread=False,  # the store serialises its own use of the connection
        )
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _again_while_busy(lambda: _prepare(connection, path))
        keep_private(path)
        return connection
    except sqlite3.DatabaseError as error:
        connection.close()
        if is_corruption(error):
            raise _Damaged(f"is damaged ({error})") from error
        raise PersonalStoreError(describe(error, path, "opening it")) from error
    except BaseException:
        connection.close()
        raise


def _prepare(connection: sqlite3.Connection, path: Path) -> None:
    _check_owner(connection, path)  # before anything is written to another program's file
    _configure(connection)
    _check(connection)


def _again_while_busy(action: Callable[[], None]) -> None:
    """Run `action`, again while it fails on a lock, for up to the busy timeout. Two processes
    opening a new store at once need this: SQLite does not wait where waiting could deadlock
    (one holds a read lock and asks to write while the other writes), which is how switching
    the file to write-ahead logging meets another process's migration. Every step is a read or
    is done again safely (the migration reads the version inside its transaction)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            action()
            return
        except sqlite3.OperationalError as error:
            if not is_busy(error) or time.monotonic() > deadline:
                raise
            time.sleep(_BUSY_RETRY_S)


def connect_reader(path: Path) -> sqlite3.Connection:
    """A second, read-only connection to the store `connect` opened at `path`: in WAL mode its
    reads see the last committed state and never wait for a write transaction."""
    with sqlite_errors(path, "opening it"):
        connection = sqlite3.connect(
            path,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,  # the store serialises its own use of the connection
        )
        try:
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA query_only = 1")
        except BaseException:
            connection.close()
            raise
    return connection


def _configure(connection: sqlite3.Connection) -> None:
    mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        logger.warning("The personal store is in %s mode (no write-ahead log here)", mode)
    # WAL with NORMAL: a power cut may lose the last transactions, never the file's consistency.
    connection.execute("PRAGMA synchronous = NORMAL")
    # Forgotten and cleared entries are overwritten on their pages, not left readable there.
    connection.execute("PRAGMA secure_delete = FAST")


def _check_owner(connection: sqlite3.Connection, path: Path) -> None:
    """Raise _Damaged for a file that is not SQLite or is another program's database, and
    PersonalStoreError for a store of a newer version of the app (reads only, in one read
    transaction: another process may be making the same new store, and the owner read before
    its migration with the tables read after it would look like another program's file)."""
    connection.execute("BEGIN")
    try:
        owner, found, tables = (
            schema.application_id(connection),
            schema.version(connection),
            schema.table_names(connection),
        )
    finally:
        if connection.in_transaction:
            connection.execute("ROLLBACK")  # a read: nothing to undo, only the lock to let go
    latest = len(schema.MIGRATIONS)
    if owner != schema.APPLICATION_ID and (owner != 0 or found != 0 or tables):
        raise _Damaged("is not a keyboard-app store (another program's SQLite database)")
    if found > latest:
        raise PersonalStoreError(
            f"The personal store {path} was written by a newer version of keyboard-app "
            f"(schema {found}; this version reads up to {latest}); update the app to use it."
        )


def _check(connection: sqlite3.Connection) -> None:
    """Raise _Damaged for a damaged store; migrate an older store of this app."""
    found, latest = schema.version(connection), len(schema.MIGRATIONS)
    problems = [row[0] for row in connection.execute("PRAGMA quick_check").fetchall()]
    if problems != ["ok"]:
        raise _DamagedInside(f"is damaged ({_first_problem(problems)})")
    if found < latest:
        schema.migrate(connection)
    if schema.objects(connection) != schema.expected_objects():
        raise _Damaged("is damaged or altered (its tables, indexes and triggers are not the app's)")


def _first_problem(problems: list[str]) -> str:
    """The first problem SQLite's check found, on one line: a row may hold many lines (a
    heading, then a line for each damaged cell of a page), and a message is one line."""
    lines = [
        line.strip()
        for problem in problems
        for line in problem.splitlines()
        if line.strip() and not line.startswith("***")
    ]
    if not lines:
        return "damaged"
    more = len(lines) - 1
    return lines[0] + (f", and {more} more problem{'s' if more > 1 else ''}" if more else "")


def is_busy(error: sqlite3.Error) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED: another connection is writing."""
    lowered = str(error).lower()
    return "locked" in lowered or "busy" in lowered


def is_corruption(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return any(sign in text for sign in _CORRUPTION)


@contextlib.contextmanager
def sqlite_errors(path: Path, doing: str) -> Iterator[None]:
    """Turn SQLite's and the system's errors inside the block into PersonalStoreError."""
    try:
        yield
    except sqlite3.Error as error:
        if is_busy(error):
            raise StoreBusy(describe(error, path, doing)) from error
        raise PersonalStoreError(describe(error, path, doing)) from error
    except OSError as error:
        raise PersonalStoreError(
            f"The personal store {path} could not be used ({doing}): {error.strerror or error}."
        ) from error


def describe(error: sqlite3.Error, path: Path, doing: str) -> str:
    """A message for a person: what went wrong while `doing` (e.g. "learning"), and what is kept."""
    text = str(error)
    lowered = text.lower()
    kept = "nothing already learned was lost"
    if "full" in lowered or ("disk i/o" in lowered and _disk_full(path)):
        return (
            f"No space left on device for the personal store {path}: {doing} stopped, and "
            f"{kept}. Free some disk space to go on."
        )
    if "readonly" in lowered or "read-only" in lowered:
        return f"The personal store {path} is read-only: {doing} is not possible; {kept}."
    if is_busy(error):
        return (
            f"The personal store {path} is busy (another program or window is writing to it); "
            f"{doing} did not happen. Try again."
        )
    if is_corruption(error):
        return (
            f"The personal store {path} is damaged ({text}); it is moved aside and a new one "
            "started the next time it is opened."
        )
    if "unable to open" in lowered:
        return (
            f"The personal store {path} cannot be opened ({text}); check that its folder exists "
            "and can be written."
        )
    return f"The personal store {path} failed while {doing} ({text}); {kept}."


def _disk_full(path: Path) -> bool:
    """Whether the disk holding `path` has no room left for a page and its log: SQLite says
    only "disk I/O error" when it cannot make the log's files on opening."""
    try:
        check_free_space(path.parent, FULL_DISK_BYTES)
    except NotEnoughSpace:
        return True
    except OSError:  # no folder to ask about: not known to be full
        return False
    return False
