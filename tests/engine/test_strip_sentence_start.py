"""The next word at a sentence's or a paragraph's start is offered with its capital, and "the"
and "The" are one word there (the review's "units.\n\n": The / We / the)."""

from collections.abc import Iterator

import pytest

from keyboard_app.engine import Predictor
from keyboard_app.engine.mixer import Mixed, mix
from keyboard_app.engine.sources import Proposal, Query
from keyboard_app.engine.words import split_typed_word

NETWORK = {"the": 0.3, "The": 0.2, "we": 0.1, "and": 0.05, "iPhone": 0.01}


def ranked(text: str) -> list[tuple[str, float]]:
    query = Query(split_typed_word(text), 4)
    network = Proposal(NETWORK, mass=1.0)
    return Mixed(query, mix(query, network, {}), network).ranked()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "We shipped them.\n\n",
        "Hello team,\n\n",
        "Great news! ",
        "Thanks.\n",
        "Why? ",
        # Right after ? ! or a closing mark: a word taken there gets its space before it.
        "Are you coming tonight?",
        "Great news!",
        'He said "stop."',
    ],
)
def test_a_sentences_first_word_is_capitalised_and_case_duplicates_are_one(text: str) -> None:
    shown = ranked(text)
    assert [word for word, _ in shown] == ["The", "We", "And", "iPhone"]
    assert [score for _, score in shown] == pytest.approx([0.5, 0.1, 0.05, 0.01])


@pytest.mark.parametrize(
    "text",
    ["I met Mr. ", "See e.g. ", "Call J. ", "It is ", "see example.", "if (!", "see x.org/page?"],
)
def test_elsewhere_a_word_in_two_cases_is_one_in_its_likelier_case(text: str) -> None:
    """(the and The after e.g. took two of three slots.)"""
    shown = ranked(text)
    assert [word for word, _ in shown] == ["the", "we", "and", "iPhone"]
    assert shown[0][1] == pytest.approx(0.5)


def test_letters_typed_keep_the_words_case_apart() -> None:
    query = Query(split_typed_word("It is W"), 3)
    network = Proposal({"Will": 0.3, "Why": 0.2, "We": 0.1}, mass=1.0)
    assert [word for word, _ in Mixed(query, mix(query, network, {}), network).ranked()] == [
        "Will",
        "Why",
        "We",
    ]


@pytest.fixture(scope="module")
def predictor() -> Iterator[Predictor]:
    with Predictor.load() as loaded:
        yield loaded


@pytest.mark.parametrize(
    "text", ["We shipped 3,400 units.\n\n", "Hello team,\n\n", "Great news! ", ""]
)
def test_the_built_in_keyboard_capitalises_a_sentences_first_word(
    predictor: Predictor, text: str
) -> None:
    words = [s.word for s in predictor.suggest(text, exact=True)]
    assert len(words) == 3 and all(word[:1].isupper() for word in words), words
    assert len({word.lower() for word in words}) == 3, words


@pytest.mark.parametrize(
    "text", ["I THINK ", "PLEASE CALL ", "WE ARE GOING TO THE ", "STOP IT NOW! ", "CALL ME. "]
)
def test_next_words_in_a_text_typed_in_capitals_are_in_capitals(text: str) -> None:
    """Caps Lock on: the and The are one word, THE."""
    shown = ranked(text)
    assert [word for word, _ in shown] == ["THE", "WE", "AND", "IPHONE"]
    assert shown[0][1] == pytest.approx(0.5)


@pytest.mark.parametrize("text", ["I work at NASA ", "OK I ", "THE "])
def test_an_acronym_or_a_lone_word_in_capitals_is_no_text_in_capitals(text: str) -> None:
    assert [word for word, _ in ranked(text)] == ["the", "we", "and", "iPhone"]


@pytest.mark.parametrize(
    "text",
    [
        "I read it in THE NEW YORK TIMES ",  # capitals in a sentence that is not
        "see RFC 2119 MUST NOT ",
        "CHAPTER ONE\n\n",  # a heading on a line before
        "SUBJECT: MEETING TOMORROW\n",
        "Thanks,\nJOHN O'NEIL\n",  # a signature
    ],
)
def test_capitals_before_this_sentence_or_line_are_no_caps_lock(text: str) -> None:
    assert "THE" not in [word for word, _ in ranked(text)]


def test_one_capital_typed_in_a_text_typed_in_capitals_is_completed_in_capitals() -> None:
    query = Query(split_typed_word("PLEASE CALL M"), 3)
    network = Proposal({"me": 0.5, "Me": 0.1, "my": 0.2, "May": 0.1}, mass=1.0)
    shown = Mixed(query, mix(query, network, {}), network).ranked()
    assert [word for word, _ in shown] == ["ME", "MY", "MAY"]


def test_the_built_in_keyboard_goes_on_in_capitals(predictor: Predictor) -> None:
    for text in ("PLEASE CALL M", "I THINK ", "WE ARE GOING TO THE P"):
        words = [s.word for s in predictor.suggest(text, exact=True)]
        assert words and all(word.isupper() for word in words), (text, words)
