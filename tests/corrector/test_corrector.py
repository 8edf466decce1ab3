"""The corrector's candidates: words of the dictionary one slip away, or two from five letters."""

from keyboard_app.corrector import Corrector
from keyboard_app.engine.lexicon import Lexicon


def test_two_edits_are_searched_from_five_letters_when_none_is_one_edit_away():
    corrector = Corrector(Lexicon({"cart": 100, "parts": 50, "the": 1000}))
    corrector.wait_ready()
    assert [word for word, _ in corrector.candidates("cxrt")] == ["cart"]  # one edit
    assert [word for word, _ in corrector.candidates("pxrys")] == ["parts"]  # two, five letters
    assert corrector.candidates("cxry") == ()  # two from four letters: not searched
