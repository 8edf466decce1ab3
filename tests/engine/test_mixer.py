"""The mixer's arithmetic on hand-made proposals, against values worked out by hand; and the
mixer at work with a source written here."""

import itertools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from keyboard_app.engine import Predictor
from keyboard_app.engine import mixer as mixer_module
from keyboard_app.engine.lexicon import Lexicon
from keyboard_app.engine.mixer import (
    CORRECTION_WEIGHT,
    DOCUMENT_CACHE,
    NEXT_WORD_WEIGHTS,
    PERSONAL_CACHE,
    PERSONAL_HALF,
    PERSONAL_MAX,
    PHRASE_SHARE,
    PHRASE_TIMES,
    PHRASE_WEIGHT,
    UNKNOWN_WORD_SHARE,
    Mixed,
    mix,
)
from keyboard_app.engine.sources import Proposal, Query
from keyboard_app.engine.sources.dictionary import DictionarySource
from keyboard_app.engine.words import in_typed_case, split_typed_word

TRIGRAM_WEIGHT = NEXT_WORD_WEIGHTS["trigrams"]
ENGINE_DOC = Path(__file__).resolve().parents[2] / "docs" / "engine.md"
DICTIONARY = frozenset({"conduct", "conductor", "conductors", "the", "a", "orchestra"})


def query(text: str, k: int = 3) -> Query:
    return Query(split_typed_word(text), k)


def knows(word: str) -> bool:
    return word.lower() in DICTIONARY


def _only(pattern: str, text: str) -> Any:
    found = re.findall(pattern, text)
    assert len(found) == 1, f"docs/engine.md should say {pattern!r} once, not {len(found)} times"
    return found[0]


def test_the_weights_are_the_ones_docs_engine_md_gives_and_measured():
    """docs/engine.md explains each weight with the measurements that chose it; a weight re-tuned
    in mixer.py must be re-documented there. (BELOW is not tuned: the text gives no number.)"""
    markdown = ENGINE_DOC.read_text("utf-8")
    text = " ".join(markdown.split())  # the sentences wrap across lines
    share = _only(r"demoted \(its probability times ([\d.]+)\)", text)
    assert float(share) == UNKNOWN_WORD_SHARE
    kept, cache = _only(r"([\d.]+) x the score above \+ ([\d.]+) x the word's frequency", text)
    assert (float(kept), float(cache)) == pytest.approx((1 - DOCUMENT_CACHE, DOCUMENT_CACHE))
    assert float(_only(r"`CORRECTION_WEIGHT` \(([\d.]+)\)", text)) == CORRECTION_WEIGHT
    network, trigrams = _only(r"([\d.]+) x the network's probability \+ ([\d.]+) x an", text)
    assert (float(network), float(trigrams)) == pytest.approx((1 - TRIGRAM_WEIGHT, TRIGRAM_WEIGHT))
    assert _chosen_column(markdown, "| trigram weight |") == TRIGRAM_WEIGHT
    chosen = _only(r"\| \*\*([\d.]+) : ([\d.]+) : ([\d.]+)\*\* \|", text)
    assert tuple(map(float, chosen)) == (PERSONAL_MAX, PERSONAL_HALF, PERSONAL_CACHE)
    times, share, weight = _only(
        r"followed (\d+) times or more \(`PHRASE_TIMES`\), ([\d.]+)% of them or more by one word "
        r"\(`PHRASE_SHARE`\), the weight is ([\d.]+) \(`PHRASE_WEIGHT`\)",
        text,
    )
    assert (int(times), float(share) / 100, float(weight)) == (
        PHRASE_TIMES, PHRASE_SHARE, PHRASE_WEIGHT,
    )  # fmt: skip
    assert _only(r"\| \*\*(\d+) : ([\d.]+)\*\* \|", text) == (str(PHRASE_TIMES), str(PHRASE_SHARE))


def _chosen_column(markdown: str, header: str) -> float:
    """The heading of the column that holds the one result in bold, in the table whose first row
    starts with `header`."""
    lines = iter(markdown.splitlines())
    first = next(line for line in lines if line.startswith(header))
    rows = [first, *itertools.takewhile(lambda line: line.startswith("|"), lines)]
    cells = [row.strip("|").split("|") for row in rows]
    bold = [column for row in cells[2:] for column, cell in enumerate(row) if "**" in cell]
    assert len(bold) == 1, f"the table under {header!r} should have one result in bold"
    return float(cells[0][bold[0]])


def test_without_other_sources_the_network_words_are_kept_as_they_are():
    network = Proposal({"conductoral": 0.02, "conduct": 0.01}, mass=0.05)
    assert mix(query("led by the conduc"), network, {}) == network.words


def test_a_word_no_source_knows_keeps_its_share_unless_it_was_typed():
    network = Proposal({"conductoral": 0.02, "conduct": 0.01, "conduc": 0.004}, mass=0.05)
    dictionary = Proposal({}, knows=knows)
    scores = mix(query("led by the conduc"), network, {"dictionary": dictionary})
    assert scores == pytest.approx({"conductoral": 0.001, "conduct": 0.01, "conduc": 0.004})


def test_no_word_no_source_knows_goes_on_from_a_names_own_spelling_typed() -> None:
    """iOS, WhatsApp: iOSe, WhatsApped; after small letters such a word is kept, demoted: a new
    word may start with a whole one (deep: deepfakes), but not by a few letters alone (Saras)."""
    kept_on = {"conductorship": 0.5 * UNKNOWN_WORD_SHARE}
    for typed, kept in [("conDuc", {}), ("conductor", kept_on)]:
        network = Proposal({typed + "ship": 0.5, typed + "s": 0.2, typed: 0.1}, mass=1.0)
        dictionary = Proposal({}, knows=lambda word: knows(word) or word == "conDucs")
        scores = mix(query("led by the " + typed), network, {"dictionary": dictionary})
        assert scores == pytest.approx({typed: 0.1, typed + "s": 0.2, **kept})


def test_a_correction_in_another_case_alone_of_a_word_in_camel_case_is_none():
    network = Proposal({"JavaScript": 0.01}, mass=0.01)
    proposals = {
        "dictionary": Proposal({}, knows=str.islower),
        "corrections": Proposal({"javascript": 0.5, "JavaScripts": 0.0001}),
    }
    asked = query("We use JavaScript")
    ranked = Mixed(asked, mix(asked, network, proposals), network, proposals).ranked()
    assert [word for word, _ in ranked] == ["JavaScript", "JavaScripts"]  # Tab: no Javascript


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("it’s", {"it’s", "it’s-a"}),
        ("it’", {"it’s", "it’s-a"}),  # the letters typed before the part's end too
        ("i", {"it’s", "it’s-a"}),
        ("so", {"so", "some"}),
        ("so-", {"so-so"}),
        ("You", {"You"}),
        ("no", {"no", "no-nonsense"}),
    ],
)
def test_a_stutter_is_offered_only_once_its_hyphen_is_typed(typed: str, offered: set[str]):
    words = [
        "it’s",
        "it’s-it’s",
        "it’s-a",
        "so",
        "so-so",
        "some",
        "You",
        "You-you’re",
        "no",
        "no-nonsense",
        "no-no",
    ]
    completions = {w: 0.1 for w in words if w.lower().startswith(typed.lower())}
    dictionary = Proposal(completions, knows=lambda word: True)
    scores = mix(query("Well, " + typed), Proposal({}, mass=1.0), {"dictionary": dictionary})
    assert set(scores) == offered


def test_a_word_any_source_knows_is_not_demoted():
    network = Proposal({"Jorda": 0.003, "Jordan": 0.002}, mass=0.01)
    proposals = {
        "dictionary": Proposal({}, knows=knows),
        "document": Proposal({}, knows=lambda word: word == "Jorda"),
    }
    scores = mix(query("then Jo"), network, proposals)
    assert scores == pytest.approx({"Jorda": 0.003, "Jordan": 0.0001})


def test_the_dictionary_fills_what_the_network_leaves_of_the_typed_letters():
    # The network's words take 0.03 of the 0.035 that spells "conduc": 0.005 is left, less than
    # BELOW times the weakest known word (0.00999), so all of it is shared out.
    network = Proposal({"conductoral": 0.02, "conduct": 0.01}, mass=0.035)
    dictionary = Proposal({"conduct": 0.6, "conductor": 0.3, "conductors": 0.1}, knows=knows)
    scores = mix(query("led by the conduc"), network, {"dictionary": dictionary})
    assert scores == pytest.approx(
        {"conductoral": 0.001, "conduct": 0.01, "conductor": 0.0015, "conductors": 0.0005}
    )


def test_the_dictionary_stays_below_the_weakest_known_word():
    # 0.47 is left, but the weakest known word has 0.01: the share is of 0.999 * 0.01.
    network = Proposal({"conductoral": 0.02, "conduct": 0.01}, mass=0.5)
    dictionary = Proposal({"conductor": 0.75, "conductors": 0.25}, knows=knows)
    scores = mix(query("led by the conduc"), network, {"dictionary": dictionary})
    assert scores["conductor"] == pytest.approx(0.0074925)
    assert scores["conductors"] == pytest.approx(0.0024975)
    assert scores["conductor"] < scores["conduct"]


def test_with_no_known_word_the_dictionary_shares_all_that_is_left():
    dictionary = Proposal({"conductor": 0.8, "conductors": 0.2}, knows=knows)
    network = Proposal({"conductoral": 0.2}, mass=0.5)  # 0.3 left, no known word to stay under
    scores = mix(query("the conduc"), network, {"dictionary": dictionary})
    assert scores == pytest.approx({"conductoral": 0.01, "conductor": 0.24, "conductors": 0.06})
    network = Proposal({"conductoral": 0.02}, mass=0.01)  # more than the mass: nothing left
    scores = mix(query("the conduc"), network, {"dictionary": dictionary})
    assert scores == pytest.approx({"conductoral": 0.001, "conductor": 0.0, "conductors": 0.0})


def test_the_document_cache_adds_its_frequencies_scaled_to_keep_the_others():
    # (1 - 0.1) * p + 0.1 * f, divided by 0.9: p + f / 9.
    network = Proposal({"Jorda": 0.001, "John": 0.02}, mass=0.05)
    document = Proposal({"Jorda": 0.25, "Jones": 0.09}, knows={"Jorda", "Jones"}.__contains__)
    scores = mix(query("then Jo"), network, {"document": document})
    assert scores == pytest.approx({"Jorda": 0.001 + 0.25 / 9, "John": 0.001, "Jones": 0.01})


def test_letters_typed_mix_the_dictionary_then_the_document():
    network = Proposal({"conduct": 0.01}, mass=0.02)
    proposals = {
        "dictionary": Proposal({"conductor": 0.5}, knows=knows),
        "document": Proposal({"conductor": 0.18}, knows=lambda word: False),
    }
    scores = mix(query("the conduc"), network, proposals)
    # The dictionary: 0.5 of min(0.01, 0.00999); then the document's 0.18 / 9.
    assert scores == pytest.approx({"conduct": 0.01, "conductor": 0.004995 + 0.02})


def test_the_next_word_mixes_next_word_sources_linearly_over_both_sides_words():
    network = Proposal({"the": 0.5, "a": 0.1})
    trigrams = Proposal({"a": 0.4, "America": 0.3})
    scores = mix(query("the United States of "), network, {"trigrams": trigrams})
    # 0.8 * network + 0.2 * trigrams, a word missing from one side counting 0 there.
    assert scores == pytest.approx({"the": 0.4, "a": 0.16, "America": 0.06})


def test_the_next_word_is_demoted_first_and_ignores_letter_sources():
    """A trigram word the dictionary lacks is the training text's oddity after a history seen
    once (ETA revision0307) and left out, unless a name (Rishi Sunak); the network's is demoted."""
    network = Proposal({"the": 0.5, "thee": 0.2})
    proposals = {
        "dictionary": Proposal({"conductor": 1.0}, knows=knows),
        "document": Proposal({"orchestra": 1.0}, knows=knows),
        "trigrams": Proposal({"the": 0.25, "revision0307": 0.25, "kürt": 0.1, "Sunak": 0.1}),
    }
    scores = mix(query("led by "), network, proposals)
    expected = {"the": 0.8 * 0.5 + 0.2 * 0.25, "thee": 0.8 * 0.2 * 0.05, "Sunak": 0.2 * 0.1}
    assert scores == pytest.approx(expected)


def test_a_contraction_s_start_no_source_knows_is_no_word():
    network = Proposal({"could": 0.3, "couldn": 0.1, "coulda": 0.1}, mass=0.5)
    dictionary = Proposal({}, knows=lambda word: word in {"could", "couldn't"})
    scores = mix(query("I cou"), network, {"dictionary": dictionary})
    assert scores == pytest.approx({"could": 0.3, "coulda": 0.1 * UNKNOWN_WORD_SHARE})


def test_next_word_sources_are_left_out_once_a_letter_is_typed():
    network = Proposal({"the": 0.5}, mass=0.6)
    scores = mix(query("led by t"), network, {"trigrams": Proposal({"them": 0.9})})
    assert scores == {"the": 0.5}


class Sights:
    """A next-word source (of the trigrams' kind) that proposes fixed words, and remembers the
    network's candidates it was shown."""

    kind = "trigrams"
    next_word = True

    def __init__(self, words: Mapping[str, float]) -> None:
        self.words = dict(words)
        self.shown: list[dict[str, float]] = []

    def propose(self, query: Query, candidates: Mapping[str, float]) -> Proposal | None:
        self.shown.append(dict(candidates))
        return Proposal(self.words) if query.next_word else None


def test_a_source_set_on_the_predictor_is_mixed_in_with_its_weight(bigram_model):
    spec = {" striped": {" shirt": 7.0, " tie": 6.0}}
    with Predictor.load(bigram_model(spec)) as predictor:
        predictor.sources = []
        alone = {s.word: s.probability for s in predictor.suggest("the striped ", k=3, exact=True)}
        typed_alone = predictor.suggest("the striped s", k=3, exact=True)
        sights = Sights({"sweater": 0.9})
        predictor.sources = [sights]
        mixed = {s.word: s.probability for s in predictor.suggest("the striped ", k=3, exact=True)}
        typed_mixed = predictor.suggest("the striped s", k=3, exact=True)
    assert list(mixed)[:2] == ["shirt", "sweater"]
    assert mixed["sweater"] == pytest.approx(TRIGRAM_WEIGHT * 0.9)
    assert mixed["shirt"] == pytest.approx((1 - TRIGRAM_WEIGHT) * alone["shirt"])
    assert {"shirt", "tie"} <= set(sights.shown[0])  # it was shown the network's words
    assert typed_mixed == typed_alone  # None once a letter is typed: nothing mixed in


@pytest.mark.parametrize(
    ("typed", "word", "shown"),
    [
        ("PEOP", "PEOPle", "PEOPLE"),  # typed in capitals: the whole word in capitals
        ("TEH", "The", "THE"),  # a correction too
        ("shi", "shiP", "ship"),  # the model's piece " SHIP" after small letters
        ("Obama", "Obama'S", "Obama's"),
        ("i", "iPhone", "iPhone"),  # a name's own capital inside stays
        ("MP", "MPs", "MPs"),  # an acronym's own endings
        ("UK", "UK’s", "UK’s"),
        ("NASA", "NASA's", "NASA's"),
        ("NASA", "NASAs", "NASAs"),
        ("FRIDAY", "FRIDAYs", "FRIDAYS"),  # five capitals or more: a word typed in capitals
        ("UNICEF", "UNICEF's", "UNICEF's"),
        ("MP", "MPh", "MPH"),
        ("USD", "USDA's", "USDA's"),  # an acronym's possessive keeps its small s
        ("PEOP", "people's", "PEOPLE'S"),  # a word typed in capitals is all capitals
        ("JOHN", "John's", "JOHN'S"),
        ("Th", "The", "The"),
        ("U", "USA", "USA"),  # one capital typed: as the word is spelled
        ("", "London", "London"),
    ],
)
def test_words_are_shown_in_the_case_they_are_typed_in(typed: str, word: str, shown: str) -> None:
    assert in_typed_case(typed, word) == shown


EVERYDAY = {"his", "this", "was", "what's", "its", "us", "let's"}


@pytest.mark.parametrize(
    ("typed", "word", "shown"),
    [
        # An everyday word typed in capitals is no acronym's plural or possessive.
        ("HI", "HIs", "HIS"),
        ("THI", "THIs", "THIS"),
        ("WA", "WAs", "WAS"),
        ("WHAT", "WHAT's", "WHAT'S"),
        ("WHA", "WHAT's", "WHAT'S"),  # a possessive's small s after three capitals too
        ("LE", "LET's", "LET'S"),
        ("MP", "MPs", "MPs"),  # an acronym's all the same
        ("US", "US's", "US's"),  # "us's" is no everyday word
        # A name's capital before an apostrophe is no capital typed in a row.
        ("O'N", "O'Neill", "O'Neill"),
        ("D'A", "D'Angelo", "D'Angelo"),
        ("O'NE", "O'Neill", "O'NEILL"),
        ("I'M", "I'Ma", "I'MA"),  # the pronoun's I counts
    ],
)
def test_an_everyday_word_or_a_name_typed_with_capitals(typed: str, word: str, shown: str) -> None:
    assert in_typed_case(typed, word, EVERYDAY.__contains__) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("PLEASE READ THIS BEFORE THE MEETING", "MEETINGS"),  # a text in capitals: all of it
        ("I NEED THE REPORT", "REPORTS"),
        ("The rocket is NASA", "NASA's"),  # an acronym keeps its endings
        ("Ask the UN", "UN's"),
    ],
)
def test_a_word_typed_in_capitals_is_all_capitals_in_a_text_in_capitals(text: str, shown: str):
    typed = split_typed_word(text).typed
    ending = shown[len(typed) :].lower()
    network = Proposal({typed + ending: 0.5, typed: 0.3}, mass=1.0)
    asked = query(text)
    assert shown in [w for w, _ in Mixed(asked, mix(asked, network, {}), network, {}).ranked()]


def test_spellings_that_become_one_add_their_scores():
    network = Proposal({"THe": 0.3, "THat": 0.2, "THE": 0.1, "THis": 0.05}, mass=1.0)
    mixed = Mixed(query("I LOVE TH", k=2), mix(query("I LOVE TH"), network, {}), network)
    assert dict(mixed.ranked()) == pytest.approx({"THE": 0.4, "THAT": 0.2})
    assert [word for word, _ in mixed.ranked()] == ["THE", "THAT"]


def test_a_name_the_dictionary_capitalises_is_offered_so_though_typed_in_small_letters():
    lexicon = Lexicon({"London": 100, "long": 300, "lonely": 50, "will": 900, "William": 40})
    network = Proposal({"london": 0.3, "long": 0.4}, mass=1.0)
    dictionary = DictionarySource(lexicon).propose(query("We flew to lon", k=3), {})
    mixed = Mixed(
        query("We flew to lon", k=3),
        mix(query("We flew to lon"), network, {"dictionary": dictionary}),
        network,
        {"dictionary": dictionary},
    )
    shown = dict(mixed.ranked())
    assert "London" in shown and "london" not in shown  # one word, the name's spelling
    assert shown["London"] == pytest.approx(mixed.scores["london"] + mixed.scores.get("London", 0))
    typed_capital = Mixed(query("LON", k=3), {"london": 0.5}, network, {"dictionary": dictionary})
    assert [word for word, _ in typed_capital.ranked()] == ["LONDON"]  # the typist's case


def test_a_word_also_written_in_small_letters_keeps_them():
    lexicon = Lexicon({"will": 900, "Will": 40, "William": 40})
    dictionary = DictionarySource(lexicon).propose(query("I wil", k=3), {})
    network = Proposal({"will": 0.6, "william": 0.1}, mass=1.0)
    mixed = Mixed(query("I wil", k=3), dict(network.words), network, {"dictionary": dictionary})
    assert [word for word, _ in mixed.ranked()] == ["will", "William"]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # After a title, a name or "and" (Mr. and Mrs.): not the model's sentence starts among
        # the commonest words (The, He, I) nor another word in small letters (in); a name that
        # is a word too (Brown) stays.
        ("We met Dr. ", ["and", "Brown", "Brodie"]),
        ("Mr. and Mrs. ", ["and", "Brown", "Brodie"]),
        ("PLEASE CALL DR. ", ["AND", "BROWN", "BRODIE"]),  # in a text in capitals too
        # After another abbreviation (or a title in small letters, col. of a table) the sentence
        # goes on: those words in small letters.
        ("It costs approx. ", ["the", "he", "and", "Brown", "I"]),
        ("See Table 3, col. ", ["the", "he", "and", "Brown", "I"]),
        # After an initial or a sentence's end, the model's capitals stay (Plan A. may end one).
        ("We chose Plan A. ", ["The", "He", "and", "Brown", "I"]),
        ("We met. ", ["The", "He", "And", "Brown", "I"]),
    ],
)
def test_after_an_abbreviation_no_sentence_starts(
    text: str, shown: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mixer_module, "SENTENCE_STARTERS", 3)  # the, he, and
    lexicon = Lexicon({"the": 900, "he": 500, "and": 400, "brown": 50, "I": 300})
    dictionary = DictionarySource(lexicon).propose(query(text, k=5), {})
    network = Proposal(
        {"The": 0.4, "He": 0.2, "and": 0.15, "Brown": 0.1, "I": 0.08, "in": 0.03, "Brodie": 0.02}
    )
    mixed = Mixed(query(text, k=5), dict(network.words), network, {"dictionary": dictionary})
    assert [word for word, _ in mixed.ranked()] == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("We met Capt. H", ["Harris", "Here"]),  # a title: not its sentence start He
        ("It costs approx. H", ["He", "Harris", "Here"]),  # not a title: the user's capital
    ],
)
def test_after_an_abbreviation_the_typed_letters(
    text: str, shown: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mixer_module, "SENTENCE_STARTERS", 2)  # the, he
    lexicon = Lexicon({"the": 900, "he": 500, "here": 100})
    dictionary = DictionarySource(lexicon).propose(query(text, k=3), {})
    network = Proposal({"He": 0.5, "Harris": 0.2, "Here": 0.1})
    mixed = Mixed(query(text, k=3), dict(network.words), network, {"dictionary": dictionary})
    assert [word for word, _ in mixed.ranked()] == shown


def test_a_common_misspelling_no_source_knows_is_never_offered() -> None:
    """The model learned definately and recieved from the web: they came first, unmarked, and
    Tab took them; the corrections are offered for them instead."""
    lexicon = Lexicon({"definite": 50, "definitely": 40})
    text = "it was definat"
    dictionary = DictionarySource(lexicon).propose(query(text), {})
    network = Proposal({"definately": 0.5, "definite": 0.1}, mass=1.0)
    scores = mixer_module.mix(query(text), network, {"dictionary": dictionary})
    ranked = Mixed(query(text), scores, network, {"dictionary": dictionary}).ranked()
    assert "definately" not in [word for word, _ in ranked]
    assert ranked[0][0] == "definite"


@pytest.mark.parametrize(
    ("text", "network", "shown"),
    [
        # A known word typed whole and a few letters more that no source knows: the model's
        # estimated end of a word, not a word.
        ("Hi Sara", {"Sarah": 0.3, "Saras": 0.2, "Saratoga": 0.1}, ["Sarah", "Saratoga"]),
        ("Dear Henderson", {"Hendersony": 0.3, "Henderson's": 0.2}, ["Henderson's"]),
        # Letters that are no known word may start a new one (deepfak: deepfakes).
        ("the deepfak", {"deepfakes": 0.3}, ["deepfakes"]),
        # Nor is the rule for an acronym's plural, a possessive, a number or two letters.
        ("two GPU", {"GPUs": 0.6}, ["GPUs"]),
        ("ask Fauci", {"Fauci's": 0.6}, ["Fauci's"]),
        ("see you at 3", {"3pm": 0.6}, ["3pm"]),
        ("this is Jo", {"Jo's": 0.3, "Jos": 0.2}, ["Jo's", "Jos"]),
    ],
)
def test_a_known_word_and_a_few_letters_no_source_knows_are_no_word(
    text: str, network: dict[str, float], shown: list[str]
) -> None:
    lexicon = Lexicon(
        {"Sara": 50, "Sarah": 80, "Saratoga": 10, "Henderson": 20, "Henderson's": 9}
        | {"GPU": 9, "Fauci": 9, "3": 90, "Jo": 9}
    )
    dictionary = DictionarySource(lexicon).propose(query(text), {})
    proposal = Proposal(network, mass=1.0)
    scores = mixer_module.mix(query(text), proposal, {"dictionary": dictionary})
    ranked = Mixed(query(text), scores, proposal, {"dictionary": dictionary}).ranked()
    assert [word for word, _ in ranked if word != split_typed_word(text).typed] == shown


def test_a_contraction_listed_with_a_capital_in_one_apostrophe_alone_is_no_name() -> None:
    """The list has it'll with a curly apostrophe and its capital, from the training text's
    sentence starts, and with a straight one in small letters: `I think it` and a curly
    apostrophe offered it with its capital."""
    lexicon = Lexicon({"it's": 900, "it'll": 400, "It\u2019ll": 10, "America\u2019s": 30})
    for text, word in [("I think it\u2019", "it\u2019ll"), ("in America\u2019", "America\u2019s")]:
        typed = split_typed_word(text).typed
        dictionary = DictionarySource(lexicon).propose(query(text), {})
        network = Proposal({typed + word[len(typed) :].lower(): 0.5}, mass=1.0)
        mixed = Mixed(query(text), dict(network.words), network, {"dictionary": dictionary})
        assert word in [w for w, _ in mixed.ranked()], text


@pytest.mark.parametrize(
    ("text", "network", "shown"),
    [
        # A group after a thousands separator has three digits.
        ("It costs $1,25", {"2500": 0.5, "250": 0.3, "25070": 0.1}, ["250", "25"]),
        ("It costs $12,345,6", {"6789": 0.5, "678": 0.3}, ["678", "6"]),
        # A decimal comma is no thousands separator.
        ("It costs €1,5", {"50": 0.5, "500": 0.3}, ["50", "500", "5"]),
        ("It costs 0,5", {"50": 0.5, "500": 0.3}, ["50", "500", "5"]),
        # A capital run into digits is no word; a unit is.
        ("see you at 9J", {"9John": 0.5, "9Just": 0.3}, ["9J"]),
        ("see you at 3p", {"3pm": 0.5}, ["3pm", "3p"]),
        # A time's minutes: two digits, am or pm only after an hour of 12 or less.
        ("at 2:1", {"150": 0.5, "15th": 0.4, "15": 0.3, "10am": 0.2}, ["15", "10am", "1"]),
        ("from 9 to 14:", {"30am": 0.5, "30": 0.3, "00": 0.2}, ["30", "00"]),
        # An amount's cents: two digits.
        ("It came to £12.5", {"500": 0.5, "50s": 0.4, "50": 0.3}, ["50", "5"]),
        ("It came to $12.", {"500": 0.5, "00": 0.4, "5": 0.3}, ["00"]),
        ("version 3.5", {"500": 0.5, "50": 0.3}, ["500", "50", "5"]),  # no amount
        # Small letters no number runs into; an amount run into a hyphen's word.
        ("line a 900g", {"900ger": 0.5, "900gy": 0.4, "900g": 0.3}, ["900g"]),
        ("at 5", {"5pm": 0.5, "50s": 0.4, "5km": 0.3, "5ka": 0.2}, ["5pm", "50s", "5km"]),
        ("HOA fees $120", {"120-degrees": 0.5, "1200": 0.3}, ["1200", "120"]),
        ("a 120", {"120-degrees": 0.5, "1200": 0.3}, ["120-degrees", "1200", "120"]),  # no amount
    ],
)
def test_numbers_are_offered_as_they_are_written(
    text: str, network: dict[str, float], shown: list[str]
) -> None:
    typed = split_typed_word(text).typed
    proposal = Proposal({**network, **({typed: 0.01} if typed else {})}, mass=1.0)
    scores = mixer_module.mix(query(text), proposal, {})
    assert [word for word, _ in Mixed(query(text), scores, proposal, {}).ranked()] == shown


def test_two_letters_or_a_hyphen_at_the_end_no_source_knows_are_no_word() -> None:
    """The model's pieces after a letter typed (Ch, Un) and a word left at its hyphen (WH-)."""
    lexicon = Lexicon({"Chicken": 50, "Under": 80})
    for text, network, shown in [
        ("(175 C", {"Ch": 0.5, "Chicken": 0.2}, ["Chicken"]),
        ("at the U", {"Un": 0.5, "Under": 0.1}, ["Under"]),
        ("Sony WH", {"WH-": 0.5, "WHO": 0.1}, ["WHO"]),
        ("the new phone has 5", {"5G": 0.5}, ["5G"]),  # not a piece after a capital
        ("the U", {"UI": 0.5, "Un": 0.4}, ["Under", "UI"]),
    ]:
        dictionary = DictionarySource(lexicon).propose(query(text), {})
        proposal = Proposal(network, mass=1.0)
        scores = mixer_module.mix(query(text), proposal, {"dictionary": dictionary})
        ranked = Mixed(query(text), scores, proposal, {"dictionary": dictionary}).ranked()
        typed = split_typed_word(text).typed
        assert [word for word, _ in ranked if word != typed] == shown, text


@pytest.mark.parametrize("typed", ["omg", "thx", "mutex", "Kraków", "Zürich"])
def test_a_word_autocorrect_leaves_is_kept_above_its_corrections(typed: str):
    """The dictionary lacks them; the strip offered omg as ombudsman, omega, ombre, and Kraków as
    Kraken alone (chat and programming words, a letter beyond the QWERTY keys)."""
    network = Proposal({}, mass=0.01)
    corrections = {"ombudsman": 0.3, "the": 0.3, "muted": 0.3, "Kraken": 0.3, "Zurich": 0.3}
    proposals = {
        "dictionary": Proposal({}, knows=knows),
        "corrections": Proposal(corrections),
    }
    asked = query("oh " + typed)
    ranked = Mixed(asked, mix(asked, network, proposals), network, proposals).ranked()
    assert ranked[0][0] == typed


@pytest.mark.parametrize(
    ("typed", "other"),
    [
        ("colours", "colors"),
        ("theater", "theatre"),
        ("travelled", "traveled"),
        ("defence", "defense"),
    ],
)
def test_a_known_word_is_not_offered_in_its_other_spelling(typed: str, other: str):
    """British and American spellings are both right: a text in one was offered the other after
    each such word, as a correction."""
    network = Proposal({typed: 0.2}, mass=0.5)
    corrections = {other: 0.5, typed[:-1]: 0.1}
    proposals = {
        "dictionary": Proposal({}, knows=lambda word: word in (typed, other, typed[:-1])),
        "corrections": Proposal(corrections),
    }
    asked = query("the " + typed)
    ranked = [
        word
        for word, _ in Mixed(asked, mix(asked, network, proposals), network, proposals).ranked()
    ]
    assert other not in ranked
    assert typed[:-1] in ranked  # another correction stays
