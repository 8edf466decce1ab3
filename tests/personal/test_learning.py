"""What is learned from a text, and what never is."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyboard_app.engine.trigrams import BOUNDARY
from keyboard_app.personal.learning import learn_text, learnable, learnable_tail
from keyboard_app.personal.store import PersonalStore

S = BOUNDARY


def test_tokens_are_the_trigram_models_and_paragraphs_start_runs() -> None:
    assert learnable("Kind regards, John.\nSee you don't-worry!") == [
        [S, "Kind", "regards", ",", "John", "."],
        [S, "See", "you", "don't-worry", "!"],
    ]


def test_empty_lines_and_symbols_give_no_run() -> None:
    assert learnable("\n\n  ---  \n") == []
    assert learnable("a & b") == [[S, "a", "b"]]  # "&" is no token, and drops nothing


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        # e-mail addresses, dropped whole (TOKENS would keep "john", "example", "com")
        ("mail john.smith@example.com today", [[S, "mail"], ["today"]]),
        ("write to <ann@host> now", [[S, "write", "to"], ["now"]]),
        # links, with a scheme, www., or a bare domain (with or without a path)
        ("see https://example.org/a?b=c here", [[S, "see"], ["here"]]),
        ("see www.example.org here", [[S, "see"], ["here"]]),
        ("see (example.com/page) here", [[S, "see"], ["here"]]),
        ("see ftp://files.example.net here", [[S, "see"], ["here"]]),
        # letters mixed with digits: passwords, keys, codes
        ("my password hunter2 is weak", [[S, "my", "password"], ["is", "weak"]]),
        ("key Tr0ub4dor&3 ok", [[S, "key"], ["ok"]]),
        # long digit runs, also with separators: phone, card and account numbers
        ("call 0123456789 now", [[S, "call"], ["now"]]),
        ("call +1 (555) 123-4567 now", [[S, "call"], ["now"]]),
        ("card 4111 1111 1111 1111 ok", [[S, "card"], ["ok"]]),
        ("pay 12,345,678 now", [[S, "pay"], ["now"]]),
        ("on 2024-01-15 at", [[S, "on"], ["at"]]),
        ("my mp3 player", [[S, "my"], ["player"]]),
        # very long tokens
        ("hash " + "a" * 33 + " end", [[S, "hash"], ["end"]]),
        # what follows a secret's label
        ("my pin is 4821 ok", [[S, "my", "pin", "is"], ["ok"]]),
        ("password: correcthorsebatterystaple thanks", [[S, "password", ":"], ["thanks"]]),
        ("password is: hunter ok", [[S, "password", "is", ":"], ["ok"]]),
        ("pwd: hunter ok", [[S, "pwd", ":"], ["ok"]]),
        ("passwd=hunter ok", [[S, "passwd"], ["ok"]]),
        ("the passcode is swordfish ok", [[S, "the", "passcode", "is"], ["ok"]]),
        ("passphrase: correct ok", [[S, "passphrase", ":"], ["ok"]]),
        ("the PIN: 0000 ok", [[S, "the", "PIN", ":"], ["ok"]]),
        # a key of capitals alone, a path, an address with a full-width at sign
        ("key AKIAIOSFODNNEXAMPLE here", [[S, "key"], ["here"]]),
        ("see /home/ann/.ssh/id_rsa now", [[S, "see"], ["now"]]),
        ("read ~/notes now", [[S, "read"], ["now"]]),
        ("open C:\\Users\\ann now", [[S, "open"], ["now"]]),
        ("mail ann＠example.com now", [[S, "mail"], ["now"]]),
        # a model's control token pasted into the text is markup, not the words "endoftext"
        ("end <|endoftext|> start", [[S, "end"], ["start"]]),
        ("end.<|endoftext|>Start", [[S, "end", "."], ["Start"]]),
    ],
)
def test_secrets_and_noise_are_dropped_and_break_the_run(text: str, runs: list[list[str]]) -> None:
    assert learnable(text) == runs


def test_what_looks_like_a_secret_but_is_not_stays() -> None:
    assert learnable("In 1984, 3 cats ate 42 mice at 10:30.") == [
        [S, "In", "1984", ",", "3", "cats", "ate", "42", "mice", "at", "10", ":", "30", "."]
    ]
    assert learnable("e.g. i.e. U.S. end.The") == [
        [S, "e", ".", "g", ".", "i", ".", "e", ".", "U", ".", "S", ".", "end", ".", "The"]
    ]
    assert learnable("a" * 32) == [[S, "a" * 32]]
    assert learnable("and/or NASA CONGRATULATIONS") == [[S, "and", "or", "NASA", "CONGRATULATIONS"]]
    assert learnable("him/her/them") == [[S, "him", "her", "them"]]
    assert learnable("The pin is stuck") == [[S, "The", "pin", "is", "stuck"]]


def test_a_dropped_first_token_means_no_paragraph_start() -> None:
    assert learnable("0123456789 is my number") == [["is", "my", "number"]]
    assert learnable("x@y.z") == []


def test_offensive_words_are_learned() -> None:
    assert learnable("damn it") == [[S, "damn", "it"]]


def test_tail_is_the_finished_word_and_its_history() -> None:
    assert learnable_tail("Kind regards") == ([S, "Kind"], ["regards"])
    assert learnable_tail("Hello\nKind") == ([S], ["Kind"])
    assert learnable_tail("one two three four") == (["two", "three"], ["four"])
    assert learnable_tail("one two three four", n=2) == (["one", "two"], ["three", "four"])
    assert learnable_tail("mail me at 0123456789 please") == ([], ["please"])


def test_tail_is_none_when_the_last_word_is_dropped_or_missing() -> None:
    assert learnable_tail("mail me at a@b.org") is None
    assert learnable_tail("password hunter2") is None
    assert learnable_tail("") is None
    assert learnable_tail("one two", n=3) is None


def test_learn_text_goes_in_batches_with_progress_and_can_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from keyboard_app.personal import learning

    monkeypatch.setattr(learning, "BATCH_CHARS", 20)
    text = "\n".join(f"line number {word}" for word in ("one", "two", "three", "four", "five"))
    store = PersonalStore.open(tmp_path / "p.sqlite3")
    reports: list[tuple[int, int]] = []
    assert learn_text(store, text, progress=lambda done, total: reports.append((done, total))) == 15
    assert reports[-1] == (len(text), len(text))
    assert len(reports) > 1 and [done for done, _ in reports] == sorted(done for done, _ in reports)
    assert store.completions("line") == [("line", 5)]
    calls = iter([False, True])
    assert learn_text(store, text, cancelled=lambda: next(calls)) == 6  # the first batch only
    assert store.completions("line") == [("line", 7)]


def test_a_long_paragraph_is_learned_a_piece_at_a_time_and_can_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A document of one long paragraph (no line break) is learned, and cancelled, in pieces,
    and only its real start counts as a paragraph's start."""
    from keyboard_app.personal import learning

    monkeypatch.setattr(learning, "BATCH_CHARS", 20)
    text = " ".join(["word"] * 40)  # 199 characters, one line
    store = PersonalStore.open(tmp_path / "p.sqlite3")
    reports: list[int] = []
    assert learn_text(store, text, progress=lambda done, _: reports.append(done)) == 40
    assert len(reports) > 5 and reports[-1] == len(text)
    starts = [e for e in store.entries(limit=100) if e.kind == "phrase" and e.text.startswith("¶")]
    assert [(e.text, e.count) for e in starts] == [("¶ word", 1), ("¶ word word", 1)]
    calls = iter([False, True])
    assert learn_text(store, text, cancelled=lambda: next(calls)) < 10  # the first piece only


def test_words_with_combining_marks_are_learned_whole() -> None:
    """Accents written as combining marks (as macOS writes them) are part of their word."""
    assert learnable("my re\u0301sume\u0301 cafe\u0301") == [
        [BOUNDARY, "my", "re\u0301sume\u0301", "cafe\u0301"]
    ]
