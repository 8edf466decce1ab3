"""Real processes and real failures: two writers at once, kill -9 while learning, a full disk, a
read-only file."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from keyboard_app.personal import PersonalStore
from tests.personal.helpers import REPO, check_consistent, child, child_command, namespace_works

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and limits")


def test_two_processes_writing_at_once_both_count(tmp_path: Path) -> None:
    path, go = tmp_path / "p.sqlite3", tmp_path / "go"
    times = 150
    writers = [
        subprocess.Popen(child_command("writer", str(path), word, str(times), str(go)), cwd=REPO)
        for word in ("alpha", "beta")
    ]
    ready = [tmp_path / f"{go.name}.alpha", tmp_path / f"{go.name}.beta"]
    deadline = time.monotonic() + 60
    while not all(flag.exists() for flag in ready) and time.monotonic() < deadline:
        time.sleep(0.01)  # both opened the new file at once; now both write at once
    go.touch()
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0]
    with PersonalStore.open(path) as store:
        assert store.word_counts(["shared", "words", "alpha", "beta"]) == {
            "shared": 2 * times,
            "words": 2 * times,
            "alpha": times,
            "beta": times,
        }
        after = store.next_counts(["shared", "words"]).trigram
        assert dict(after.counts) == {"alpha": times, "beta": times}
    check_consistent(path)


def test_four_openers_of_one_new_store_at_once_all_open_it_and_none_moves_it(
    tmp_path: Path,
) -> None:
    """Connections in threads lock the file as processes do, and meet far more often: before
    the fix, a third of the rounds failed (a busy error, or the new store taken for another
    program's and moved aside)."""
    for round_number in range(30):
        path = tmp_path / f"{round_number}.sqlite3"
        assert open_and_learn_at_once(path, openers=4) == []
        assert list(tmp_path.glob(f"{path.name}.damaged*")) == []
        with PersonalStore.open(path) as store:
            assert store.word_counts(["shared"]) == {"shared": 4}


def test_four_openers_of_one_damaged_store_at_once_move_it_aside_once(tmp_path: Path) -> None:
    """Before the recovery lock, one opener in three rounds failed, or moved the new store the
    first had just made, or moved its new store over the damaged file by name (losing it)."""
    garbage = b"not a database at all " * 300
    for round_number in range(20):
        folder = tmp_path / str(round_number)
        folder.mkdir()
        path = folder / "p.sqlite3"
        path.write_bytes(garbage)
        assert open_and_learn_at_once(path, openers=4) == []
        moved = [file for file in folder.iterdir() if ".damaged-" in file.name]
        assert [file.read_bytes() for file in moved] == [garbage]
        with PersonalStore.open(path) as store:
            assert store.word_counts(["shared"]) == {"shared": 4}  # all four on one store


def open_and_learn_at_once(path: Path, *, openers: int) -> list[Exception]:
    """Open the store at `path` from `openers` threads at once, each learning one run; the
    errors they met."""
    start, failures = threading.Barrier(openers), []

    def open_and_learn() -> None:
        start.wait()
        try:
            with PersonalStore.open(path) as store:
                store.learn([["<s>", "shared", "words"]])
        except Exception as error:  # the failure itself is what the test reports
            failures.append(error)

    threads = [threading.Thread(target=open_and_learn) for _ in range(openers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


@posix_only
@pytest.mark.parametrize("tokens_per_run", [3, 2000])
def test_kill_9_while_learning_leaves_a_consistent_prefix(
    tmp_path: Path, tokens_per_run: int
) -> None:
    path = tmp_path / "p.sqlite3"
    learner = subprocess.Popen(
        child_command("forever", str(path), str(tokens_per_run)),
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert learner.stdout is not None
    committed = 0
    while committed < 20:
        committed = int(learner.stdout.readline())
    time.sleep(0.05)  # somewhere inside a later transaction, most likely
    learner.send_signal(signal.SIGKILL)
    printed = [int(line) for line in learner.stdout.read().split()]
    learner.wait(timeout=30)
    committed = max([committed, *printed])
    check_consistent(path)
    with PersonalStore.open(path) as store:
        assert store.recovered_from is None
        first = store.next_counts(["<s>"]).bigram
        (word,) = first.counts
        done = first.total
        assert committed <= done <= committed + 1  # the one being printed may have committed
        stats = store.stats()
        assert (stats.words, stats.word_total) == (tokens_per_run, tokens_per_run * done)
        assert all(entry.count == done for entry in store.entries(limit=10**6))
        store.learn([["<s>", word]])  # and it goes on learning
        assert store.next_counts(["<s>"]).bigram.total == done + 1


def on_a_tiny_disk(tmp_path: Path, program: str) -> dict[str, Any]:
    """Run the child `program` on its store `p.sqlite3` on a 256 KB disk of its own (a tmpfs in
    a mount namespace); its JSON report."""
    if not namespace_works():
        pytest.skip("no mount namespace here, so no tiny tmpfs to fill")
    folder = tmp_path / "disk"
    folder.mkdir()
    script = (
        f"mount -t tmpfs -o size=256k tmpfs {shlex.quote(str(folder))} && "
        f"exec {shlex.join(child_command(program, str(folder / 'p.sqlite3')))}"
    )
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


@posix_only
def test_a_full_disk_stops_learning_with_a_message_and_loses_nothing(tmp_path: Path) -> None:
    report = on_a_tiny_disk(tmp_path, "fill")
    assert report["error"].startswith("No space left on device")
    assert "nothing already learned was lost" in report["error"]
    assert report["batches"] > 0
    assert report["after"] == report["before"]
    assert ["Kind regards", 1] in report["after"]


@posix_only
def test_a_store_on_a_full_disk_says_the_disk_is_full(tmp_path: Path) -> None:
    """Opening makes the log's files; on a full disk SQLite says only "disk I/O error"."""
    error = on_a_tiny_disk(tmp_path, "open-on-a-full-disk")["error"]
    assert error.startswith("No space left on device"), error
    assert "nothing already learned was lost" in error


@posix_only
def test_a_file_size_limit_stops_learning_with_a_message_and_loses_nothing(tmp_path: Path) -> None:
    done = child("fill-limited", str(tmp_path / "p.sqlite3"), str(300_000), timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert "nothing already learned was lost" in report["error"]
    assert report["batches"] > 0
    assert report["after"] == report["before"]
    check_consistent(tmp_path / "p.sqlite3")


@posix_only
def test_a_read_only_file_cannot_learn_but_keeps_what_it_has(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with PersonalStore.open(path) as store:
        store.learn([["<s>", "Kind", "regards"]])
    program = child_command("read-only", str(path))
    if namespace_works():  # a read-only mount of the file: also for root, whom chmod won't stop
        quoted = shlex.quote(str(path))
        script = (
            f"mount --bind {quoted} {quoted} && mount -o remount,bind,ro {quoted} && "
            f"exec {shlex.join(program)}"
        )
        command = ["unshare", "-rm", "sh", "-c", script]
    elif os.geteuid() != 0:
        path.chmod(0o444)
        command = program
    else:
        pytest.skip("root without a mount namespace: nothing makes the file read-only")
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["before"] == report["after"] == [["Kind", 1]]
    assert "is read-only" in report["error"]
