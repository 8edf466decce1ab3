"""Downloads from a real HTTP server on 127.0.0.1 that behaves like the Hugging Face Hub."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import pytest

from keyboard_app.models.download import DownloadOptions, download_file, file_url, probe
from keyboard_app.models.errors import ModelManagerError, OperationCancelled
from keyboard_app.models.progress import Progress
from tests.models.hf_fixtures import TINY_REPO, TINY_REVISION, FakeHub

FAST = DownloadOptions(retries=2, timeout_s=5.0, backoff_s=0.01, disk_margin_bytes=0)


def _url(name: str) -> str:
    return file_url(TINY_REPO, TINY_REVISION, name)  # HF_ENDPOINT points at the fake hub


def test_probe_reads_the_lfs_hash_before_the_redirect(fake_hub: FakeHub) -> None:
    data = fake_hub.files["model.safetensors"]
    remote = probe(_url("model.safetensors"))
    assert remote.size == len(data)
    assert remote.sha256 == hashlib.sha256(data).hexdigest()
    assert probe(_url("config.json")).sha256 is None  # not an LFS file: size only


def test_full_download_with_progress(fake_hub: FakeHub, tmp_path: Path) -> None:
    reports: list[Progress] = []
    dest = download_file(
        _url("model.safetensors"),
        tmp_path / "m.safetensors",
        progress=reports.append,
        options=FAST,
    )
    data = fake_hub.files["model.safetensors"]
    assert dest.read_bytes() == data
    assert not (tmp_path / "m.safetensors.part").exists()
    assert reports[-1].done == reports[-1].total == len(data)
    assert all(r.stage == "m.safetensors" and r.rate >= 0 for r in reports)
    assert [r.done for r in reports] == sorted(r.done for r in reports)


def test_resume_after_the_server_drops_the_connection(fake_hub: FakeHub, tmp_path: Path) -> None:
    data = fake_hub.files["model.safetensors"]
    fake_hub.behaviour.drop_after = len(data) // 2
    dest = download_file(_url("model.safetensors"), tmp_path / "m", options=FAST)
    assert dest.read_bytes() == data
    ranges = [r for method, path, r in fake_hub.behaviour.requests if method == "GET"]
    assert ranges[-1] == f"bytes={len(data) // 2}-"


def test_resume_of_a_part_file_left_by_an_earlier_run(fake_hub: FakeHub, tmp_path: Path) -> None:
    data = fake_hub.files["model.safetensors"]
    (tmp_path / "m.part").write_bytes(data[:1000])
    dest = download_file(_url("model.safetensors"), tmp_path / "m", options=FAST)
    assert dest.read_bytes() == data
    assert ("GET", "/cdn/model.safetensors", "bytes=1000-") in fake_hub.behaviour.requests


def test_a_part_file_already_complete_is_not_downloaded_again(
    fake_hub: FakeHub, tmp_path: Path
) -> None:
    """Killed between the last byte and the rename: the server refuses a range past the end
    (416), and the .part file, checked, is the download."""
    data = fake_hub.files["model.safetensors"]
    (tmp_path / "m.part").write_bytes(data)
    dest = download_file(_url("model.safetensors"), tmp_path / "m", options=FAST)
    assert dest.read_bytes() == data
    gets = [r for r in fake_hub.behaviour.requests if r[0] == "GET"]
    assert gets and all(r[2] == f"bytes={len(data)}-" for r in gets)


def test_a_connection_that_keeps_dropping_but_progresses_is_followed_to_the_end(
    fake_hub: FakeHub, tmp_path: Path
) -> None:
    """The retries count failures in a row: an attempt that brought data starts the count again,
    so a flaky connection finishes the file, however many attempts that takes."""
    data = fake_hub.files["model.safetensors"]
    fake_hub.behaviour.drop_every = len(data) // (FAST.retries + 4) + 1
    dest = download_file(_url("model.safetensors"), tmp_path / "m", options=FAST)
    assert dest.read_bytes() == data
    gets = [r for r in fake_hub.behaviour.requests if r[0] == "GET" and r[1].startswith("/cdn/")]
    assert len(gets) > FAST.retries + 2


def test_server_ignoring_range_restarts_cleanly(fake_hub: FakeHub, tmp_path: Path) -> None:
    data = fake_hub.files["model.safetensors"]
    fake_hub.behaviour.ignore_range = True
    (tmp_path / "m.part").write_bytes(data[:1000])
    assert (
        download_file(_url("model.safetensors"), tmp_path / "m", options=FAST).read_bytes() == data
    )


def test_corrupted_byte_is_rejected_and_deleted(fake_hub: FakeHub, tmp_path: Path) -> None:
    fake_hub.behaviour.corrupt = True
    with pytest.raises(ModelManagerError, match="corrupt"):
        download_file(_url("model.safetensors"), tmp_path / "m", options=FAST)
    assert list(tmp_path.iterdir()) == []


def test_pinned_hash_mismatch_is_rejected(fake_hub: FakeHub, tmp_path: Path) -> None:
    with pytest.raises(ModelManagerError, match="corrupt"):
        download_file(_url("config.json"), tmp_path / "c", sha256="0" * 64, options=FAST)
    assert list(tmp_path.iterdir()) == []


def test_404_says_not_found(fake_hub: FakeHub, tmp_path: Path) -> None:
    fake_hub.behaviour.missing.add("model.safetensors")
    with pytest.raises(ModelManagerError, match="not found"):
        download_file(_url("model.safetensors"), tmp_path / "m", options=FAST)
    assert list(tmp_path.iterdir()) == []


def test_unreachable_server_says_offline(tmp_path: Path) -> None:
    with pytest.raises(ModelManagerError, match="offline"):
        download_file("http://127.0.0.1:9/x", tmp_path / "x", options=FAST)


def test_not_enough_disk_space(fake_hub: FakeHub, tmp_path: Path) -> None:
    options = DownloadOptions(disk_margin_bytes=1 << 60)
    with pytest.raises(ModelManagerError, match="Not enough disk space"):
        download_file(_url("model.safetensors"), tmp_path / "m", options=options)
    assert list(tmp_path.iterdir()) == []


def test_cancel_keeps_the_part_file_for_a_resume(fake_hub: FakeHub, tmp_path: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(OperationCancelled):
        download_file(_url("model.safetensors"), tmp_path / "m", cancel=cancel, options=FAST)
    assert not (tmp_path / "m").exists()
    data = fake_hub.files["model.safetensors"]
    assert (
        download_file(_url("model.safetensors"), tmp_path / "m", options=FAST).read_bytes() == data
    )


def test_cancel_stops_a_slow_download_within_a_second(fake_hub: FakeHub, tmp_path: Path) -> None:
    """About 80 KB/s: a read that waited for a whole 1 MiB took 12 s to see Cancel."""
    fake_hub.behaviour.pause_s, fake_hub.behaviour.piece_bytes = 0.05, 4 << 10
    cancel = threading.Event()
    pressed: list[float] = []

    def press_cancel() -> None:
        pressed.append(time.monotonic())
        cancel.set()

    threading.Timer(1.0, press_cancel).start()
    with pytest.raises(OperationCancelled):
        download_file(_url("model.safetensors"), tmp_path / "m", cancel=cancel, options=FAST)
    assert time.monotonic() - pressed[0] < 1.0
    assert (tmp_path / "m.part").stat().st_size > 0  # kept for a resume


def test_cancel_stops_a_download_whose_connection_went_silent(
    fake_hub: FakeHub, tmp_path: Path
) -> None:
    """The read waited for the whole timeout (30 s by default) before it saw Cancel."""
    fake_hub.behaviour.stall_after = 1000
    cancel = threading.Event()
    outcome: list[BaseException] = []

    def download() -> None:
        try:
            download_file(_url("model.safetensors"), tmp_path / "m", cancel=cancel)
        except BaseException as error:  # handed to the test thread
            outcome.append(error)

    thread = threading.Thread(target=download)
    thread.start()
    assert fake_hub.behaviour.stalled.wait(10), outcome
    time.sleep(0.5)  # the download is waiting for more bytes now
    cancel.set()
    thread.join(timeout=5)
    assert not thread.is_alive(), "Cancel was not seen while the connection was silent"
    assert [type(error) for error in outcome] == [OperationCancelled]
    assert (tmp_path / "m.part").stat().st_size == 1000  # kept for a resume


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_disk_full_while_writing(fake_hub: FakeHub, tmp_path: Path) -> None:
    """Every write to /dev/full fails with ENOSPC, as on a full disk."""
    (tmp_path / "m.part").symlink_to("/dev/full")
    with pytest.raises(ModelManagerError, match="disk is full"):
        download_file(_url("model.safetensors"), tmp_path / "m", options=FAST)
    assert list(tmp_path.iterdir()) == []


def test_what_is_renamed_is_checked_on_disk(fake_hub: FakeHub, tmp_path: Path) -> None:
    """Bytes another writer adds to the .part file are caught, though the stream itself was fine."""
    part = tmp_path / "m.part"

    def another_writer(report: Progress) -> None:
        if report.done == report.total:
            with part.open("ab") as out:
                out.write(b"written by someone else")

    with pytest.raises(ModelManagerError, match="bytes, expected"):
        download_file(
            _url("model.safetensors"), tmp_path / "m", progress=another_writer, options=FAST
        )
    assert list(tmp_path.iterdir()) == []


def test_a_mirror_redirect_without_linked_size(fake_hub: FakeHub, tmp_path: Path) -> None:
    """The size of a redirect's own page is not the file's: the redirect is followed for it."""
    fake_hub.behaviour.plain_redirect = True
    data = fake_hub.files["model.safetensors"]
    assert probe(_url("model.safetensors")).size == len(data)
    assert (
        download_file(_url("model.safetensors"), tmp_path / "m", options=FAST).read_bytes() == data
    )


@pytest.mark.parametrize(
    "failures",
    [[503], [0], [429, 503], [408], [500]],
    ids=["503", "reset", "429+503", "408", "500"],
)
def test_the_first_request_is_retried(
    fake_hub: FakeHub, tmp_path: Path, failures: list[int]
) -> None:
    fake_hub.behaviour.head_errors = list(failures)
    data = fake_hub.files["model.safetensors"]
    assert (
        download_file(_url("model.safetensors"), tmp_path / "m", options=FAST).read_bytes() == data
    )
    heads = [r for r in fake_hub.behaviour.requests if r[0] == "HEAD"]
    assert len(heads) == len(failures) + 1


def test_a_persistent_head_failure_gives_up_after_the_retries(
    fake_hub: FakeHub, tmp_path: Path
) -> None:
    fake_hub.behaviour.head_errors = [503] * (FAST.retries + 1)
    with pytest.raises(ModelManagerError, match=r"answered 503 .* It kept failing"):
        download_file(_url("model.safetensors"), tmp_path / "m", options=FAST)
    assert list(tmp_path.iterdir()) == []


def test_a_redirect_loop_is_one_clear_message(fake_hub: FakeHub, tmp_path: Path) -> None:
    fake_hub.behaviour.redirect_loop = True
    with pytest.raises(ModelManagerError, match=r"redirects .* in a loop"):
        download_file(_url("model.safetensors"), tmp_path / "m", options=FAST)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("endpoint", ["http://[::1", "127.0.0.1:8000", "ftp://mirror", "https://"])
def test_a_bad_hf_endpoint_is_named(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> None:
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    with pytest.raises(ModelManagerError, match="HF_ENDPOINT"):
        file_url(TINY_REPO, TINY_REVISION, "config.json")
