"""The lock between processes: one holder at a time, even when the file it locks is deleted by the
holder before it; the model store's form of it raises the model manager's error."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyboard_app import locking
from keyboard_app.locking import LockUnavailable, exclusive_lock
from keyboard_app.models import locking as model_locking
from keyboard_app.models.errors import ModelManagerError


def test_a_second_holder_is_refused_until_the_first_lets_go(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json.lock"
    with (
        exclusive_lock(path),
        pytest.raises(LockUnavailable, match="busy"),
        exclusive_lock(path, busy="busy"),
    ):
        pass
    with exclusive_lock(path, busy="busy"):  # released: free again
        pass
    assert not path.exists()  # the holder deletes its file


def test_a_lock_won_on_a_file_its_last_holder_deleted_is_taken_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between opening the lock file and locking it, the last holder may delete it (it does, on
    release): a lock won on that deleted file guards nothing, since the next comer makes and
    locks a new file. It is taken again on the file that is there."""
    path = tmp_path / "manifest.json.lock"
    real_open = locking._open
    opened: list[int] = []

    def open_then_holder_releases(where: Path) -> int:
        fd = real_open(where)
        if not opened:
            where.unlink()  # the last holder's release, right after this open
        opened.append(fd)
        return fd

    monkeypatch.setattr(locking, "_open", open_then_holder_releases)
    with exclusive_lock(path):
        assert len(opened) == 2 and path.exists()
        with pytest.raises(LockUnavailable, match="busy"), exclusive_lock(path, busy="busy"):
            pass


def test_the_model_stores_lock_tells_its_failures_as_model_manager_errors(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf.lock"
    with (
        model_locking.exclusive_lock(path),
        pytest.raises(ModelManagerError, match="already being downloaded"),
        model_locking.exclusive_lock(path, busy="already being downloaded"),
    ):
        pass
    with (
        pytest.raises(ModelManagerError, match="Cannot create the lock file"),
        model_locking.exclusive_lock(tmp_path / "missing folder" / "x.lock"),
    ):
        pass


def test_an_error_inside_the_model_stores_lock_passes_as_it_is(tmp_path: Path) -> None:
    with pytest.raises(KeyError), model_locking.exclusive_lock(tmp_path / "x.lock"):
        raise KeyError("inside")
    assert not (tmp_path / "x.lock").exists()
