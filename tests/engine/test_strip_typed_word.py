"""What the strip offers for a word typed out: a known word, an acronym or a name's own spelling
keeps its place above its corrections (the review's "We shipped": whipped, Tab gave "We whipped");
non-words pieced together from the model's pieces are never offered (couldn't't, That'sHow)."""

import pytest

from keyboard_app.engine import Predictor
from keyboard_app.engine.mixer import Mixed, mix
from keyboard_app.engine.sources import Proposal, Query
from keyboard_app.engine.words import split_typed_word

DICTIONARY = frozenset(
    {
        "shipped",
        "whipped",
        "slipped",
        "ship",
        "shipping",
        "receive",
        "page",
        "pages",
        "usda",
        "usda's",
        "europe",
        "european",
    }
)


def knows(word: str) -> bool:
    return word.lower() in DICTIONARY


def ranked(text: str, network: dict[str, float], corrections: dict[str, float]) -> list[str]:
    query = Query(split_typed_word(text), 3)
    proposals = {
        "dictionary": Proposal({}, knows=knows),
        "corrections": Proposal(corrections),
    }
    network_proposal = Proposal(network, mass=sum(network.values()))
    mixed = Mixed(query, mix(query, network_proposal, proposals), network_proposal, proposals)
    return [word for word, _ in mixed.ranked()]


def test_a_known_word_typed_out_comes_before_its_likelier_corrections() -> None:
    strip = ranked("We shipped", {"shipped": 1e-5}, {"whipped": 5e-5, "slipped": 3e-5})
    assert strip == ["shipped", "whipped", "slipped"]


def test_a_known_word_no_source_scored_is_offered_first_all_the_same() -> None:
    assert ranked("We shipped", {}, {"whipped": 5e-5, "slipped": 3e-5})[0] == "shipped"


def test_an_unknown_word_still_gives_way_to_its_corrections() -> None:
    assert ranked("I recieve", {"recieve": 1e-6}, {"receive": 5e-5})[0] == "receive"


def test_a_correction_that_completes_the_typed_word_is_a_completion() -> None:
    # The completions at least TYPED_WORD_SHARE as likely as the typed word still come first.
    strip = ranked("a ship", {"ship": 1e-4}, {"shipping": 5e-4, "whip": 3e-4})
    assert strip == ["shipping", "ship", "whip"]


@pytest.mark.parametrize("typed", ["iOS", "macOS"])
def test_a_name_with_a_capital_inside_comes_before_its_corrections(typed: str) -> None:
    assert ranked(f"on {typed}", {typed: 1e-6}, {"is": 1e-3, "mac": 1e-3})[0] == typed


def test_an_acronym_comes_first_and_its_completions_keep_a_small_s() -> None:
    strip = ranked("in USD", {"USDA's": 3e-4, "USDA": 2e-4}, {})
    assert strip == ["USD", "USDA's", "USDA"]
    assert ranked("in EUR", {"European": 6e-5, "Europe": 2e-5}, {})[0] == "EUR"
    # In a text typed in capitals, three capitals are a word being typed: completions first.
    assert ranked("I LOVE EUR", {"European": 6e-5, "Europe": 2e-5}, {})[0] == "EUROPEAN"


@pytest.mark.parametrize("text", ["Under plan A EUR", "Could I EUR"])
def test_a_one_letter_capital_word_before_an_acronym_is_no_text_in_capitals(text: str) -> None:
    """A text is in capitals when its last word is two capitals or more: "A" and "I" are not."""
    assert ranked(text, {"European": 6e-5, "Europe": 2e-5}, {})[0] == "EUR"


@pytest.mark.parametrize("text", ["HELLO EUR", "I AM EUR", "SEE YOU EUR"])
def test_after_a_lines_words_in_capitals_three_capitals_start_a_word(text: str) -> None:
    """Caps Lock's second or third word (`HELLO WOR`: Tab gave WOR back): one word before of four
    capitals or more, or two."""
    assert ranked(text, {"European": 6e-5, "Europe": 2e-5}, {})[0] == "EUROPEAN"


@pytest.mark.parametrize("text", ["UK EUR", "TODO: EUR", "NOTE - EUR"])
def test_after_one_acronym_or_a_label_three_capitals_are_one_too(text: str) -> None:
    assert ranked(text, {"European": 6e-5, "Europe": 2e-5}, {})[0] == "EUR"


@pytest.mark.parametrize(
    ("text", "pieced"),
    [
        ("I couldn't", "couldn't't"),
        ("We'll", "We'll'll"),
        ("I've", "I've'll"),
        ("That's", "That'sHow"),
        ("if", "ifIs"),
        ("The kids'", "kids're"),  # a plural's possessive is whole
        ("seven years’", "years’t"),
    ],
)
def test_words_pieced_together_by_the_model_are_never_offered(text: str, pieced: str) -> None:
    typed = split_typed_word(text).typed
    assert pieced not in ranked(text, {typed: 1e-3, pieced: 0.5}, {})


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("We shipped", "shipped"),  # was whipped: Tab gave "We whipped"
        ("They stored", "stored"),  # was store
        ("The invoices were paid", "paid"),  # was laid
        ("We are shipping", "shipping"),  # was shopping
        ("iOS", "iOS"),  # was is
        ("EUR", "EUR"),  # was EUROPEAN
        ("USD", "USD"),  # was USE, and a space put it in
        ("KPI", "KPI"),
    ],
)
def test_the_built_in_keyboard_keeps_the_word_typed_first(
    predictor: Predictor, text: str, first: str
) -> None:
    for end in range(1, len(text) + 1):  # typed a letter at a time, as the editor asks
        strip = predictor.suggest(text[:end])
    assert strip[0].word == first and not strip[0].correction
    assert predictor.autocorrection(text) is None


def test_the_built_in_keyboard_offers_no_pieced_together_words(predictor: Predictor) -> None:
    for text in ("I couldn't", "It's", "We'll", "That's", "let's", "I've"):
        strip = [s.word for s in predictor.suggest(text, exact=True)]
        assert not [w for w in strip if w.count("'") > 1 or "sH" in w], strip


def test_a_word_no_source_knows_far_below_the_best_leaves_its_place_empty() -> None:
    # "pageer" is demoted to 5% of 0.01 (0.0005), under UNKNOWN_FLOOR (1%) of "pages" (0.3).
    network = {"pages": 0.3, "page": 0.2, "pageer": 0.01}
    assert ranked("the pag", network, {}) == ["pages", "page"]
    # Known, or not that far below, a word keeps its place; never after a name's own spelling.
    assert ranked("the pag", {**network, "pageer": 0.1}, {}) == ["pages", "page", "pageer"]
    assert ranked("I use iOS", {"iOSe": 0.5, "iOS": 0.1}, {}) == ["iOS"]
    assert ranked("the ship", {"shipped": 0.3, "ship": 0.2, "shipping": 1e-5}, {})[-1] == "shipping"


@pytest.mark.parametrize(
    ("text", "possessive"),
    [
        ("but the logo'", "logo's"),
        ("ask Kirov\u2019", "Kirov\u2019s"),
        ("PLEASE ASK JOHN'", "JOHN'S"),  # in a text in capitals
        ("Have you seen the NASA'", "NASA's"),
    ],
)
def test_after_an_apostrophe_typed_the_possessive_fills_an_empty_place(
    predictor: Predictor, text: str, possessive: str
) -> None:
    """The model's pieces seldom go on from an apostrophe: the strip was empty at `the logo'`."""
    assert possessive in [s.word for s in predictor.suggest(text, 3)]


@pytest.mark.parametrize("text", ["the kids'", "I don'"])
def test_no_possessive_after_a_plural_s_or_a_contraction_s_start(
    predictor: Predictor, text: str
) -> None:
    words = [s.word for s in predictor.suggest(text, 3)]
    assert not any(word.endswith(("'s", "\u2019s")) for word in words), words
