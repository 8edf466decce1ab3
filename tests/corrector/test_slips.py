"""The error model: each kind of slip, against the probabilities it documents."""

import math

import pytest

from keyboard_app.corrector import slips
from keyboard_app.corrector.slips import are_neighbours, slip_probability


def test_neighbouring_keys_on_qwerty():
    assert are_neighbours("e", "r") and are_neighbours("e", "w") and are_neighbours("e", "d")
    assert are_neighbours("g", "b") and are_neighbours("n", "h")
    assert not are_neighbours("e", "e") and not are_neighbours("q", "p")
    assert not are_neighbours("a", "m") and not are_neighbours("1", "2")


@pytest.mark.parametrize(
    ("key", "above"),
    [("z", "as"), ("x", "sd"), ("c", "df"), ("v", "fg"), ("b", "gh"), ("n", "hj"), ("m", "jk")],
)
def test_each_bottom_row_key_touches_the_two_home_row_keys_above_it(key, above):
    """The bottom row sits three quarters of a key right of the top row, half a key right of the
    home row: z lies under a and s, m under j and k."""
    home_row = "asdfghjkl"
    assert {other for other in home_row if are_neighbours(key, other)} == set(above)


@pytest.mark.parametrize(
    ("typed", "intended", "probability"),
    [
        ("tje", "the", slips.NEIGHBOUR_SUBSTITUTION),  # j is next to h
        ("tpe", "the", slips.OTHER_SUBSTITUTION),
        ("teh", "the", slips.TRANSPOSITION),
        ("thhe", "the", slips.DOUBLED),
        ("leter", "letter", slips.UNDOUBLED),
        ("thre", "there", slips.DELETION),
        ("thge", "the", slips.NEIGHBOUR_INSERTION),  # g is next to h
        ("thpe", "the", slips.OTHER_INSERTION),
        ("The", "the", 1.0),
    ],
)
def test_each_kind_of_slip_has_its_probability(typed, intended, probability):
    assert slip_probability(typed, intended) == pytest.approx(probability)


def test_two_slips_multiply_and_three_are_too_many():
    assert slip_probability("recieev", "receive") == pytest.approx(slips.TRANSPOSITION**2)
    assert slip_probability("pqz", "the") == 0.0
    assert slip_probability("abcdef", "ab") == 0.0


def test_the_likeliest_alignment_is_taken():
    # "form" from "from": one swap, likelier than two substitutions
    assert slip_probability("form", "from") == pytest.approx(slips.TRANSPOSITION)
    assert math.isclose(slip_probability("acress", "across"), slips.OTHER_SUBSTITUTION)


def test_one_slip_back_undoes_each_kind_of_slip_with_its_probability():
    meant: dict[str, float] = {}
    for letters, probability in slips.one_slip_back("recie"):
        meant[letters] = max(meant.get(letters, 0.0), probability)
    assert meant["recei"] == pytest.approx(slips.TRANSPOSITION)  # "ie" for "ei"
    assert meant["recue"] == pytest.approx(slips.NEIGHBOUR_SUBSTITUTION)  # i is next to u
    assert meant["rcie"] == pytest.approx(slips.NEIGHBOUR_INSERTION)  # e pressed with r
    assert meant["reie"] == pytest.approx(slips.OTHER_INSERTION)  # c is near neither e nor i
    assert meant["rectie"] == pytest.approx(slips.DELETION)  # a letter dropped
    assert meant["rrecie"] == pytest.approx(slips.UNDOUBLED)  # a double typed once
    for letters, probability in meant.items():  # the error model agrees on each
        assert slip_probability("recie", letters) == pytest.approx(probability)
