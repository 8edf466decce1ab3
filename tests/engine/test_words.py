"""Where the typed word starts: punctuation that opens a word (a quote, a dash) is context, not a
letter of it; inner apostrophes and hyphens are part of it."""

import pytest

from keyboard_app.engine import Predictor
from keyboard_app.engine.words import (
    TypedWord,
    before_a_name,
    in_camel_case,
    listed_abbreviation,
    split_typed_word,
    starts_sentence,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He said 'hel", TypedWord("He said '", "hel", "hel")),  # an opening quote
        ("a --wor", TypedWord("a --", "wor", "wor")),  # a dash before the word
        ("'Tis", TypedWord("'", "Tis", "Tis")),
        ("rock'n'ro", TypedWord("", "rock'n'ro", "rock'n'ro")),  # inner ones are the word's
        ("a well-kno", TypedWord("a", " well-kno", "well-kno")),
        # An apostrophe closes a single quote that opened the word: the next word comes.
        ("He said 'stop'", TypedWord("He said 'stop'", "", "")),
        ("He said \u2018stop\u2019", TypedWord("He said \u2018stop\u2019", "", "")),
        ("the dogs'", TypedWord("the", " dogs'", "dogs'")),  # no quote opened it: the word's
        ("don'", TypedWord("", "don'", "don'")),
        ("rock'n'", TypedWord("", "rock'n'", "rock'n'")),
        # ... but not after a word contractions go on from: 'Don' on its way to 'Don't'.
        ("She said 'Don'", TypedWord("She said '", "Don'", "Don'")),
        ("\u2018It\u2019", TypedWord("\u2018", "It\u2019", "It\u2019")),
        ("He said:'stop'", TypedWord("He said:'stop'", "", "")),
    ],
)
def test_punctuation_before_the_word_is_context_not_typed_letters(text, expected):
    assert split_typed_word(text) == expected


@pytest.mark.parametrize("text", ["He said 'stop'", "He said \u2018stop\u2019"])
def test_after_a_closing_single_quote_the_built_in_keyboard_offers_next_words(text):
    with Predictor.load() as predictor:
        words = [s.word for s in predictor.suggest(text, exact=True)]
    assert len(words) == 3 and not any(word.lower().startswith("stop") for word in words), words


def test_after_an_opening_quote_a_contraction_is_still_completed():
    with Predictor.load() as predictor:
        words = [s.word for s in predictor.suggest("She said 'Don'", exact=True)]
    assert "Don't" in words, words


def test_a_word_after_an_opening_quote_is_completed(bigram_model):
    """The letters after the quote are the word: "'hel" completes to help, not to nothing."""
    with Predictor.load(bigram_model({" '": {"help": 8.0}}), use_dictionary=False) as predictor:
        assert predictor.suggest("He said 'hel", k=3, exact=True)[0].word == "help"


@pytest.mark.parametrize(
    ("before", "starts"),
    [
        ("", True),
        ("\n", True),  # Enter as the first key
        (" \n", True),
        ("\n\n", True),
        ("\u3000", True),  # only white space of any kind: nothing written yet
        ('"\n', True),
        ("It rained.\n", True),
        ("It rained. ", True),
        ("Dr. ", False),
        ("We met Capt. ", False),  # a title: a name follows (Capt. Shen was made Capt. When)
        ("It costs approx. ", False),
        ("See pp. ", False),
        ("She has a Ph.D. ", False),
        ("It is done, etc. ", True),  # often a sentence's end
        ("as Smith et al. ", False),  # a citation: et al. found
        ("Thanks, Al. ", True),  # the name Al, not et al.
        ("I went fishing with Al. ", True),
        ("J. ", False),
        ("I live in the U.S. ", False),  # letters each with its full stop: seldom a sentence's end
        ("at 5 p.m. ", False),
        ("(e.g. ", False),
        ("It was a U.S. “", False),
        ("We won at 5 p.m.\n", True),
        ("it rained ", False),
        ("Dr.\n", True),  # a new line, even after an abbreviation
        ("x\u2028", True),  # Shift+Enter's line break
        ("“", True),  # an opening quote at the text's start
        ("It rained. “", True),
        ("she said “", False),
        # Closing quotes and brackets, straight or typographic, end the sentence with it.
        ('He said "Stop." ', True),
        ("He said \u201cStop.\u201d ", True),
        ("(It rained.) ", True),
        ("(see below) ", False),
        ("the dogs\u2019 ", False),
        # An ellipsis character is three full stops.
        ("The end... ", True),
        ("The end\u2026 ", True),
        # A quoted reply's line in an e-mail starts one.
        ("> ", True),
        ("Are you free on Friday?\n>", True),
        ("On Monday, Ann wrote:\n>> ", True),
        ("if x > ", False),
        ("## ", True),  # a Markdown heading
        ("Notes\n### ", True),
        ("#", False),  # a hashtag's start
        ("see issue ## ", False),
    ],
)
def test_where_a_sentence_starts(before: str, starts: bool) -> None:
    assert starts_sentence(before) is starts


def test_a_text_of_line_breaks_alone_gets_next_words(bigram_model) -> None:
    """Enter in an empty document: the strip's next words for a new sentence, not an error."""
    with Predictor.load(bigram_model({"\n": {"The": 8.0}})) as predictor:
        for text in ("\n", " \n", "\n\n"):
            assert predictor.suggest(text, k=3, exact=True), repr(text)


@pytest.mark.parametrize(
    ("word", "camel"),
    [("GitHub", True), ("iPhone", True), ("McDonald", True), ("eBay", True), ("FastAPI", True),
     ("macOS", True), ("tHE", False), ("iOS", False), ("THe", False), ("London", False),
     ("the", False)],
)  # fmt: skip
def test_camel_case_is_a_capital_after_a_small_letter_but_not_the_case_inverted(word, camel):
    assert in_camel_case(word) is camel


@pytest.mark.parametrize(
    ("before", "abbreviation", "name"),
    [
        ("We met Dr. ", "Dr.", True),
        ("We met (Capt. ", "Capt.", True),
        ("He said \u201cDr. ", "Dr.", True),  # an opening quote, typographic too
        ("Mr. and Mrs. ", "Mrs.", True),
        ("I went to the dr. ", "dr.", False),  # a title in small letters: another word
        ("See Table 3, col. ", "col.", False),
        ("It costs approx. ", "approx.", False),
        ("John Smith Jr. ", "Jr.", False),
        # Initials and letters with full stops may end a sentence (Plan A., the U.S.).
        ("a letter by J. ", None, False),
        ("the U.S. ", None, False),
        ("We met. ", None, False),
        ("We met Dr ", None, False),
        ("", None, False),
    ],
)
def test_a_title_written_with_its_capital_comes_before_a_name(before, abbreviation, name):
    assert listed_abbreviation(before) == abbreviation
    assert before_a_name(before) is name
