"""The dictionary and the document's words: lookups, completions, and what their sources add to
the model's words (through the mixer)."""

from pathlib import Path

import pytest

from keyboard_app.engine import ModelError, Predictor
from keyboard_app.engine.lexicon import Lexicon
from keyboard_app.engine.mixer import BELOW, DOCUMENT_CACHE, UNKNOWN_WORD_SHARE, mix
from keyboard_app.engine.sources import Proposal, Query, Source
from keyboard_app.engine.sources.dictionary import DictionarySource
from keyboard_app.engine.sources.document import DocumentSource, DocumentWords
from keyboard_app.engine.words import split_typed_word
from keyboard_app.paths import lexicon_path
from keyboard_app.training.corpus import lexicon_lines

COUNTS = {"conductor": 30, "conductors": 10, "Conductor": 5, "conduct": 60, "shit": 99, "the": 500}


def mixed_with_dictionary_and_document(
    text: str, found: dict[str, float], mass: float, k: int = 3
) -> dict[str, float]:
    """The network's `found` words (and `mass` of the typed letters) mixed with what the
    dictionary of COUNTS and the document before the typed word propose for `text`."""
    query = Query(split_typed_word(text), k)
    sources: list[Source] = [DictionarySource(Lexicon(COUNTS)), DocumentSource()]
    proposals = {
        source.kind: proposal
        for source in sources
        if (proposal := source.propose(query, found)) is not None
    }
    return mix(query, Proposal(found, mass=mass), proposals)


def test_completions_are_the_most_frequent_words_with_the_typed_case_kept():
    lexicon = Lexicon(COUNTS)
    found = lexicon.completions("Conducto", 5)
    assert [word for word, _ in found] == ["Conductor", "Conductors"]
    shares = [share for _, share in found]
    assert shares == pytest.approx([35 / 45, 10 / 45])  # both spellings of "conductor" count
    assert lexicon.knows("CONDUCT") and not lexicon.knows("conducto")


def test_offensive_words_are_never_completions():
    assert Lexicon(COUNTS).completions("sh", 3) == ()
    assert not Lexicon(COUNTS).knows("shit")


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


def test_the_dictionary_source_proposes_completions_and_knows_its_words():
    query = Query(split_typed_word("led by the conduc"), k=1)
    proposal = DictionarySource(Lexicon(COUNTS)).propose(query, {})
    assert dict(proposal.words) == pytest.approx({"conduct": 60 / 105, "conductor": 35 / 105})
    assert proposal.knows is not None and proposal.knows("Conductors")
    next_word = DictionarySource(Lexicon(COUNTS)).propose(Query(split_typed_word("the "), 3), {})
    assert dict(next_word.words) == {}  # the next word is left to the model


def test_unknown_words_are_demoted_and_completions_fill_below_known_ones():
    found = {"conductoral": 0.02, "conduct": 0.01}
    scores = mixed_with_dictionary_and_document("led by the conduc", found, mass=0.05)
    assert scores["conductoral"] == pytest.approx(0.02 * UNKNOWN_WORD_SHARE)
    assert scores["conduct"] == 0.01  # known, and the document adds nothing here
    # What the network's words leave of the mass (0.02) is capped under its weakest known word.
    left = BELOW * 0.01
    assert scores["conductor"] == pytest.approx(left * 35 / 105)
    assert scores["conductors"] == pytest.approx(left * 10 / 105)
    assert 0 < scores["conductors"] < scores["conductor"] < scores["conduct"]


def test_words_of_the_document_are_known_and_complete_the_typed_letters():
    text = "Jorda conducted. Later JORDA and Jorda returned. Then Jo"
    found = {"John": 0.02, "Joe": 0.01, "Jorda": 0.001}
    scores = mixed_with_dictionary_and_document(text, found, mass=0.05)
    frequency = 2 / 8  # "Jorda" twice in 8 words; "JORDA" is another spelling
    mixture = (1 - DOCUMENT_CACHE) * 0.001 + DOCUMENT_CACHE * frequency
    assert scores["Jorda"] == pytest.approx(mixture / (1 - DOCUMENT_CACHE))
    assert scores["Joe"] == pytest.approx(0.01 * UNKNOWN_WORD_SHARE)
    assert max(scores, key=scores.__getitem__) == "Jorda"
    assert "JORDA" not in scores  # the case typed is kept


def test_the_document_never_offers_the_word_as_typed():
    scores = mixed_with_dictionary_and_document("xylo xylophone xylo", {}, mass=0.0)
    assert scores == pytest.approx({"xylophone": DOCUMENT_CACHE / (1 - DOCUMENT_CACHE) / 2})


def test_the_document_knows_words_in_any_case_and_counts_them_as_spelled():
    words = DocumentWords.of("Jorda and JORDA, and shit")
    assert words.knows("jorda") and words.knows("SHIT") and not words.knows("Jord")
    # A word in capitals is proposed for the letters in any case (a heading's: the mixer decides)
    assert words.completions("Jo") == {"Jorda": 1 / 5, "JORDA": 1 / 5}
    assert words.completions("jo") == {"JORDA": 1 / 5}
    # Offensive words too: the mixer keeps them out while the filter is on (test_wordfilter.py)
    assert words.completions("sh") == {"shit": 1 / 5}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MEMO TO THE CONDUCTORS\nThe conduc", "conductors"),  # a heading's word in the typed case
        ("MEMO TO THE CONDUCTORS\nConduc", "Conductors"),
        ("MEMO TO THE CONDUCTORS\nPLEASE CONDUC", "CONDUCTORS"),  # typed in capitals: as written
    ],
)
def test_a_word_of_a_heading_in_capitals_is_offered_in_the_typed_case(text, expected):
    scores = mixed_with_dictionary_and_document(text, {}, mass=0.0)
    frequency = 1 / (len(text.split()) - 1)
    assert scores[expected] == pytest.approx(DOCUMENT_CACHE / (1 - DOCUMENT_CACHE) * frequency)
    assert "CONDUCTORS" not in scores or expected == "CONDUCTORS"


@pytest.mark.parametrize("text", ["The WHO warned about it. Then the W", "The CONDUCT and IT. I"])
def test_a_word_of_three_capitals_or_fewer_is_offered_as_written(text: str) -> None:
    """WHO, IT: acronyms that are words too."""
    scores = mixed_with_dictionary_and_document(text, {}, mass=0.0)
    assert {"WHO", "IT"} & set(scores) and not {"Who", "It"} & set(scores)


def test_an_acronym_of_the_document_is_offered_only_as_written():
    """The dictionary does not spell JORDA in small letters: no heading's word but an acronym."""
    assert "JORDA" in mixed_with_dictionary_and_document("JORDA said so. J", {}, mass=0.0)
    assert mixed_with_dictionary_and_document("JORDA said so. j", {}, mass=0.0) == {}


def test_the_document_is_its_last_4000_characters():
    """A name used only further back is neither known nor completed (docs/engine.md)."""
    filler = "and then some more words here " * 140  # 4,200 characters
    source = DocumentSource()
    far = source.propose(Query(split_typed_word("Jorda said so. " + filler + "Jo"), 3), {})
    near = source.propose(Query(split_typed_word(filler + "Jorda said so. Jo"), 3), {})
    assert far.knows is not None and not far.knows("Jorda") and "Jorda" not in far.words
    assert near.knows is not None and near.knows("Jorda") and "Jorda" in near.words


def test_the_next_word_is_left_to_the_model():
    scores = mixed_with_dictionary_and_document("led by the ", {"conduct": 0.1}, mass=0.9)
    assert scores == {"conduct": 0.1}


def test_the_shipped_dictionary_loads():
    lexicon = Lexicon.load(lexicon_path())
    assert len(lexicon) > 20_000
    assert lexicon.knows("museum") and lexicon.knows("the")


def test_a_word_the_model_cannot_spell_is_completed_from_the_dictionary(bigram_model):
    """The model puts all its weight on one spelling: the dictionary offers the others."""
    spec = {" the": {" conduct": 9.0}, " conduct": {"or": 1.0, ".": 9.0}}
    with Predictor.load(bigram_model(spec)) as predictor:
        kinds = {source.kind for source in predictor.sources}
        # (the trigrams standing in only)
        assert kinds == {"dictionary", "document", "corrections", "formulas", "trigrams"}
        with_dictionary = [s.word for s in predictor.suggest("led by the conducto")]
        predictor.sources = []
        alone = [s.word for s in predictor.suggest("led by the conducto")]
    assert "conductor" in with_dictionary and "conductors" in with_dictionary
    assert "conductors" not in alone
