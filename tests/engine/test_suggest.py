"""Whole-word suggestions on a model whose probabilities are known exactly."""

import re

import numpy as np
import pytest

from keyboard_app.engine import Predictor
from keyboard_app.engine.words import WORDS, is_word, split_typed_word
from keyboard_app.engine.wordsearch import COMPLETION_BUDGET
from tests.model_factory import bigram_logits, token_id

# After " your": pieces that spell words starting with "hel", and one that does not.
SPEC = {
    " your": {" help": 4.0, " hello": 3.0, " hel": 3.5, " held": 2.0, " the": 5.0, " Hel": 1.0},
    " hel": {"ium": 5.0, "lo": 1.0, "met": 2.0},
    " help": {"ful": 2.0, ".": 6.0},
    "ium": {".": 8.0},
    "lo": {",": 8.0},
    " the": {" cat": 5.0},
}
DEFAULT = {".": 6.0, " and": 5.0}
# The test's own notion of a piece that continues a word: it starts with a letter or digit.
CONTINUES = re.compile(r"^[^\W_]")


def _softmax(row: np.ndarray) -> np.ndarray:
    e = np.exp(row - row.max())
    return e / e.sum()


@pytest.fixture
def expected_words():
    """Exact probability of each whole word after "your" + " hel...", computed independently."""
    from keyboard_app.engine.tokenizer import load_encoding

    classes, logits = bigram_logits(SPEC, DEFAULT)
    probs = {piece: _softmax(logits[classes[token_id(piece)]]) for piece in SPEC}
    default = _softmax(logits[0])
    texts = [load_encoding().decode_single_token_bytes(t) for t in range(load_encoding().n_vocab)]
    continues = np.array([bool(CONTINUES.match(t.decode("utf-8", "replace"))) for t in texts])

    def ends(dist: np.ndarray) -> float:
        return 1.0 - dist[continues].sum()

    def p(after: str, piece: str) -> float:
        return probs[after][token_id(piece)]

    return {
        "help": p(" your", " help") * ends(probs[" help"]),
        "hello": p(" your", " hello") * ends(default)
        + p(" your", " hel") * p(" hel", "lo") * ends(probs["lo"]),
        "helium": p(" your", " hel") * p(" hel", "ium") * ends(probs["ium"]),
        "helmet": p(" your", " hel") * p(" hel", "met") * ends(default),
        "held": p(" your", " held") * ends(default),
        "helpful": p(" your", " help") * p(" help", "ful") * ends(default),
    }


def test_completions_respect_the_typed_prefix_and_rank_by_true_probability(
    bigram_model, expected_words
):
    with Predictor.load(bigram_model(SPEC, DEFAULT)) as predictor:
        found = predictor.suggest("I would like to thank you for your hel", k=6, exact=True)
    # Ranked by probability; "hel" itself (what is already typed) only comes after every other word.
    ranked = sorted(expected_words.items(), key=lambda item: -item[1])
    assert [s.word for s in found] == [word for word, _ in ranked]
    for suggestion in found:
        assert suggestion.probability == pytest.approx(expected_words[suggestion.word], rel=1e-3)


def test_multi_token_words_are_assembled(bigram_model):
    with Predictor.load(bigram_model(SPEC, DEFAULT)) as predictor:
        words = [s.word for s in predictor.suggest("for your hel", k=6, exact=True)]
    assert "helium" in words  # " hel" + "ium"
    assert "helmet" in words  # " hel" + "met"


def test_each_keystroke_decodes_little_and_asking_again_converges_to_the_exact_ranking(
    bigram_model, expected_words
):
    text = "I would like to thank you for your hel"
    with Predictor.load(bigram_model(SPEC, DEFAULT)) as predictor:
        predictor.suggest(text[:-1])  # the keystroke before: the context is evaluated
        rounds = []
        while not rounds or rounds[-1][1] > 0:
            before = predictor.stats().tokens_decoded
            found = predictor.suggest(text, k=6)
            rounds.append((found, predictor.stats().tokens_decoded - before))
            assert len(rounds) < 20
    assert all(decoded <= COMPLETION_BUDGET for _, decoded in rounds)
    assert len(rounds) > 2  # the first call could not decode all it needed
    final = rounds[-1][0]
    ranked = sorted(expected_words.items(), key=lambda item: -item[1])
    assert [s.word for s in final] == [word for word, _ in ranked]
    # A word spelled two ways may miss a spelling less likely than the k-th word: no more.
    floor = min(expected_words.values())
    for suggestion in final:
        exact = expected_words[suggestion.word]
        assert exact - floor <= suggestion.probability <= exact * (1 + 1e-3)


def test_typed_case_is_kept(bigram_model):
    with Predictor.load(bigram_model(SPEC, DEFAULT)) as predictor:
        words = [s.word for s in predictor.suggest("for your Hel", k=3)]
    assert words and all(w.startswith("Hel") for w in words)
    assert words[0] == "Help"


def test_after_a_space_the_next_word_is_predicted(bigram_model):
    with Predictor.load(bigram_model(SPEC, DEFAULT)) as predictor:
        assert predictor.suggest("for your ", k=1)[0].word == "the"
        assert predictor.suggest("for the ", k=1)[0].word == "cat"


def test_suggestions_are_unique_words_sorted_by_probability(random_model):
    word = re.compile(r"^[^\W_](?:[^\W_]|['’-](?=[^\W_]))*$")
    texts = ["", "The ", "Hello, wor", "(", "It's a", "x\n", "3 + 4 = ", "naïve café ", "don'"]
    with Predictor.load(random_model) as predictor:
        for text in texts:
            found = predictor.suggest(text, k=5)
            assert found, text
            words = [s.word for s in found]
            assert len(set(words)) == len(words)
            assert all(word.match(w) for w in words), words
            probabilities = [s.probability for s in found]
            assert probabilities == sorted(probabilities, reverse=True)


def test_offensive_words_are_filtered_unless_typed_out(bigram_model):
    spec = {" your": {" shit": 9.0, " help": 4.0}}
    with Predictor.load(bigram_model(spec, DEFAULT)) as predictor:
        assert "shit" not in [s.word for s in predictor.suggest("for your ", k=3)]
        assert "shit" not in [s.word for s in predictor.suggest("for your sh", k=3)]
        assert "shit" in [s.word for s in predictor.suggest("for your shit", k=3)]
        assert " shit" not in [c.token for c in predictor.explore("for your", k=5)]
        assert " shit" not in [c.token for c in predictor.explore("for your ", k=5)]
        predictor.filter_offensive = False
        assert predictor.suggest("for your ", k=1)[0].word == "shit"


def test_everyday_words_of_the_offensive_list_are_offered_with_the_filter_on(bigram_model):
    spec = {" my": {" God": 9.0, " shit": 8.5, " help": 4.0}, " to": {" kill": 9.0, " help": 4.0}}
    with Predictor.load(bigram_model(spec, DEFAULT)) as predictor:
        assert [s.word for s in predictor.suggest("Oh my ", k=2)] == ["God", "help"]
        assert predictor.suggest("Time to k", k=1)[0].word == "kill"
        assert [c.token for c in predictor.explore("Time to", k=1)] == [" kill"]


def test_single_letters_other_than_a_and_i_are_not_suggested(bigram_model):
    spec = {' "': {"f": 9.0, "B": 8.5, "I": 8.0, "a": 7.5, "The": 7.0, "We": 6.5}}
    with Predictor.load(bigram_model(spec, DEFAULT)) as predictor:
        words = [s.word for s in predictor.suggest('She said "', k=4, exact=True)]
        assert words == ["I", "a", "The", "We"]
        assert "f" in [s.word for s in predictor.suggest('She said "f', k=3, exact=True)]


def test_what_earlier_keystrokes_left_in_the_cache_does_not_change_the_answer(random_model):
    text = "The museum opened its doors early on Saturday morn"
    with Predictor.load(random_model) as fresh:
        expected = fresh.suggest(text, k=8, exact=True)
    with Predictor.load(random_model) as typing:
        for end in range(len(text) - 8, len(text)):
            typing.suggest(text[:end], k=8)  # budgeted, filling the cache (more than it holds)
        found = typing.suggest(text, k=8, exact=True)
    assert [s.word for s in found] == [s.word for s in expected]
    for got, want in zip(found, expected, strict=True):
        assert got.probability == pytest.approx(want.probability, rel=1e-2)  # batch numerics


def test_a_word_search_repeated_on_the_same_text_gives_the_same_words(random_model):
    text = "The museum opened its doors early on Saturday morning, and by nine"
    with Predictor.load(random_model) as predictor:
        predictor.sources = []
        first = predictor.suggest(text + " ", k=3, exact=True)
        assert predictor.suggest(text + " ", k=3, exact=True) == first


def test_exact_suggestions_with_the_dictionary_do_not_depend_on_what_was_asked_before(
    random_model,
):
    text = (
        "The museum opened its doors early on Saturday morning, and by nine o'clock a long line "
        "of families had already formed along the river. Most of them had come to see the "
        "exhibition."
    )
    with Predictor.load(random_model) as predictor:
        first = [s.word for s in predictor.suggest(text, k=3, exact=True)]
        again = [s.word for s in predictor.suggest(text, k=3, exact=True)]
    with Predictor.load(random_model) as fresh:
        fresh.suggest(text[:-1], k=3)  # another keystroke first
        after_typing = [s.word for s in fresh.suggest(text, k=3, exact=True)]
    assert first == again == after_typing


@pytest.mark.parametrize("k", [0, -1])
def test_asking_for_fewer_than_one_word_or_token_is_refused(random_model, k):
    with Predictor.load(random_model) as predictor:
        with pytest.raises(ValueError, match="k must be at least 1"):
            predictor.suggest("Hello wor", k=k)
        with pytest.raises(ValueError, match="k must be at least 1"):
            predictor.explore("Hello", k=k)


def test_letters_with_combining_marks_are_one_word():
    """ "résumé" written with combining accents (U+0301), as macOS writes file names, and the vowel
    signs of Indic scripts: part of their word, never its end."""
    nfd = "re\u0301sume\u0301"
    assert WORDS.findall(
        f"my {nfd}, Nguye\u0302\u0303n and \u0928\u092e\u0938\u094d\u0924\u0947"
    ) == [
        "my",
        nfd,
        "Nguye\u0302\u0303n",
        "and",
        "\u0928\u092e\u0938\u094d\u0924\u0947",
    ]
    assert split_typed_word("my re\u0301sum").typed == "re\u0301sum"
    assert is_word(nfd) and not is_word("\u0301sum")  # a mark cannot start a word


def test_letters_typed_with_combining_marks_are_read_composed(random_model, tmp_path):
    store = tmp_path / "personal.sqlite3"
    with Predictor.load(random_model, personal=store) as predictor:
        predictor.learn("My re\u0301sume\u0301 and my re\u0301sume\u0301 again.")
        typed = [s.word for s in predictor.suggest("Send my re\u0301su", k=5, exact=True)]
        composed = [s.word for s in predictor.suggest("Send my résu", k=5, exact=True)]
        assert typed == composed and "résumé" in typed
        assert predictor.personal_store is not None
        assert [e.text for e in predictor.personal_store.entries(search="sum")][:1] == ["résumé"]
