"""Atomic writes, file hashes and the free-space check (keyboard_app/files.py)."""

from __future__ import annotations

import hashlib
import os
import stat
import tracemalloc
from pathlib import Path

import pytest

from keyboard_app import files


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    target.write_text("old")
    with pytest.raises(RuntimeError, match="crash"), files.atomic_path(target) as temporary:
        temporary.write_text("half of the new")
        raise RuntimeError("crash while writing")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_a_finished_write_replaces_the_file_and_no_temporary_is_left(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    target.write_text("old")
    with files.atomic_path(target) as temporary:
        assert temporary.parent == tmp_path and temporary != target
        temporary.write_text("new")
        assert target.read_text() == "old"  # nothing changes before the block ends
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_write_atomic_writes_text_and_bytes_and_creates_the_folder(tmp_path: Path) -> None:
    text_file = tmp_path / "new" / "folder" / "notes.txt"
    files.write_atomic(text_file, "héllo\n")
    assert text_file.read_bytes() == "héllo\n".encode()
    files.write_atomic(text_file, b"\x00\xff")
    assert text_file.read_bytes() == b"\x00\xff"
    assert [p.name for p in text_file.parent.iterdir()] == ["notes.txt"]


def test_a_path_the_user_typed_must_be_in_a_folder_that_exists(tmp_path: Path) -> None:
    mistyped = tmp_path / "Dcuments" / "notes.txt"
    with pytest.raises(FileNotFoundError):
        files.write_atomic(mistyped, "text", create_folder=False)
    assert list(tmp_path.iterdir()) == []


def test_move_into_place_renames_a_finished_file(tmp_path: Path) -> None:
    part, target = tmp_path / "model.bin.part", tmp_path / "model.bin"
    part.write_bytes(b"complete")
    target.write_bytes(b"previous")
    files.move_into_place(part, target)
    assert target.read_bytes() == b"complete" and not part.exists()


def test_sha256_matches_hashlib_and_reports_progress(tmp_path: Path) -> None:
    data = bytes(range(256)) * 10_000  # 2.5 MB: more than one read
    path = tmp_path / "data.bin"
    path.write_bytes(data)
    seen: list[int] = []
    assert files.sha256_of(path, seen.append) == hashlib.sha256(data).hexdigest()
    assert seen == sorted(seen) and seen[-1] == len(data) and len(seen) >= 2


def test_hash_file_can_go_on_with_more_data(tmp_path: Path) -> None:
    path = tmp_path / "part"
    path.write_bytes(b"first half, ")
    digest = files.hash_file(path)
    digest.update(b"second half")
    assert digest.hexdigest() == hashlib.sha256(b"first half, second half").hexdigest()


def test_check_free_space(tmp_path: Path) -> None:
    files.check_free_space(tmp_path, 1)
    with pytest.raises(files.NotEnoughSpace, match=r"Not enough disk space in .*needed") as caught:
        files.check_free_space(tmp_path, 1 << 62)
    assert isinstance(caught.value, OSError)
    with pytest.raises(files.NotEnoughSpace):
        files.check_free_space(tmp_path, 1, margin=1 << 62)


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "shared.txt"
    target.write_text("old")
    target.chmod(0o640)
    files.write_atomic(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_new_file_gets_the_users_default_permissions_or_the_owners_only(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        files.write_atomic(tmp_path / "public.txt", "words")
        files.write_atomic(tmp_path / "private.txt", "the user's text", private=True)
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "public.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "private.txt").stat().st_mode) == 0o600


def test_a_user_folder_that_cannot_be_made_does_not_stop_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from keyboard_app import paths

    blocker = tmp_path / "taken"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setenv("KEYBOARD_APP_CONFIG_DIR", str(blocker / "config"))
    assert paths.user_config_dir() == blocker / "config"  # returned; whoever writes gets the error
    with pytest.raises(OSError):
        files.write_atomic(paths.user_config_dir() / "settings.json", "{}")
    monkeypatch.setenv("KEYBOARD_APP_DATA_DIR", str(blocker / "data"))
    from keyboard_app.models import store

    assert store.installed_models() == []  # the model store reads as empty (it raised at start)
    assert store.default_model_path() is None


@pytest.mark.parametrize("name", ["n" * 251 + ".txt", "文" * 79 + ".txt"], ids=["latin", "cjk"])
def test_a_file_with_the_longest_name_allowed_is_written(tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    files.write_atomic(target, "kept")
    assert target.read_text("utf-8") == "kept"
    assert [path.name for path in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize(
    ("size", "shown"),
    [(512, "512 B"), (1536, "1.5 KB"), (1_536_000, "1.5 MB"), (548_000_000, "548 MB")],
)
def test_sizes_are_shown_in_decimal_units(size: int, shown: str) -> None:
    assert files.human_size(size) == shown


def test_a_path_with_a_nul_is_an_unusable_file(tmp_path: Path) -> None:
    """os.stat and os.open raise ValueError for it, which their callers did not expect."""
    bad = str(tmp_path / "bad\0name")
    with pytest.raises(files.UnusableFile, match="not a usable file name"):
        files.read_regular_file(bad, 100)
    with pytest.raises(files.UnusableFile, match="not a usable file name"):
        files.open_regular_file(bad)


def test_a_file_of_exactly_the_largest_size_allowed_is_read(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b"x" * 100)
    assert files.read_regular_file(path, 100) == b"x" * 100
    with pytest.raises(files.UnusableFile, match="larger than 99 B"):
        files.read_regular_file(path, 99)


def test_a_small_file_is_read_in_as_much_memory_as_it_holds(tmp_path: Path) -> None:
    """The bound is no size to allocate: reading a small file with a large bound (a personal
    store's export: 512 MiB) took that much, a MemoryError where the address space is limited."""
    path = tmp_path / "export.json"
    path.write_bytes(b"x" * 1000)
    tracemalloc.start()
    try:
        assert files.read_regular_file(path, 512 * 2**20) == b"x" * 1000
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux's /proc")
def test_a_file_larger_than_its_size_said_is_read_to_its_bound() -> None:
    """A file that has grown since its size was taken (here one of /proc, whose size says 0):
    read whole, up to the bound and no further."""
    path = Path("/proc/self/status")
    assert os.stat(path).st_size == 0 and stat.S_ISREG(os.stat(path).st_mode)
    assert files.read_regular_file(path, 2**20).startswith(b"Name:\t")
    with pytest.raises(files.UnusableFile, match="larger than 10 B"):
        files.read_regular_file(path, 10)


_WRITE_PAST_THE_LIMIT = """
import resource, signal, sys
from keyboard_app.files import write_in_place

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails (EFBIG)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    write_in_place(sys.argv[1], b"new " * 4096)
except OSError as error:
    print(error.strerror)
"""


@pytest.mark.skipif(os.name != "posix", reason="a file size limit (RLIMIT_FSIZE)")
def test_an_overwrite_that_fails_part_way_puts_the_old_contents_back(tmp_path: Path) -> None:
    """A file written in place (in a folder the user may not write) and a full disk, here a
    file size limit: the old text is written back where it was, not left cut off."""
    import subprocess
    import sys

    path = tmp_path / "notes.txt"
    path.write_bytes(b"the old text\n")
    done = subprocess.run(
        [sys.executable, "-c", _WRITE_PAST_THE_LIMIT, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "File too large"
    assert path.read_bytes() == b"the old text\n"


def test_writing_through_a_symbolic_link_replaces_the_file_it_points_to(tmp_path: Path) -> None:
    (tmp_path / "dotfiles").mkdir()
    real = tmp_path / "dotfiles" / "settings.json"
    real.write_text("old")
    link = tmp_path / "settings.json"
    link.symlink_to(real)
    files.write_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dotfiles", "settings.json"]
    dangling = tmp_path / "later.json"
    dangling.symlink_to(tmp_path / "dotfiles" / "later.json")
    files.write_atomic(dangling, "made")
    assert dangling.is_symlink() and (tmp_path / "dotfiles" / "later.json").read_text() == "made"


def test_a_pipe_or_a_folder_is_never_replaced_by_a_file(tmp_path: Path) -> None:
    """As root, `keyboard-app personal export /dev/null` replaced the system's /dev/null."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(OSError, match="Not a file") as refused:
        files.write_atomic(pipe, "text")
    assert refused.value.filename == str(pipe)
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    (tmp_path / "folder").mkdir()
    for folder in (tmp_path / "folder", Path("."), Path(""), Path("/")):
        with pytest.raises(IsADirectoryError) as refused_folder:
            files.write_atomic(folder, "text")
        assert refused_folder.value.filename == str(folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "pipe"]
    assert not list((tmp_path / "folder").iterdir())
