"""`keyboard-app personal ...`: what the keyboard has learned: list, learn, forget, clear, export,
import. Everything stays on this machine."""

from __future__ import annotations

import argparse
import codecs
import contextlib
import json
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from keyboard_app.commands import (
    STANDARD_INPUT,
    file_or_dash,
    for_people,
    input_name,
    read_input_bytes,
    whole_number,
)
from keyboard_app.files import NotUtf8, UnusableFile, decode_utf8, is_utf16

if TYPE_CHECKING:
    from keyboard_app.personal import Entry, PersonalStore

Action = Callable[[argparse.Namespace], int]

# A text learned in less than a second or so (about 70,000 characters a second) shows no progress.
MIN_CHARS_SHOWN = 50_000


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "personal", help="the words and phrases the keyboard has learned from you"
    )
    sub = parser.add_subparsers(dest="personal_command", metavar="ACTION", required=True)
    store = argparse.ArgumentParser(add_help=False)
    store.add_argument(
        "--store", type=Path, help="the store's file (default: your own, in the user data folder)"
    )

    p = sub.add_parser(
        "list", parents=[store], help="the learned words and phrases, most used first"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--search", default="", help="only those containing this text (ignoring case and accents)"
    )
    p.add_argument(
        "--limit",
        type=whole_number(1, 10**9),
        default=1000,
        help="at most this many (default 1000)",
    )
    p.set_defaults(func=for_people(_list))

    p = sub.add_parser("learn", parents=[store], help="learn from UTF-8 text files")
    p.add_argument(
        "files",
        nargs="+",
        type=file_or_dash,
        metavar="FILE",
        help="a text file, or - for standard input",
    )
    p.set_defaults(func=for_people(_learn))

    p = sub.add_parser(
        "forget", parents=[store], help="forget words (and the phrases holding them) or phrases"
    )
    p.add_argument("texts", nargs="+", metavar="WORD", help="a word, or a phrase in quotes")
    p.set_defaults(func=for_people(_forget))

    p = sub.add_parser("clear", parents=[store], help="forget everything learned")
    p.add_argument("--yes", action="store_true", help="do not ask first")
    p.set_defaults(func=for_people(_clear))

    p = sub.add_parser("export", parents=[store], help="write everything learned to a JSON file")
    p.add_argument("file", type=file_or_dash, help="the file to write, or - for standard output")
    p.set_defaults(func=for_people(_export))

    p = sub.add_parser("import", parents=[store], help="add an exported JSON file's counts")
    p.add_argument("file", type=file_or_dash, help="an exported file, or - for standard input")
    p.set_defaults(func=for_people(_import))


def _open(args: argparse.Namespace, *, create: bool = False) -> PersonalStore:
    """The store: the user's own (created if missing; a damaged one is moved aside and a new one
    started, as the app does), or the file `--store` names, which must be a store already unless
    `create` (learning or importing into it) and is never moved aside. (An empty file, which
    SQLite would take for an empty store and make one of, is no store yet either.)"""
    from keyboard_app import paths
    from keyboard_app.personal import PersonalStore, PersonalStoreError

    if args.store is None:
        store = PersonalStore.open(paths.personal_store_path())
    elif not create and not args.store.exists():
        raise PersonalStoreError(f"There is no personal store at {args.store}.")
    elif not create and args.store.is_file() and args.store.stat().st_size == 0:
        raise PersonalStoreError(f"{args.store} is empty: there is no personal store in it yet.")
    else:
        store = PersonalStore.open(args.store, recover=False)
    if store.recovered_from is not None:
        print(
            f"note: the personal store was damaged or not a store; it was moved to "
            f"{store.recovered_from} and a new one started",
            file=sys.stderr,
        )
    return store


def _list(args: argparse.Namespace) -> int:
    with _open(args) as store:
        entries = store.entries(search=args.search, limit=args.limit)
    if args.json:
        print(json.dumps([_entry_json(entry) for entry in entries], ensure_ascii=False, indent=2))
    elif not entries:
        print("Nothing learned yet." if not args.search else "Nothing learned matches.")
    else:
        heading = "word or phrase"
        width = max(len(heading), min(40, max(_columns(entry.text) for entry in entries)))
        print(f"{_padded(heading, width)}  {'count':>7}  last used")
        for entry in entries:
            print(f"{_padded(entry.text, width)}  {entry.count:>7,}  {_date(entry.last_used)}")
    return 0


def _padded(text: str, width: int) -> str:
    return text + " " * max(0, width - _columns(text))


def _columns(text: str) -> int:
    """How many columns a terminal gives `text`: two for a wide (CJK) character, none for a
    combining mark."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def _entry_json(entry: Entry) -> dict[str, object]:
    return {
        "kind": entry.kind,
        "text": entry.text,
        "tokens": list(entry.tokens),
        "count": entry.count,
        "last_used": entry.last_used,
        "last_used_date": _date(entry.last_used),
    }


def _date(when: float) -> str:
    return time.strftime("%Y-%m-%d", time.localtime(when))


def _learn(args: argparse.Namespace) -> int:
    from keyboard_app.personal import learn_text

    failed = 0
    with contextlib.ExitStack() as stack:
        store: PersonalStore | None = None  # opened (or created) at the first file to learn
        for path in args.files:
            try:
                text = _read_text(path)
            except ValueError as error:
                print(f"error: {error}", file=sys.stderr)
                failed += 1
                continue
            store = store or stack.enter_context(_open(args, create=True))
            with _shown_progress(input_name(path)) as progress:
                words = learn_text(store, text, progress=progress)
            print(f"Learned {words:,} words from {input_name(path)}.")
    return 1 if failed else 0


@contextlib.contextmanager
def _shown_progress(name: str) -> Iterator[Callable[[int, int], None] | None]:
    """On a terminal, how much of a large file is learned (a few megabytes take a minute), on one
    line of stderr that is wiped at the end; elsewhere (a log, a pipe) nothing."""
    if not sys.stderr.isatty():
        yield None
        return
    shown = False

    def show(done: int, total: int) -> None:
        nonlocal shown
        if total > MIN_CHARS_SHOWN:
            sys.stderr.write(f"\rLearning from {name}: {100 * done // total}%")
            sys.stderr.flush()
            shown = True

    try:
        yield show
    finally:
        if shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _read_text(path: Path) -> str:
    """The UTF-8 text of `path` (`-`: standard input); ValueError with a message for a person
    otherwise."""
    name = input_name(path)
    try:
        raw = read_input_bytes(path)
    except FileNotFoundError:
        raise ValueError(f"{name} does not exist.") from None
    except UnusableFile as error:
        raise ValueError(f"{name} cannot be learned from: {error}.") from None
    except OSError as error:
        raise ValueError(f"{name} cannot be read: {error.strerror or error}.") from None
    if b"\0" in raw and not is_utf16(raw):
        raise ValueError(
            f"{name} is not a text file (it holds binary data); nothing learned from it."
        )
    try:
        return decode_utf8(raw.removeprefix(codecs.BOM_UTF8))
    except NotUtf8 as error:
        raise ValueError(f"{name} is not UTF-8 text ({error}); nothing learned from it.") from None


def _forget(args: argparse.Namespace) -> int:
    with _open(args) as store:
        removed = store.forget(args.texts)
    if removed:
        print(f"Forgot {removed:,} {'entry' if removed == 1 else 'entries'}.")
    else:
        print("Nothing learned matches; nothing forgotten.")
    return 0


def _clear(args: argparse.Namespace) -> int:
    with _open(args) as store:
        if not args.yes:
            if not sys.stdin.isatty():
                print(
                    "error: clearing forgets everything learned; without a terminal to ask on, "
                    "add --yes to do it",
                    file=sys.stderr,
                )
                return 2  # as for other wrong usage
            if not _confirmed(store):
                print("Nothing was cleared.")
                return 0
        store.clear()
    print("Everything learned was forgotten.")
    return 0


def _confirmed(store: PersonalStore) -> bool:
    entries = store.stats().entries
    try:
        answer = input(f"Forget all {entries:,} learned words and phrases in {store.path}? [y/N] ")
    except EOFError:  # Ctrl+D: no answer is no
        print()
        return False
    return answer.strip().lower() in ("y", "yes")


def _export(args: argparse.Namespace) -> int:
    from keyboard_app.personal import transfer

    with _open(args) as store:
        if args.file != STANDARD_INPUT:
            written = store.export_json(args.file)
            print(f"Exported {written:,} words and phrases to {args.file}.")
            return 0
        document = store.export_document()
    sys.stdout.flush()  # UTF-8 whatever the terminal's encoding: the file `import -` reads back
    sys.stdout.buffer.write(transfer.dumps(document).encode("utf-8"))
    sys.stdout.buffer.flush()
    written = len(document["words"]) + len(document["phrases"])
    print(f"Exported {written:,} words and phrases.", file=sys.stderr)  # stdout is the file
    return 0


def _import(args: argparse.Namespace) -> int:
    from keyboard_app.personal import transfer

    name = input_name(args.file)
    if args.file == STANDARD_INPUT:
        export = transfer.parse(_standard_input_bytes(), name)
    else:
        export = transfer.read(args.file)  # read before a store is made for it
    with _open(args, create=True) as store:
        imported = store.import_export(export, name)
    print(imported.summary(name, store.max_entries))
    return 0


def _standard_input_bytes() -> bytes:
    from keyboard_app.personal import PersonalStoreError

    try:
        return read_input_bytes(STANDARD_INPUT)
    except (UnusableFile, OSError) as error:
        raise PersonalStoreError(f"Standard input cannot be read: {error}.") from None
