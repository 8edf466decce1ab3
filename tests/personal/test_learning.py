"""What is learned from a text, and what never is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from keyboard_app.engine.trigrams import BOUNDARY, TOKENS
from keyboard_app.personal.learning import learn_text, learnable, learnable_after
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
        ("my code 48213 ok", [[S, "my", "code"], ["ok"]]),  # five digits: the fewest dropped
        ("call 555 12 ok", [[S, "call"], ["ok"]]),  # five, in two groups
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


def test_a_number_ending_a_batch_at_a_line_break_is_learned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A number is held back at a batch's end for the next batch to show whether it goes on; a
    line break shows it does not (it was held, then lost with its paragraph)."""
    from keyboard_app.personal import learning

    monkeypatch.setattr(learning, "BATCH_CHARS", 8)
    store = PersonalStore.open(tmp_path / "p.sqlite3")
    learn_text(store, "chapter 42\nthe next line")
    assert store.word_counts(["42", "chapter", "line"]) == {"42": 1, "chapter": 1, "line": 1}


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


def _typed(context: str, chunks: list[str]) -> list[tuple[list[str], list[str]]]:
    """What learnable_after gives for chunks finished one after the other, as the editor sends
    them: each after the paragraph so far."""
    found = []
    for chunk in chunks:
        found.extend(learnable_after(context, chunk, goes_on=True))
        context += chunk + " "
    return found


@pytest.mark.parametrize(
    "text",
    [
        "my password is hunter ok",
        "password: swordfish ok",
        "card 4111 1111 1111 1111 ok",
        "call me on 555 123 4567 ok",
        "call +1 (555) 123-4567 ok",
        "my pin is 4821 ok",
        "iban DE89 3704 0044 0532 0130 00 ok",
    ],
)
def test_a_secret_typed_word_by_word_is_dropped_as_in_the_whole_text(text: str) -> None:
    """Each word is learned after the text before it: what that text makes a secret (a label,
    a number's first groups) is dropped, and nothing is learned alone instead."""
    found = _typed("\n", text.split(" "))
    learned = [token for _, tokens in found for token in tokens]
    assert learned == [token for run in learnable(text) for token in run]
    assert not any(any(c.isdigit() for c in token) for token in learned)
    assert not {"hunter", "swordfish"} & set(learned)


def test_a_number_is_held_back_until_the_next_word_shows_it_ended() -> None:
    assert learnable_after("\nin ", "1984", goes_on=True) == []
    assert learnable_after("\nin 1984 ", "I", goes_on=True) == [([S, "in"], ["1984", "I"])]
    assert learnable_after("\nchapter ", "2\n", goes_on=True) == [([S, "chapter"], ["2"])]
    assert learnable_after("\nin ", "1984") == [([S, "in"], ["1984"])]  # the text's end
    assert learnable_after("\ncard ", "4111 -", goes_on=True) == []  # it may go on: " 1111"
    # What the text itself gives, without the number held back before it
    assert learnable_after("\nin 1984 ", "I", number_before=False) == [(["in", "1984"], ["I"])]


def test_a_context_without_its_paragraphs_start_starts_no_paragraph() -> None:
    assert learnable_after("\n", "Hello") == [([], [S, "Hello"])]
    assert learnable_after("", "Hello") == [([], [S, "Hello"])]
    assert learnable_after(" ", "Hello") == [([], ["Hello"])]
    assert learnable_after(" Kind ", "regards") == [(["Kind"], ["regards"])]
    assert learnable_after("Dear Ann.\nKind ", "regards") == [([S, "Kind"], ["regards"])]
    # A line after one ending in a comma goes on with its paragraph, whose start is not known
    assert learnable_after("Dear Ann,\nKind ", "regards") == [([",", "Kind"], ["regards"])]


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("card 4111  1111  1111  1111 ok", [[S, "card"], ["ok"]]),
        ("card 4111 - 1111 - 1111 - 1111 ok", [[S, "card"], ["ok"]]),
        ("key sk-abcdEFGHijklMNOPqrst ok", [[S, "key"], ["ok"]]),
        ("key xoxb-abcdefghij-klmnopqrst ok", [[S, "key"], ["ok"]]),
        ("key ghp_abcdefghijklmnopqrstuvwxyzABCD ok", [[S, "key"], ["ok"]]),
        ("apikey=abcdefghijklmnopqrstuvwxyz ok", [[S, "apikey"], ["ok"]]),
        ("token: abcdefghijklmno ok", [[S, "token", ":"], ["ok"]]),
        ("hex deadbeefcafebabe ok", [[S, "hex"], ["ok"]]),
        ("pass: hunter ok", [[S, "pass", ":"], ["ok"]]),
        ("pw: hunter ok", [[S, "pw", ":"], ["ok"]]),
        ("passwort: hunter ok", [[S, "passwort", ":"], ["ok"]]),
        ("secret: hunter ok", [[S, "secret", ":"], ["ok"]]),
        ("pin 4821 ok", [[S, "pin"], ["ok"]]),
        ("open D:/Users/ann now", [[S, "open"], ["now"]]),
        ("open Documents/taxes/ann-salary.xlsx now", [[S, "open"], ["now"]]),
        # the shortest of each shape the rules name: 16 capitals, 16 hexadecimal letters of 4
        # kinds, 8 characters after a key's prefix, a domain ending in 2 letters
        ("key AKIAIOSFODNNEXAM ok", [[S, "key"], ["ok"]]),
        ("hex deafdeafdeafdeaf ok", [[S, "hex"], ["ok"]]),
        ("key sk-abcdefgh ok", [[S, "key"], ["ok"]]),
        ("see example.de/page here", [[S, "see"], ["here"]]),
        ("mail web.de today", [[S, "mail"], ["today"]]),
        # a path holding a backslash, without a drive
        ("open \\\\server\\share now", [[S, "open"], ["now"]]),
        # the labels of numbers besides the PIN
        ("my cvv is 123 ok", [[S, "my", "cvv", "is"], ["ok"]]),
        ("cvc: 987 ok", [[S, "cvc", ":"], ["ok"]]),
        ("otp 4821 ok", [[S, "otp"], ["ok"]]),
        # a review's: a label of two words, codes, wider gaps and dashes between a card's groups
        ("API key: frobnicatewidget ok", [[S, "API", "key", ":"], ["ok"]]),
        ("client secret = frobnicate ok", [[S, "client", "secret"], ["ok"]]),
        ("Your PIN code is 4821 ok", [[S, "Your", "PIN", "code", "is"], ["ok"]]),
        ("one-time code: 4829 ok", [[S, "one-time", "code", ":"], ["ok"]]),
        ("card 4111   1111   1111   1111 ok", [[S, "card"], ["ok"]]),
        ("card 4111\u20141111\u20141111\u20141111 ok", [[S, "card"], ["ok"]]),
        ("card 4111 \u2013 1111 \u2013 1111 \u2013 1111 ok", [[S, "card"], ["ok"]]),
    ],
)
def test_more_secret_shapes_are_dropped(text: str, runs: list[list[str]]) -> None:
    assert learnable(text) == runs


def test_just_short_of_a_keys_shape_is_learned() -> None:
    """One capital, one character after the prefix or one kind of letter fewer than the rules
    ask for is a word (a shout, a hyphenated word, a key held down)."""
    for token in ("AKIAIOSFODNNEXA", "deaddeaddeaddead", "deafdeafdeafdea", "sk-abcdefg"):
        assert learnable(f"key {token} ok") == [[S, "key", token, "ok"]]


def test_ordinary_prose_near_the_new_rules_is_learned() -> None:
    text = (
        "The secret is out, my password manager works, pass the salt, a pin is stuck, "
        "and/or him/her/them, 10 - 20 people, a skeptic ski-lift, tokens: none, Mr. Bead"
    )
    assert learnable(text) == [[S, *TOKENS.findall(text)]]


def test_a_document_with_combining_marks_adds_to_the_typed_entries(tmp_path: Path) -> None:
    store = PersonalStore.open(tmp_path / "p.sqlite3")
    learn_text(store, "Treffen in Mu\u0308nchen")
    learn_text(store, "Treffen in M\u00fcnchen")
    assert store.word_counts(["M\u00fcnchen"]) == {"M\u00fcnchen": 2}
    assert {e.text for e in store.entries(limit=100)} == {
        "Treffen",
        "in",
        "M\u00fcnchen",
        "¶ Treffen",
        "¶ Treffen in",
        "Treffen in",
        "Treffen in M\u00fcnchen",
        "in M\u00fcnchen",
    }
    store.close()


@pytest.mark.parametrize("secret", ["password: swordfish", "card 4111 1111 1111 1111"])
def test_a_secret_cut_by_a_batch_boundary_is_dropped_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    from keyboard_app.personal import learning

    monkeypatch.setattr(learning, "BATCH_CHARS", 20)
    label = secret.split(" ")[0]
    for shift in range(-12, 12):  # the cut at each place in and around the secret
        text = "x" * (19 - len(label) + shift) + " " + secret + " and more" + " tail" * 10
        store = PersonalStore.open(tmp_path / f"p{shift}.sqlite3")
        learn_text(store, text)
        learned = {e.text for e in store.entries(limit=1000)}
        assert not any(part in " ".join(learned) for part in ("swordfish", "4111", "1111"))
        assert "more" in learned
        store.close()


EMAILS = "Hi Siobhan,\nThanks for the notes.\n\nKind regards,\nNaledi\n"


def test_a_line_after_one_ending_in_a_comma_goes_on_with_its_paragraph() -> None:
    """A sign-off's name and a greeting's first line are learned after the comma, not as a
    paragraph's start; a line after a blank line, or after one not ending in a comma, starts one."""
    assert learnable(EMAILS) == [
        [S, "Hi", "Siobhan", ",", "Thanks", "for", "the", "notes", "."],
        [S, "Kind", "regards", ",", "Naledi"],
    ]
    assert learnable("Kind regards,\n\nNaledi") == [[S, "Kind", "regards", ","], [S, "Naledi"]]
    assert learnable("Kind regards,\n \t\nNaledi") == [[S, "Kind", "regards", ","], [S, "Naledi"]]
    assert learnable("Kind regards\nNaledi") == [[S, "Kind", "regards"], [S, "Naledi"]]
    assert learnable("Best, \nNaledi") == [[S, "Best", ",", "Naledi"]]  # a space after it
    assert learnable("Hi,\n,\nBob") == [[S, "Hi", ",", ",", "Bob"]]
    assert learnable_after("\nKind regards,\n", "Naledi") == [(["regards", ","], ["Naledi"])]
    assert learnable_after("\nKind regards,\n\n", "Naledi") == [([], [S, "Naledi"])]


def test_a_dropped_chunk_or_a_label_still_breaks_a_line_going_on() -> None:
    assert learnable("mail me at ann@example.com,\nThanks") == [[S, "mail", "me", "at"], ["Thanks"]]
    assert learnable("Hi,\nann@example.com, Thanks") == [[S, "Hi", ","], ["Thanks"]]
    assert learnable("Hi,\nPassword:\nhunter,\nThanks") == [
        [S, "Hi", ",", "Password", ":"],
        ["Thanks"],  # the secret, comma and all, is dropped; the line after it too goes on
    ]
    assert learnable("my pin is 4821,\nThanks") == [[S, "my", "pin", "is"], ["Thanks"]]
    assert learnable("card 4111 1111,\n1111 1111 ok") == [[S, "card"], [","], ["ok"]]


def _typed_as_the_editor_does(text: str) -> list[tuple[list[str], list[str]]]:
    """What learnable_after gives for each chunk of `text` finished by the whitespace after it,
    with that whitespace when it is a line break, after the text before it (as the editor sends
    them, through `Predictor.learn(text, context)`)."""
    found = []
    for match in re.finditer(r"\S+(\s|$)", text):
        chunk = match.group().rstrip(" \t")
        found.extend(learnable_after("\n" + text[: match.start()], chunk, goes_on=True))
    return found


@pytest.mark.parametrize(
    "text",
    [
        EMAILS * 2,
        "Dear Ann,\nthe password is hunter,\nok\n\nBest,\nBo\n",
        "Call me on 555,\n123 4567 or write.\nThanks,\n\nNaledi\n",
        "Hi,\n,\nBob, and Ann,\n  Zed\n",
    ],
)
def test_learning_word_by_word_counts_what_learning_the_whole_text_counts(
    tmp_path: Path, text: str
) -> None:
    with PersonalStore.open(tmp_path / "typed.sqlite3") as typed:
        typed.learn_each_after(_typed_as_the_editor_does(text), now=1.0)
        with PersonalStore.open(tmp_path / "whole.sqlite3") as whole:
            whole.learn(learnable(text), now=1.0)
            assert typed.entries() == whole.entries()
            assert typed.next_counts(["regards", ","]) == whole.next_counts(["regards", ","])


def test_a_document_learned_in_batches_goes_on_after_a_comma_across_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("keyboard_app.personal.learning.BATCH_CHARS", 30)
    with PersonalStore.open(tmp_path / "batches.sqlite3") as batches:
        learn_text(batches, EMAILS * 20, now=1.0)
        with PersonalStore.open(tmp_path / "whole.sqlite3") as whole:
            whole.learn(learnable(EMAILS * 20), now=1.0)
            assert batches.entries() == whole.entries()
            assert batches.next_counts(["regards", ","]).trigram.counts == {"Naledi": 20}
