"""When a space replaces the typed word, and the cases never autocorrected."""

import pytest

from keyboard_app.corrector.autocorrect import (
    AUTOCORRECT_RATIO,
    autocorrection,
    in_other_language,
    is_known,
    near_offensive,
    never_autocorrected,
    other_stem,
    puts_in,
)


def nothing_known(word: str) -> bool:
    return False


@pytest.mark.parametrize(
    ("typed", "before"),
    [
        ("iPhon", ""),  # a capital inside: a name's own spelling, even at a sentence's start
        ("McDonals", "We ate at "),
        ("teh2", "see "),  # digits
        ("gogle", "see www."),  # a URL
        ("exmaple", "mail me at someone@"),  # an e-mail address
        ("htp", "go to https://"),
        ("cmo", "see example."),  # a domain's ending, after its dot
        ("tbt", "so fun #"),  # a hashtag
        ("wcw", "#"),
        ("jdoe", "thanks @"),  # a mention
        ("piñata", "a "),  # a letter the QWERTY slip model has no key for: typed on purpose
        ("Kraków", ""),
        ("straße", "the "),
    ],
)
def test_never_autocorrected(typed, before):
    assert never_autocorrected(typed, before, nothing_known)


@pytest.mark.parametrize(("typed", "before"), [("Teh", ""), ("BECUASE", ""), ("teh", "see ")])
def test_slips_in_plain_or_capitalised_or_capital_words_may_be_autocorrected(typed, before):
    assert not never_autocorrected(typed, before, nothing_known)


def test_known_words_are_never_autocorrected_and_others_are_candidates():
    assert never_autocorrected("teh", "I saw ", lambda word: word == "teh")
    assert not never_autocorrected("teh", "I saw ", nothing_known)
    assert not never_autocorrected("Teh", "It ended. ", nothing_known)  # a sentence starts
    assert not never_autocorrected("Teh", "", nothing_known)


def test_the_best_correction_must_be_far_likelier_than_any_other_word():
    assert autocorrection("teh", [("the", 0.01), ("ten", 0.001)], [("tea", 0.0001)]) == "the"
    close = 0.01 / AUTOCORRECT_RATIO * 1.01
    assert autocorrection("teh", [("the", 0.01), ("ten", close)], []) is None
    assert autocorrection("teh", [("the", 0.01)], [("tea", close)]) is None
    assert autocorrection("teh", [], [("tea", 0.1)]) is None


def test_a_contraction_has_no_rival_in_its_other_spellings():
    rivals = [("isnt", 0.02), ("isn’t", 0.005)]  # the typed letters; the curly apostrophe
    assert autocorrection("isnt", [("isn't", 0.01)], rivals) == "isn't"


def test_another_form_of_a_known_word_is_a_real_word_never_autocorrected():
    def known(word: str) -> bool:
        return word in {"firehouse", "ventilate", "trundle", "happy", "shattering", "the"}

    for word in ("firehouses", "ventilates", "trundling", "happiness", "shatteringly"):
        assert other_stem(word, word[:-1] + "x", known), word
    assert other_stem("ventilates", "ventilated", known)  # another form: the typist's own
    assert not other_stem("thes", "these", known)  # "the" is too short a stem to tell
    assert other_stem("parks", "perks", {"park"}.__contains__)  # four letters are stem enough


@pytest.mark.parametrize(
    ("typed", "correction"),
    [
        ("occured", "occurred"),  # the last consonant doubled
        ("begining", "beginning"),
        ("makeing", "making"),  # the final e dropped
        ("truely", "truly"),
        ("sincerly", "sincerely"),  # an e added
        ("arguement", "argument"),
        ("comming", "coming"),  # a double letter for a single one ("comm" is a word)
    ],
)
def test_the_same_stem_respelled_is_a_misspelt_inflection(typed, correction):
    known = {"occur", "begin", "make", "true", "sincere", "argue", "comm"}.__contains__
    assert not other_stem(typed, correction, known)


def test_a_listed_misspelling_with_an_ending_is_its_correction_not_another_stem():
    known = {"buis", "enviro", "firehouse"}.__contains__  # dictionary words
    assert not other_stem("buisness", "business", known)
    assert not other_stem("enviroment", "environment", known)
    assert other_stem("buisness", "busyness", known)  # only the listed correction


@pytest.mark.parametrize(
    ("typed", "correction", "allowed"),
    [
        ("teh", "the", True),
        ("async", "sync", False),  # less a letter at the start: a prefixed word
        ("unmarshal", "marshal", False),
        ("mewhen", "when", False),  # a missed space: a word deleted
        ("worksxy", "works", False),  # two letters less at the end: another word run on
        ("andd", "and", True),  # a doubled letter at an end is a slip
        ("thenb", "then", True),  # an extra key at the end, the commonest slip
        ("havev", "have", True),
        ("tthe", "the", True),
        ("accomodation", "accomodations", False),  # a completion
        ("seclude", "secluded", False),
        ("alway", "always", True),  # a completion, but the listed correction of a misspelling
        ("befor", "before", True),
    ],
)
def test_what_a_space_may_put_in(typed, correction, allowed):
    assert puts_in(typed, correction) is allowed


def test_chat_technical_and_british_words_are_known():
    known = {"initialize", "the"}.__contains__
    for word in ("thx", "np", "txt", "btw", "lol", "stdout", "mutex", "initialise", "Initialise"):
        assert is_known(word, known), word
    assert not is_known("teh", known)


@pytest.mark.parametrize("typed", ["bettre", "nonsence", "doctour"])
def test_a_slip_that_looks_like_a_british_ending_is_not_known(typed):
    known = {"better", "nonsense", "doctor"}.__contains__
    assert not is_known(typed, known)


def test_a_likelier_slip_for_an_offensive_word_is_measured():
    assert near_offensive("dman") > near_offensive("teh") == 0.0


@pytest.mark.parametrize(
    ("typed", "before", "never"),
    [
        ("Teh", "I came home. ", False),  # a sentence starts
        ("BECUASE", "I think ", False),  # five capitals or more: a word typed in capitals
        ("TEHM", "I think ", True),  # four: likely an acronym the dictionary lacks (GDPR)
        ("TEHM", "", True),
        ("TEHM", "I THINK ", False),  # but not in a text in capitals
        ("TEH", "THIS IS ", False),  # a text in capitals
        ("USA", "I think ", True),  # three capitals alone: an acronym
        ("USD", "", True),  # even at a sentence's start (was USE)
        ("KPI", "Fine. ", True),
    ],
)
def test_sentence_starts_abbreviations_and_capitals(typed, before, never):
    assert never_autocorrected(typed, before, nothing_known) is never


@pytest.fixture(scope="module")
def predictor():
    from keyboard_app.engine import Predictor

    with Predictor.load() as loaded:
        loaded.wait_for_corrections()
        yield loaded


@pytest.mark.parametrize(
    "text",
    [
        "I said dmn",  # damn, a letter dropped: likelier than don, a far key
        "that dik",  # dick, a letter dropped: likelier than did, a far key
    ],
)
def test_a_likelier_slip_for_an_offensive_word_is_never_put_right_to_another(predictor, text):
    """The strip offers the real word's neighbour, but a space does not put it in: the typist
    more likely meant the word of the offensive list (which is never a candidate)."""
    suggestions = predictor.suggest(text)
    assert any(s.correction for s in suggestions)
    assert predictor.autocorrection(text) is None


def test_the_same_slip_far_from_any_offensive_word_is_put_right(predictor):
    predictor.suggest("that dkd")
    assert predictor.autocorrection("that dkd") == "did"


COMMON = frozenset(
    ["i", "sent", "the", "report", "to", "them", "yesterday", "and", "we", "are", "on", "it"]
)


@pytest.mark.parametrize(
    ("before", "other"),
    [
        ("Ich habe die Unterlagen ", True),
        ("I sent the report to them ", False),
        ("I sent the Unterlagen to Jürgen ", False),  # four in six: English still
        ("I sent die Unterlagen to Jürgen ", True),
        ("Ich habe ", False),  # two words say too little
        ("Ich habe 42 1999 ", False),  # numbers are no words of any language
        ("Ich habe die Unterlagen gestern.\nI sent the ", False),  # the line is what counts
        ("Ich habe die Unterlagen gestern.\u2029I sent the ", False),
        ("I sent the report.\nIch habe die ", True),
        ("Ich habe die Unterlagen gestern " + "and we sent them to " * 3, False),  # its last 12
    ],
)
def test_a_line_mostly_of_words_english_seldom_uses_is_in_another_language(before, other):
    assert in_other_language(before, lambda word: word.lower() in COMMON) is other
