"""The pure text rules: partial words, suggestion and explorer-token insertion, token display."""

from __future__ import annotations

import pytest

from keyboard_app.ui.text_ops import (
    Insertion,
    display_token,
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
        ("The end.", "Then", Insertion(0, " Then ")),
        ("Wait,", "what", Insertion(0, " what ")),
        ("don'", "don't", Insertion(4, "don't ")),
        ("Hello", ",", Insertion(0, ", ")),
    ],
)
def test_suggestion_insertion(before: str, word: str, expected: Insertion) -> None:
    assert suggestion_insertion(before, word) == expected


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
