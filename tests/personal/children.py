"""Programs the personal store's tests run in other processes:
`python -m tests.personal.children NAME ARGS...` (from the repository's root)."""

from __future__ import annotations

import itertools
import json
import resource
import signal
import string
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from keyboard_app.personal import PersonalStore, PersonalStoreError


def writer(path: str, word: str, times: str, go: str) -> None:
    """Say it is ready (the file `go`.WORD), wait for the file `go`, then learn
    "<s> shared words WORD" `times` times, one transaction each."""
    store = PersonalStore.open(path)
    Path(f"{go}.{word}").touch()
    while not Path(go).exists():
        time.sleep(0.001)
    for _ in range(int(times)):
        store.learn([["<s>", "shared", "words", word]])
    store.close()


def forever(path: str, tokens_per_run: str) -> None:
    """Learn the same run again and again, printing how many are committed after each."""
    store = PersonalStore.open(path)
    run = ["<s>", *itertools.islice(_names(), int(tokens_per_run))]
    for done in itertools.count(1):
        store.learn([run])
        print(done, flush=True)


def fill(path: str) -> None:
    """Learn until the disk (or the file size limit) stops it; print what was kept, as JSON."""
    store = PersonalStore.open(path)
    store.learn([["<s>", "Kind", "regards"]])
    names = _names()
    learned, error = 0, ""
    try:
        while True:
            store.learn([[next(names) for _ in range(20)]])
            learned += 1
    except PersonalStoreError as failure:
        error = str(failure)
    before = [(entry.text, entry.count) for entry in store.entries(limit=100_000)]
    store.close()
    again = PersonalStore.open(path)
    after = [(entry.text, entry.count) for entry in again.entries(limit=100_000)]
    print(json.dumps({"error": error, "batches": learned, "before": before, "after": after}))


def open_on_a_full_disk(path: str) -> None:
    """Make a store, fill its disk with another file, then open the store again; print what
    opening said, as JSON."""
    with PersonalStore.open(path) as store:
        store.learn([["<s>", "Kind", "regards"]])
    with open(Path(path).with_name("filler"), "wb", buffering=0) as filler:
        try:
            while filler.write(b"\0" * 4096):
                pass
        except OSError:
            pass  # the disk is full
    try:
        PersonalStore.open(path).close()
        error = ""
    except PersonalStoreError as failure:
        error = str(failure)
    print(json.dumps({"error": error}))


def fill_limited(path: str, limit: str) -> None:
    """`fill` with the process's largest file size set to `limit` bytes."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails (EFBIG)
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(limit), int(limit)))
    fill(path)


def read_only(path: str) -> None:
    """Open a store whose file cannot be written, and try to learn; print what happened."""
    store = PersonalStore.open(path)
    report: dict[str, object] = {"before": store.completions("kind")}
    try:
        store.learn([["Kind", "regards"]])
    except PersonalStoreError as failure:
        report["error"] = str(failure)
    report["after"] = store.completions("kind")
    print(json.dumps(report))


def _names() -> Iterator[str]:
    """Different words of letters only, for as long as needed."""
    for length in itertools.count(4):
        for letters in itertools.product(string.ascii_lowercase, repeat=length):
            yield "w" + "".join(letters)


PROGRAMS: dict[str, Callable[..., None]] = {
    "writer": writer,
    "forever": forever,
    "fill": fill,
    "open-on-a-full-disk": open_on_a_full_disk,
    "fill-limited": fill_limited,
    "read-only": read_only,
}

if __name__ == "__main__":
    PROGRAMS[sys.argv[1]](*sys.argv[2:])
