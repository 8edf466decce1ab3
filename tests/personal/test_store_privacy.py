"""The store's files are the user's alone: what it holds is what they wrote."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from keyboard_app import paths
from keyboard_app.personal import PersonalStore, learnable


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual umask, under which new files are readable by everyone."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.usefixtures("open_umask")
def test_a_new_store_and_its_log_are_the_users_alone(tmp_path: Path) -> None:
    path = tmp_path / "data" / "personal.sqlite3"
    with PersonalStore.open(path) as store:
        store.learn(learnable("my secret plans"))
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert [mode(file) for file in files] == [0o600] * 3
    assert mode(path.parent) == 0o700


@pytest.mark.usefixtures("open_umask")
def test_an_older_stores_readable_file_is_made_private(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    path = folder / "personal.sqlite3"
    PersonalStore.open(path).close()
    path.chmod(0o644)
    with PersonalStore.open(path):
        assert mode(path) == 0o600
    assert mode(folder) == 0o755  # a folder that was there is left as the user set it


@pytest.mark.usefixtures("open_umask")
def test_a_read_only_store_is_made_private_and_stays_read_only(tmp_path: Path) -> None:
    path = tmp_path / "personal.sqlite3"
    with PersonalStore.open(path) as store:
        store.learn(learnable("kept words"))
    path.chmod(0o444)
    with PersonalStore.open(path) as store:
        assert store.word_counts(["kept"]) == {"kept": 1}
    assert mode(path) == 0o400


# Root without the capabilities that override file permissions, so that they apply to it too.
WITHOUT_OVERRIDES = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search"]

OPEN_AND_LEARN = """
import sys
from keyboard_app.personal import PersonalStore, PersonalStoreError, learnable
with PersonalStore.open(sys.argv[1]) as store:
    print(store.word_counts(["kept"]))
    if sys.argv[2] == "learn":
        try:
            store.learn(learnable("new words"))
        except PersonalStoreError as error:
            print(error)
        else:
            print("learned")
"""


def open_and_learn(path: Path, action: str) -> list[str]:
    """The store opened (and learned into) by another process, which file permissions bind
    (root drops the capabilities that override them)."""
    prefix = WITHOUT_OVERRIDES if os.geteuid() == 0 else []
    result = subprocess.run(
        [*prefix, sys.executable, "-c", OPEN_AND_LEARN, str(path), action],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.skipif(
    os.geteuid() == 0 and shutil.which("setpriv") is None,
    reason="no setpriv(1) to drop the privileges that override permissions",
)
def test_a_store_made_writable_again_learns_again(tmp_path: Path) -> None:
    """Opened while read-only, the store leaves its shared memory file read-only behind it; once
    the store is writable again, learning must work again, not say it is read-only."""
    path = tmp_path / "personal.sqlite3"
    with PersonalStore.open(path) as store:
        store.learn(learnable("kept words"))
    path.chmod(0o400)
    assert open_and_learn(path, "read") == ["{'kept': 1}"]
    path.chmod(0o600)
    assert open_and_learn(path, "learn") == ["{'kept': 1}", "learned"]
    with PersonalStore.open(path) as store:
        assert store.word_counts(["new"]) == {"new": 1}


@pytest.mark.usefixtures("open_umask")
def test_a_store_whose_permissions_cannot_be_changed_still_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Another user's file, or one on a file system without Unix permissions (vfat, CIFS): chmod
    fails there, which neither a test's root nor its user can make happen for real, so os.chmod is
    made to fail as it does there. The store opened before its files were made private, and must
    still: the error escaped the model's load, which then never finished."""
    path = tmp_path / "personal.sqlite3"
    with PersonalStore.open(path) as store:
        store.learn(learnable("kept words"))
    path.chmod(0o644)

    def refused(file: object, mode: int) -> None:
        raise PermissionError(1, "Operation not permitted", str(file))

    monkeypatch.setattr(os, "chmod", refused)
    with PersonalStore.open(path) as store:
        assert store.word_counts(["kept"]) == {"kept": 1}
    assert mode(path) == 0o644
    assert "cannot make" in caplog.text and "readable by its owner alone" in caplog.text


@pytest.mark.usefixtures("open_umask")
def test_a_damaged_store_moved_aside_is_private(tmp_path: Path) -> None:
    path = tmp_path / "personal.sqlite3"
    path.write_bytes(b"not a database at all" * 100)
    path.chmod(0o644)
    with PersonalStore.open(path) as store:
        assert store.recovered_from is not None
        assert mode(store.recovered_from) == 0o600


@pytest.mark.usefixtures("open_umask")
def test_the_data_folder_is_made_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYBOARD_APP_DATA_DIR", str(tmp_path / "app-data"))
    assert mode(paths.personal_store_path().parent) == 0o700
