"""The dictionary: lookups, completions, and how it is blended into the model's words."""

from pathlib import Path

import pytest

from keyboard_app.engine import ModelError, Predictor
from keyboard_app.engine.lexicon import (
    DOCUMENT_CACHE,
    UNKNOWN_WORD_SHARE,
    DocumentWords,
    Lexicon,
    blend,
)
from keyboard_app.engine.words import split_typed_word
from keyboard_app.paths import lexicon_path
from keyboard_app.training.corpus import lexicon_lines

COUNTS = {"conductor": 30, "conductors": 10, "Conductor": 5, "conduct": 60, "shit": 99, "the": 500}


def test_completions_are_the_most_frequent_words_with_the_typed_case_kept():
    lexicon = Lexicon(COUNTS)
    found = lexicon.completions("Conducto", 5)
    assert [word for word, _ in found] == ["Conductor", "Conductors"]
    shares = [share for _, share in found]
    assert shares == pytest.approx([35 / 45, 10 / 45])  # both spellings of "conductor" count
    assert lexicon.knows("CONDUCT") and not lexicon.knows("conducto")


def test_offensive_words_are_never_completions():
    assert Lexicon(COUNTS).completions("sh", 3) == ()


@pytest.mark.parametrize("prefix", ["日本", "İs", "😀", "\x00", "<|endoftext|>"])
def test_odd_prefixes_complete_to_nothing(prefix):
    assert Lexicon(COUNTS).completions(prefix, 3) == ()


def test_a_damaged_dictionary_is_a_clear_error(tmp_path: Path):
    bad = tmp_path / "words.tsv"
    for damaged in ("the\t12\nbroken line\n", "the\t12\nof\t0\n"):
        bad.write_text(damaged, "utf-8")
        with pytest.raises(ModelError, match="line 2"):
            Lexicon.load(bad)
    with pytest.raises(ModelError, match="cannot be read"):
        Lexicon.load(tmp_path / "missing.tsv")


def test_the_dictionary_is_made_from_text_and_read_back(tmp_path: Path):
    lines = lexicon_lines(["The cat and the dog.", "the cat, once", "shit shit"], min_count=2)
    assert lines == ["cat\t2", "the\t2"]  # "The" is its own spelling; once-only words and slurs go
    path = tmp_path / "words.tsv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    assert Lexicon.load(path).knows("Cat")


def test_unknown_words_are_demoted_and_completions_fill_below_known_ones():
    typed = split_typed_word("led by the conduc")
    found = {"conductoral": 0.02, "conduct": 0.01}
    scores = blend(found, typed, 0.05, Lexicon(COUNTS), DocumentWords.of("the orchestra"), limit=5)
    assert scores["conductoral"] == pytest.approx(0.02 * UNKNOWN_WORD_SHARE)
    assert scores["conduct"] == 0.01  # the document adds nothing here
    assert 0 < scores["conductors"] < scores["conductor"] < scores["conduct"]


def test_words_of_the_document_are_known_and_complete_the_typed_letters():
    typed = split_typed_word("Jorda conducted. Later JORDA and Jorda returned. Then Jo")
    found = {"John": 0.02, "Joe": 0.01, "Jorda": 0.001}
    document = DocumentWords.of(typed.boundary)
    scores = blend(found, typed, 0.05, Lexicon(COUNTS), document, limit=3)
    frequency = 2 / 8  # "Jorda" twice in 8 words; "JORDA" is another spelling
    mixture = (1 - DOCUMENT_CACHE) * 0.001 + DOCUMENT_CACHE * frequency
    assert scores["Jorda"] == pytest.approx(mixture / (1 - DOCUMENT_CACHE))
    assert scores["Joe"] == pytest.approx(0.01 * UNKNOWN_WORD_SHARE)
    assert max(scores, key=scores.__getitem__) == "Jorda"
    assert "JORDA" not in scores  # the case typed is kept


def test_the_document_never_offers_an_offensive_word_or_the_word_as_typed():
    typed = split_typed_word("shit happens, said the sh")
    scores = blend({}, typed, 0.0, Lexicon(COUNTS), DocumentWords.of(typed.boundary), limit=3)
    assert "shit" not in scores
    typed = split_typed_word("xylo xylophone xylo")
    scores = blend({}, typed, 0.0, Lexicon(COUNTS), DocumentWords.of(typed.boundary), limit=3)
    assert set(scores) == {"xylophone"}


def test_the_next_word_is_left_to_the_model():
    typed = split_typed_word("led by the ")
    document = DocumentWords.of(typed.boundary)
    assert blend({"conduct": 0.1}, typed, 0.9, Lexicon(COUNTS), document, limit=3) == {
        "conduct": 0.1
    }


def test_the_shipped_dictionary_loads():
    lexicon = Lexicon.load(lexicon_path())
    assert len(lexicon) > 20_000
    assert lexicon.knows("museum") and lexicon.knows("the")


def test_a_word_the_model_cannot_spell_is_completed_from_the_dictionary(bigram_model):
    """The model puts all its weight on one spelling: the dictionary offers the others."""
    spec = {" the": {" conduct": 9.0}, " conduct": {"or": 1.0, ".": 9.0}}
    with Predictor.load(bigram_model(spec)) as predictor:
        with_dictionary = [s.word for s in predictor.suggest("led by the conducto")]
        predictor.lexicon = None
        alone = [s.word for s in predictor.suggest("led by the conducto")]
    assert "conductor" in with_dictionary and "conductors" in with_dictionary
    assert "conductors" not in alone
