"""The offensive-word filter reads the list shipped in resources/lexicon, with its licence."""

from __future__ import annotations

from keyboard_app.engine.wordfilter import contains_offensive, is_offensive, offensive_words
from keyboard_app.paths import offensive_words_path


def test_the_list_is_the_shipped_file_with_its_licence_beside_it() -> None:
    path = offensive_words_path()
    lines = [line for line in path.read_text("utf-8").splitlines() if line.strip()]
    assert len(offensive_words()) == len([line for line in lines if " " not in line]) == 890
    licence = path.with_name("offensive-words.LICENSE").read_text("utf-8")
    assert "better-profanity 0.7.0" in licence and "MIT License" in licence


def test_whole_words_match_whatever_their_case() -> None:
    assert is_offensive("Fuck") and is_offensive(" shit ")
    assert not is_offensive("shitake") and not is_offensive("hello")
    assert contains_offensive("well, FUCK that.") and contains_offensive("you bitch!")
    assert not contains_offensive("a class assessment") and not contains_offensive("")


def test_phrases_of_the_list_are_not_single_words() -> None:
    assert "2 girls 1 cup" in offensive_words_path().read_text("utf-8")
    assert not any(" " in word for word in offensive_words())
