"""When a space replaces the typed word, and the cases never autocorrected."""

import pytest

from keyboard_app.corrector.autocorrect import (
    AUTOCORRECT_RATIO,
    autocorrection,
    never_autocorrected,
)


def nothing_known(word: str) -> bool:
    return False


@pytest.mark.parametrize(
    ("typed", "before"),
    [
        ("Jhon", "I met "),  # capitalised mid-sentence: a name
        ("iPhon", ""),  # a capital inside: a name's own spelling, even at a sentence's start
        ("McDonals", "We ate at "),
        ("teh2", "see "),  # digits
        ("gogle", "see www."),  # a URL
        ("exmaple", "mail me at someone@"),  # an e-mail address
        ("htp", "go to https://"),
        ("piñata", "a "),  # a letter the QWERTY slip model has no key for: typed on purpose
        ("Kraków", ""),
        ("straße", "the "),
    ],
)
def test_never_autocorrected(typed, before):
    assert never_autocorrected(typed, before, nothing_known)


@pytest.mark.parametrize(("typed", "before"), [("Teh", ""), ("TEH", ""), ("teh", "see ")])
def test_slips_in_plain_or_capitalised_or_capital_words_may_be_autocorrected(typed, before):
    assert not never_autocorrected(typed, before, nothing_known)


def test_known_words_are_never_autocorrected_and_others_are_candidates():
    assert never_autocorrected("teh", "I saw ", lambda word: word == "teh")
    assert not never_autocorrected("teh", "I saw ", nothing_known)
    assert not never_autocorrected("Teh", "It ended. ", nothing_known)  # a sentence starts
    assert not never_autocorrected("Teh", "", nothing_known)


def test_the_best_correction_must_be_far_likelier_than_any_other_word():
    assert autocorrection("teh", [("the", 0.01), ("ten", 0.001)], [0.0001]) == "the"
    close = 0.01 / AUTOCORRECT_RATIO * 1.01
    assert autocorrection("teh", [("the", 0.01), ("ten", close)], []) is None
    assert autocorrection("teh", [("the", 0.01)], [close]) is None
    assert autocorrection("teh", [], [0.1]) is None


def test_another_form_of_a_known_word_is_a_real_word_never_autocorrected():
    def known(word: str) -> bool:
        return word in {"firehouse", "ventilate", "trundle", "happy", "shattering", "the"}

    for word in ("firehouses", "ventilates", "trundling", "happiness", "shatteringly"):
        assert never_autocorrected(word, "the ", known), word
    assert not never_autocorrected("teh", "see ", known)
    assert not never_autocorrected("thes", "see ", known)  # "the" is too short a stem to tell
