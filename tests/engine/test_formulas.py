"""The stock phrases of letters and e-mails: offered a word at a time from a sentence's start."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyboard_app.engine import ModelError, Predictor
from keyboard_app.engine.mixer import FORMULA_WEIGHT, mix
from keyboard_app.engine.sources import Proposal, Query
from keyboard_app.engine.sources.formulas import (
    FormulaSource,
    in_a_letter,
    read_formulas,
    sentence_so_far,
)
from keyboard_app.engine.words import split_typed_word

PHRASES = """# letters
Kind | regards
Best | regards
Best | wishes
Let me | know if you have any questions
Let me | know if you need anything
¶ | Thanks
¶ | Thanks
¶ | Best
"""


def proposed(text: str) -> dict[str, float] | None:
    found = FormulaSource(read_formulas(PHRASES)).propose(Query(split_typed_word(text), 3), {})
    return None if found is None else dict(found.words)


def test_each_word_after_the_opening_goes_on_from_the_words_before_it() -> None:
    phrases = read_formulas(PHRASES)
    assert phrases[("best",)] == {"regards": 1, "wishes": 1}
    assert phrases[("let", "me", "know", "if", "you")] == {"have": 1, "need": 1}
    assert ("let",) not in phrases  # the opening's own words are offered by nothing of it
    assert phrases[("¶",)] == {"Thanks": 2, "Best": 1}  # a line's first word in a letter
    assert ("thanks",) not in phrases


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Thanks,\nKind ", {"regards": 1.0}),  # a line's start
        ("That is all. Best ", {"regards": 0.5, "wishes": 0.5}),  # a sentence's start
        ("Best w", {"wishes": 1.0}),  # letters typed: the phrases spelling them
        ("KIND R", {"Regards": 1.0}),  # in any case, the letters typed as typed
        ("Kind r", {"regards": 1.0}),
        ("Let me know if you have any ", {"questions": 1.0}),
    ],
)
def test_a_sentence_that_starts_a_phrase_is_offered_its_next_word(
    text: str, words: dict[str, float]
) -> None:
    assert proposed(text) == pytest.approx(words)


@pytest.mark.parametrize(
    "text",
    [
        "It was kind ",  # mid-sentence
        "Thanks, and kind ",
        "Kind,",  # no word ends the text: a comma does
        "Dear Mr. Kind ",  # a title's full stop ends no sentence
        "Kind, ",
        "Best x",  # no phrase spells the letters
        "",
    ],
)
def test_nothing_is_offered_elsewhere(text: str) -> None:
    assert proposed(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Hi Ann,\nPlease see the file.\n",
        "Hi Ann,\n\nPlease see the file.\n\n",  # blank lines between paragraphs
        "Dear Mr. Petrov,\n",
        "Team,\nThe meeting moved to 3.\n",
        "hi jen, sorry\n",
        "Good morning all\n",
    ],
)
def test_a_line_of_a_letter_is_offered_its_first_words(text: str) -> None:
    assert in_a_letter(text)
    assert proposed(text) == pytest.approx({"Thanks": 2 / 3, "Best": 1 / 3})
    assert proposed(text + "B") == pytest.approx({"Best": 1.0})


@pytest.mark.parametrize(
    "text",
    [
        "The man came in.\nHe sat down.\n",  # prose: no greeting above
        "When I woke up,\nthe sun was out.\n",  # a poem's line ends in a comma too
        "Hi Ann,",  # the greeting's own line
        "Hi Ann,\nPlease see the file. ",  # not at a line's start
        "Hi Ann, thanks for the file and for all the notes on it.\n",  # a long first line
        "",
    ],
)
def test_no_line_start_is_a_letters_elsewhere(text: str) -> None:
    assert not in_a_letter(text)
    assert (proposed(text) or {}).get("Thanks") is None


def test_a_line_start_phrase_offers_one_word(tmp_path: Path) -> None:
    path = tmp_path / "formulas.txt"
    path.write_text("¶ | Best regards\n", encoding="utf-8")
    with pytest.raises(ModelError, match="line 1"):
        FormulaSource.read(path)


def test_the_sentence_so_far_is_read_from_its_start_on_its_line() -> None:
    assert sentence_so_far("Hi Ann,\n\nThanks. I hope this") == ("i", "hope", "this")
    long_line = "It was a long day. " * 40
    assert sentence_so_far(long_line + "I hope this") == ("i", "hope", "this")
    assert sentence_so_far("and so " * 40 + "kind") is None  # begun too far back for a phrase
    assert sentence_so_far('He said "no." Kind') == ("kind",)
    assert sentence_so_far("Kind regards,") is None
    assert sentence_so_far("I hope you\u2019re") == ("i", "hope", "you're")


def test_a_typographic_apostrophe_goes_on_as_a_straight_one(predictor: Predictor) -> None:
    assert "well" in [s.word for s in predictor.suggest("Hi Ann,\nI hope you\u2019re ")]


def test_the_phrases_are_mixed_in_linearly() -> None:
    network = Proposal({"of": 0.5, "and": 0.1})
    scores = mix(
        Query(split_typed_word("Kind "), 3), network, {"formulas": Proposal({"regards": 1.0})}
    )
    w = FORMULA_WEIGHT
    assert scores == pytest.approx({"of": (1 - w) * 0.5, "and": (1 - w) * 0.1, "regards": w})


@pytest.mark.parametrize("content", ["Kind regards\n", "| regards\n", "Kind |\n"])
def test_a_damaged_file_of_phrases_is_a_clear_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "formulas.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelError, match="line 1"):
        FormulaSource.read(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks,\nKind ", "regards"),  # the built-in model offered of, the, and
        ("Thanks,\nKind r", "regards"),  # reform, relations, raised
        ("Thank you for your help.\n\nYours ", "sincerely"),
        ("Please do not hesitate to ", "contact"),
        ("I look forward to h", "hearing"),
        ("Hi ", "there"),  # I, Andreu, Ricky
        ("Hey ", "there"),  # I, you, Rach
        ("Hello ", "everyone"),  # I, you, I'm
        ("Hi Sarah,\nPlease see the revised term sheet.\n", "Thanks"),  # The, I, In
        ("Hi Sarah,\nPlease see the revised term sheet.\nT", "Thanks"),  # The, There, This
        ("Dear Dr. Haddad,\nI will meet you in the lobby at 2:30.\nR", "Regards"),  # Re, Res
    ],
)
def test_the_built_in_keyboard_offers_the_phrases_of_letters(
    predictor: Predictor, text: str, expected: str
) -> None:
    assert expected in [s.word for s in predictor.suggest(text)]


def test_the_shipped_phrases_are_read() -> None:
    phrases = FormulaSource.shipped().phrases
    assert phrases[("kind",)]["regards"] == 1
    assert phrases[("¶",)].most_common(1)[0][0] == "Thanks"


def test_the_first_line_of_a_long_texts_end_is_no_greeting() -> None:
    """The editor sends the end of a long document: its first line may be any line's end."""
    story = '"Come in," said Mr. Petrov, Anna, Tom,\n' + "It was late when they came back.\n" * 40
    assert not in_a_letter(story[story.index("Petrov") :] * 10)
    assert in_a_letter("Hi Ann,\n" + "Thanks for the notes on the draft.\n" * 20)
