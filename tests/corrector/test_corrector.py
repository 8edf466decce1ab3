"""The corrector's candidates: words of the dictionary one slip away, or two from five letters."""

import gc
import threading

import keyboard_app.engine.lexicon as lexicon_module
from keyboard_app.corrector import HABIT, Corrector
from keyboard_app.corrector.slips import MOST_LIKELY_SLIP
from keyboard_app.engine.lexicon import Lexicon


def test_two_edits_are_searched_from_five_letters_when_none_is_one_edit_away():
    corrector = Corrector(Lexicon({"cart": 100, "parts": 50, "the": 1000}))
    corrector.wait_ready()
    assert [word for word, _ in corrector.candidates("cxrt")] == ["cart"]  # one edit
    assert [word for word, _ in corrector.candidates("pxrys")] == ["parts"]  # two, five letters
    assert corrector.candidates("cxry") == ()  # two from four letters: not searched


def test_an_index_built_after_a_load_is_out_of_the_collectors_way_like_the_load():
    """A predictor's load freezes its objects; the index, built in the background after it, is
    frozen too, or every full collection walks it while the user types."""
    gc.freeze()  # as a load leaves the collector
    try:
        corrector = Corrector(Lexicon({"cart": 100, "parts": 50, "the": 1000}))
        corrector.wait_ready()
        tracked = {id(thing) for thing in gc.get_objects()}
        assert id(corrector._index._deletes) not in tracked
    finally:
        gc.unfreeze()


def test_a_script_building_an_index_alone_keeps_its_collector():
    gc.unfreeze()
    corrector = Corrector(Lexicon({"cart": 100, "parts": 50, "the": 1000}))
    corrector.wait_ready()
    assert gc.get_freeze_count() == 0
    assert id(corrector._index._deletes) in {id(thing) for thing in gc.get_objects()}


def test_a_common_misspelling_offers_its_correction_as_a_habit_before_any_slip():
    corrector = Corrector(Lexicon({"definitely": 100, "defiantly": 500, "business": 100}))
    corrector.wait_ready()
    assert corrector.candidates("definetly")[0] == ("definitely", HABIT)  # two slips away
    assert [word for word, _ in corrector.candidates("definetly")] == ["definitely", "defiantly"]
    assert corrector.candidates("Buisness") == (("Business", HABIT),)


def test_without_the_table_of_misspellings_the_corrector_knows_slips_alone(
    tmp_path, monkeypatch, caplog
):
    monkeypatch.setenv("KEYBOARD_APP_RESOURCES", str(tmp_path))
    corrector = Corrector(Lexicon({"definitely": 100, "defiantly": 500}))
    corrector.wait_ready()
    slips = dict(corrector.candidates("definetly"))
    assert set(slips) == {"definitely", "defiantly"}
    assert slips["definitely"] < MOST_LIKELY_SLIP**2  # two slips, no habit
    assert "common misspellings" in caplog.text


def test_english_common_words_are_known_while_the_index_is_being_built(monkeypatch):
    """The other-language rule needs them from the start: the pronoun i is corrected before the
    index is ready, and "per i" on an Italian line was made "per I"."""
    gate = threading.Event()
    monkeypatch.setattr(Corrector, "_build", lambda self, indexed: gate.wait(10))
    monkeypatch.setattr(lexicon_module, "COMMON_WORDS", 2)
    corrector = Corrector(Lexicon({"the": 100, "and": 90, "habe": 1}))
    try:
        assert corrector.lexicon.is_common("The") and corrector.lexicon.is_common("and")
        assert not corrector.lexicon.is_common("habe")
    finally:
        gate.set()
