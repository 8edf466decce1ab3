"""The pure text rules: partial words, suggestion and explorer-token insertion, token display."""

from __future__ import annotations

import pytest

from keyboard_app.ui.text_ops import (
    Insertion,
    display_token,
    in_address,
    partial_word,
    suggestion_insertion,
    token_insertion,
)


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        ("", ""),
        ("Hello wor", "wor"),
        ("Hello ", ""),
        ("it's", "it's"),
        ("well-kno", "well-kno"),
        ("She said 'hel", "hel"),
        ("She said '", ""),
        ("(abc", "abc"),
        ("route 66", "66"),
        ("end.", ""),
        ("naïve caf", "caf"),
        ("it\u2019", "it\u2019"),
    ],
)
def test_partial_word(before: str, expected: str) -> None:
    assert partial_word(before) == expected


@pytest.mark.parametrize(
    ("before", "word", "expected"),
    [
        ("Hello wor", "world", Insertion(3, "world ")),
        ("Hello ", "world", Insertion(0, "world ")),
        ("", "Hello", Insertion(0, "Hello ")),
        ("line\n", "Next", Insertion(0, "Next ")),
        ("He said (", "maybe", Insertion(0, "maybe ")),
        ("He said '", "yes", Insertion(0, "yes ")),
        ("He said \u201c", "yes", Insertion(0, "yes ")),
        # A straight quote after a word closes it: the next word is put after a space.
        ('He said "stop"', "and", Insertion(0, " and ")),
        ("He said 'stop!'", "and", Insertion(0, " and ")),
        ("He said 'stop'", "and", Insertion(0, " and ")),  # the quote closed the word
        ("He said \u2018stop\u2019", "and", Insertion(0, " and ")),
        ('"', "Hello", Insertion(0, "Hello ")),
        # A dash: the word after it goes as the dash was put (closed, or spaced).
        ("I waited\u2014", "until", Insertion(0, "until ")),
        ("I waited \u2014", "until", Insertion(0, " until ")),
        ("pages 3\u2013", "5", Insertion(0, "5 ")),
        ('("', "Hello", Insertion(0, "Hello ")),
        ('He said:"', "Hello", Insertion(0, "Hello ")),
        ("I waited\u2014'", "Hello", Insertion(0, "Hello ")),
        ('She cried "Stop!"', "and", Insertion(0, " and ")),
        ("The end.", "Then", Insertion(0, " Then ")),
        ("Wait,", "what", Insertion(0, " what ")),
        ("don'", "don't", Insertion(4, "don't ")),
        ("Hello", ",", Insertion(0, ", ")),
        # A number goes on after a digit and : , or . (3:30, $1,000, 2.5); a word does not.
        ("at 3:", "30am", Insertion(0, "30am ")),
        ("is $1,", "000", Insertion(0, "000 ")),
        ("is $1,", "and", Insertion(0, " and ")),
        ("version 2.", "5", Insertion(0, "5 ")),
        ("Note:", "30", Insertion(0, " 30 ")),
        # Signs written right before a word or number open it.
        ("is $", "1", Insertion(0, "1 ")),
        ("is \u20ac", "5", Insertion(0, "5 ")),
        ("is \u00a3", "5", Insertion(0, "5 ")),
        ("issue #", "3", Insertion(0, "3 ")),
        ("ask @", "ann", Insertion(0, "ann ")),
        ("and/", "or", Insertion(0, "or ")),
        # An emoticon's mouth opens nothing: the next word after a space.
        ("Can't make it :(", "the", Insertion(0, " the ")),
        (":-(", "the", Insertion(0, " the ")),
        ("ok ;[", "the", Insertion(0, " the ")),
        ("hmm :/", "the", Insertion(0, " the ")),
        ("see (", "the", Insertion(0, "the ")),
        ("ratio 3:(", "the", Insertion(0, "the ")),
        ("so sad :'(", "the", Insertion(0, " the ")),
        ("x =(", "the", Insertion(0, "the ")),  # code, not a face
        # A backtick opens inline code where the line holds an odd number of them.
        ("Please run `", "make", Insertion(0, "make ")),
        ("Run `make` `", "test", Insertion(0, "test ")),
        ("Run `make`", "and", Insertion(0, " and ")),
        ("I don`t know `", "make", Insertion(0, "make ")),  # an apostrophe typed as a backtick
    ],
)
def test_suggestion_insertion(before: str, word: str, expected: Insertion) -> None:
    assert suggestion_insertion(before, word) == expected


@pytest.mark.parametrize(
    ("before", "word", "after", "expected"),
    [
        # The cursor inside a word: the whole word is replaced.
        ("the docu", "document", "mnet today.", Insertion(4, "document", 4)),
        ("the docu", "document", "mnet.", Insertion(4, "document", 4)),
        ("the docu", "document", "mnet", Insertion(4, "document ", 4)),
        ("well-kno", "well-known", "wn fact", Insertion(8, "well-known", 2)),
        ("Ann", "Anna", "'s car", Insertion(3, "Anna", 2)),
        ("the well", "well", "- and", Insertion(4, "well ")),  # a dash, not the word's
        # A space or a closing mark after the cursor: no second space.
        ("Hello wo", "world", " there", Insertion(2, "world")),
        ("Hello wo", "world", ".", Insertion(2, "world")),
        ("Hello", ",", " there", Insertion(0, ",")),
        # No partial word: the next word goes before what follows, its space with it.
        ("Hello ", "big", "there", Insertion(0, "big ")),
        # A straight quote after the cursor closes the word unless a word goes on after it.
        ('He said "hel', "hello", '" today.', Insertion(3, "hello")),
        ('He said "hel', "hello", '"', Insertion(3, "hello")),
        ("She said 'hel", "hello", "'.", Insertion(3, "hello")),
        ("Then ", "she", '"Hello"', Insertion(0, "she ")),
        ("Hello wo", "world", "\nNext", Insertion(2, "world ")),
    ],
)
def test_suggestion_insertion_with_text_after_the_cursor(
    before: str, word: str, after: str, expected: Insertion
) -> None:
    assert suggestion_insertion(before, word, after) == expected


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        ("my e-mail is john.smith@acme.io", True),
        ("Write to john.smith@", True),  # the host goes on
        ("See https://example.", True),
        ("https://example.com/pa", True),
        ("Go to www.", True),
        ("It is on example.co", True),
        ("(example.co", True),
        ("Done.", False),  # a sentence ends
        ("Write to john.", False),
        ("see example.com.", True),  # example.com.au may go on: words come after the space
        ("example.com ", False),
        ("e.g", False),
        ("version 3.5", False),
        ("at 3:", False),
        ("$1,", False),
        ("ask @", False),
        ("", False),
    ],
)
def test_in_address(before: str, expected: bool) -> None:
    assert in_address(before) == expected


@pytest.mark.parametrize(
    ("before", "token", "expected"),
    [
        ("very ", " high", "high"),  # after a healed trailing space: no second space
        ("very", " high", " high"),
        ("very ", "ly", "ly"),
        ("The cat", "'s", "'s"),
        ("", " The", " The"),
    ],
)
def test_token_insertion(before: str, token: str, expected: str) -> None:
    assert token_insertion(before, token) == expected


def test_display_token_shows_spaces_and_newlines() -> None:
    assert display_token(" the") == "␣the"
    assert display_token("\n") == "\\n"
    assert display_token("ing") == "ing"
