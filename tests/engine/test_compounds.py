"""A compound no source knows (user-friendly) is offered part by part: its last part completed as
a word after the rest, the rest kept as typed; never corrected, never a part repeated."""

from pathlib import Path

import pytest

from keyboard_app.engine import Predictor
from keyboard_app.engine.predictor import GUESSED_PARTS, PARTICLES
from keyboard_app.engine.words import TypedWord, compound_part, split_typed_word


def type_out(predictor: Predictor, text: str, instant: bool = False) -> list[list[str]]:
    """The strip's words after each letter of `text`'s last word, typed one after another (the
    last one asked for instantly when `instant`)."""
    start = text.rindex(" ") + 1
    strips = []
    for end in range(start + 1, len(text) + 1):
        asked = instant and end == len(text)
        strips.append([s.word for s in predictor.suggest(text[:end], 3, instant=asked)])
    return strips


def test_the_last_part_of_a_compound_is_split_off() -> None:
    typed = split_typed_word("It is a state-of-the-a")
    assert compound_part(typed) == TypedWord("It is a state-of-the-", "a", "a")
    assert compound_part(split_typed_word("user-f")) == TypedWord("user-", "f", "f")
    assert compound_part(split_typed_word("It is a user-")) == TypedWord("It is a user-", "", "")
    assert compound_part(split_typed_word("an x86-b")) == TypedWord("an x86-", "b", "b")
    nothing_to_complete = ("It is a user", "It is a -f", "It is a ", "a word--", "pp. 4-", "- ")
    addresses = ("john.doe-", "see my-site.org/my-", "release v5.0.0-b")
    for text in (*nothing_to_complete, *addresses, "pp. 4-9"):
        assert compound_part(split_typed_word(text)) is None, text


@pytest.mark.parametrize(
    ("text", "compounds"),
    [
        ("She is a well-", {"well-known", "well-trained", "well-deserved"}),
        ("Send me an e-", {"e-mail"}),
        ("the Anglo-", {"Anglo-Saxon", "Anglo-American"}),  # a capital after a capital
        ("a long-", {"long-term", "long-range"}),
        # A head no dictionary word starts with: the strip was empty, or the letters typed.
        ("a customer-", {"customer-service"}),
        ("an AI-", {"AI-based"}),  # an acronym's: not in capitals, nor AI- as typed
    ],
)
def test_right_after_the_hyphen_the_next_part_is_offered(
    predictor: Predictor, text: str, compounds: set[str]
) -> None:
    """The strip was empty after a hyphen no source's word goes on from: now the words the model
    gives after it, as parts of the compound."""
    strip = [s.word for s in predictor.suggest(text, 3)]
    assert compounds & set(strip), strip
    head = text.rpartition(" ")[2]
    for word in strip:
        part = word.removeprefix(head)
        assert word.startswith(head) and part.isalpha() and len(part) >= 3, strip
        assert head[0].isupper() or part == part.lower(), strip
        assert part != part.upper() and part not in PARTICLES, strip  # nor a guessed customer-in


@pytest.mark.parametrize(
    "text", ["a user-", "a GPU-", "my kids love the yo-", "a NASA-", "a team-"]
)
def test_right_after_the_hyphen_no_common_word_is_guessed(predictor: Predictor, text: str) -> None:
    """The model's next words there are guesses: user-who, GPU-one, NASA-HAS were offered."""
    head = text.rpartition(" ")[2]
    common = {"who", "one", "has", "were", "the", "year"} - GUESSED_PARTS
    for word in [s.word for s in predictor.suggest(text, 3)]:
        part = word.removeprefix(head)
        assert part.lower() not in common and part != part.upper(), word


def test_a_compound_no_source_knows_is_completed_by_its_last_part(predictor: Predictor) -> None:
    strips = type_out(predictor, "It is a user-friendl")
    assert "user-friendly" in strips[-1]
    for strip in strips[len("user-") :]:
        assert strip and all(word.startswith("user-") for word in strip), strips


def test_the_rest_of_the_compound_keeps_its_case(predictor: Predictor) -> None:
    assert "French-Canadian" in type_out(predictor, "the French-Canadi")[-1]
    assert "User-friendly" in type_out(predictor, "It is User-friendl")[-1]


def test_an_instant_answer_completes_the_part_too(predictor: Predictor) -> None:
    assert "user-friendly" in type_out(predictor, "It is a user-friendl", instant=True)[-1]


def test_a_known_compound_is_still_the_dictionary_s(predictor: Predictor) -> None:
    assert type_out(predictor, "She is well-kn")[-1][0] == "well-known"


def test_a_known_compound_typed_out_is_offered_whole(predictor: Predictor) -> None:
    """Its last part was completed as a word: cul-de-sack, cul-de-sacrifice, cul-de-sacred."""
    assert [s.word for s in predictor.suggest("in a quiet cul-de-sac")] == ["cul-de-sac"]


def test_a_compound_s_part_is_never_corrected_nor_repeated(predictor: Predictor) -> None:
    for strip in type_out(predictor, "the co-optation"):
        assert not any("potato" in word or "rotation" in word for word in strip), strip
    assert all("data-data" not in strip for strip in type_out(predictor, "a data-driven"))
    suggestions = predictor.suggest("It is a user-freindly")
    assert not any(s.correction or s.autocorrect for s in suggestions)
    assert predictor.autocorrection("It is a user-freindly") is None


def test_a_compound_s_part_is_a_word_of_its_own_not_a_guess(predictor: Predictor) -> None:
    """After a hyphen the model guesses function words, names and pieces (real-the, user-FL,
    end-to-end-to): the part offered is none of them."""
    function_words = {"the", "to", "for", "of", "and", "a", "is", "that"}
    for text in ("the real-time", "It is a user-friendly", "the end-to-end", "a data-driven"):
        start = text.rindex(" ") + 1
        for strip in type_out(predictor, text)[len(text) - start - 3 :]:
            head = text[start:].rpartition("-")[0] + "-"
            for word in strip:
                part = word[len(head) :]
                assert word.startswith(head) and part.isalpha(), (text, strip)
                assert part == part.lower() and len(part) >= 3, (text, strip)
                assert part not in function_words, (text, strip)
    assert "end-to-end" in type_out(predictor, "the end-to-e")[-1]


def test_no_compound_offends_once_joined_nor_a_range_is_completed(predictor: Predictor) -> None:
    assert not any("dick-head" in strip for strip in type_out(predictor, "You are a dick-hea"))
    assert compound_part(split_typed_word("see pp. 4-9")) is None
    assert all(not w.startswith("4-9") or w == "4-9" for w in type_out(predictor, "pp. 4-9")[-1])


def test_a_compound_ending_in_a_particle_or_typed_in_capitals(predictor: Predictor) -> None:
    """check-in and warm-up are not in the dictionary: their particle is a part all the same."""
    assert "check-in" in type_out(predictor, "We need a check-i")[-1]
    assert "warm-up" in type_out(predictor, "a quick warm-u")[-1]
    shouted = type_out(predictor, "IT IS A USER-F")[-1]
    assert shouted and all(word == word.upper() for word in shouted), shouted


def test_a_word_the_store_learns_meanwhile_is_offered_whole(tmp_path: Path) -> None:
    """The next letters of a word gone to its part still ask the other sources for it whole."""
    with Predictor.load(personal=tmp_path / "p.sqlite3") as predictor:
        type_out(predictor, "We run kube-p")
        predictor.learn("We run kube-proxy on every node.\n" * 3)
        assert type_out(predictor, "We run kube-pr")[-1][:1] == ["kube-proxy"]
