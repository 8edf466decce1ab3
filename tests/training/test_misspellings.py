"""The table of common misspellings built from codespell's list."""

from keyboard_app import paths
from keyboard_app.training.misspellings import misspelling_lines, parse_pairs


def test_only_misspellings_of_small_letters_with_one_correction_are_read():
    lines = [
        "definetly->definitely",
        "wether->weather, whether,",  # several corrections: the model says which
        "alot->a lot, allot,",
        "Teh->The",
        "2nd->second",
        "havnt->haven't",
        "chasin->chasing",  # a g dropped on purpose, as speech drops it
        "same->same",
        "not a pair",
    ]
    assert parse_pairs(lines) == {"definetly": "definitely", "havnt": "haven't"}


def test_the_table_keeps_corrections_the_word_list_has_for_words_it_lacks():
    pairs = {"definetly": "definitely", "shepard": "shepherd", "abck": "aback", "teh": "the"}
    words = {"definitely", "shepherd", "shepard", "the"}
    assert misspelling_lines(pairs, words) == ["definetly\tdefinitely", "teh\tthe"]
    assert misspelling_lines(pairs, words, foreign={"teh"}) == ["definetly\tdefinitely"]


def test_the_shipped_table_is_consistent_with_the_shipped_word_list():
    words = {
        line.partition("\t")[0].lower()
        for line in paths.lexicon_path().read_text("utf-8").splitlines()
    }
    table = paths.misspellings_path().read_text("utf-8").splitlines()
    pairs = [line.split("\t") for line in table]
    assert len(pairs) > 50_000 and table == sorted(table)
    assert all(typo not in words and fix in words for typo, fix in pairs)
    assert ["definetly", "definitely"] in pairs and ["buisness", "business"] in pairs
    # German, Dutch, French, Polish, Turkish, Indonesian, Tagalog, Swedish words; dropped g's
    foreign = {"vor", "stil", "persistant", "nowe", "grup", "sistem", "puting", "vill"}
    assert not (foreign | {"chasin", "servin", "usin"}) & {typo for typo, _ in pairs}
