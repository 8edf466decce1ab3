"""The lists autocorrect knows besides the dictionary, and British and American spellings."""

from __future__ import annotations

import pytest

from keyboard_app.corrector.vocabulary import american, in_vocabularies, other_spelling


@pytest.mark.parametrize(
    ("british", "spelled"),
    [
        ("serialise", "serialize"),
        ("analysed", "analyzed"),
        ("colours", "colors"),
        ("favourite", "favorite"),
        ("centre", "center"),
        ("catalogue", "catalog"),
        ("defence", "defense"),
        ("travelled", "traveled"),
        ("modelling", "modeling"),
        ("litres", "liters"),
        ("fibre", "fiber"),
        ("aluminium", "aluminum"),
        ("yoghurts", "yogurts"),
    ],
)
def test_a_british_ending_is_spelled_the_american_way(british: str, spelled: str) -> None:
    assert american(british) == spelled
    assert other_spelling(british, spelled) and other_spelling(spelled, british)


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("four", "for"),
        ("tour", "tor"),
        ("filled", "filed"),
        ("spelled", "speled"),
        ("acre", "acer"),
    ],
)
def test_short_words_and_a_stressed_double_l_are_other_words(word: str, other: str) -> None:
    assert not other_spelling(word, other)
    assert american(word) == word


def test_the_same_word_is_no_other_spelling() -> None:
    assert not other_spelling("Colour", "colour")


@pytest.mark.parametrize("word", ["matcha", "Laners", "pipx", "omg", "sqft"])
def test_food_gaming_and_tool_words_are_known_to_autocorrect(word: str) -> None:
    assert in_vocabularies(word)
