"""Instant answers (no decode) and the work ahead, on a model whose probabilities are known."""

import threading

from keyboard_app.engine import Predictor
from tests.engine.test_suggest import DEFAULT, SPEC

TEXT = "I would like to thank you for your"


def _decoded(predictor: Predictor) -> int:
    return predictor.stats().tokens_decoded


def test_instant_answers_match_the_typed_letters_without_a_decode(bigram_model):
    with Predictor.load(bigram_model(SPEC, DEFAULT)) as predictor:
        predictor.suggest(TEXT + " ")  # the model has decoded the context and its candidates
        before = _decoded(predictor)
        for typed in ("h", "he", "hel", "help"):
            found = predictor.suggest(TEXT + " " + typed, k=3, instant=True)
            assert found and found[0].word.startswith(typed), typed
            # Completions of the letters, and corrections of them marked as such ("held").
            assert all(s.word.startswith(typed) or s.correction for s in found), (typed, found)
        assert _decoded(predictor) == before  # not one token decoded


def test_instant_answer_agrees_with_the_refined_one_once_it_is_decoded(bigram_model):
    with Predictor.load(bigram_model(SPEC, DEFAULT)) as predictor:
        exact = [s.word for s in predictor.suggest(TEXT + " hel", k=3, exact=True)]
        before = _decoded(predictor)
        instant = [s.word for s in predictor.suggest(TEXT + " hel", k=3, instant=True)]
        assert _decoded(predictor) == before
    assert instant == exact


def test_instant_answer_before_any_decode_comes_from_the_other_sources(bigram_model):
    with Predictor.load(bigram_model(SPEC, DEFAULT)) as predictor:
        found = predictor.suggest("The weather is ni", k=3, instant=True)
        assert _decoded(predictor) == 0
    # The trigrams' and the dictionary's completions, and corrections marked as such ("in").
    assert found and all(s.word.startswith("ni") or s.correction for s in found)
    assert found[0].word.startswith("ni")


def test_instant_answers_after_a_word_typed_out_use_what_was_decoded_ahead(bigram_model):
    with Predictor.load(bigram_model(SPEC, DEFAULT)) as predictor:
        predictor.suggest(TEXT + " th")
        while predictor.prefetch(TEXT + " th"):
            pass
        before = _decoded(predictor)
        words = [s.word for s in predictor.suggest(TEXT + " the ", k=1, instant=True)]
        assert _decoded(predictor) == before
    assert words == ["cat"]  # " the" -> " cat", decoded ahead after the likely word


def test_work_ahead_is_bounded_and_only_for_the_last_text(bigram_model):
    with Predictor.load(bigram_model(SPEC, DEFAULT)) as predictor:
        assert not predictor.prefetch(TEXT + " he")  # nothing suggested yet for that text
        predictor.suggest(TEXT + " he")
        steps = 0
        while predictor.prefetch(TEXT + " he"):
            steps += 1
            assert steps < 50
        assert steps > 0
        assert not predictor.prefetch(TEXT + " hel")  # not the last suggested text
        # Afterwards the next keystroke needs no decode beyond the step's own.
        before = _decoded(predictor)
        predictor.suggest(TEXT + " hel", k=3)
        assert _decoded(predictor) - before <= 1


def test_instant_answers_run_while_another_thread_decodes(bigram_model):
    """The instant call reads frozen state only: it runs beside the decoding thread."""
    with Predictor.load(bigram_model(SPEC, DEFAULT)) as predictor:
        predictor.suggest(TEXT + " ")
        stop = threading.Event()
        errors: list[BaseException] = []

        def decode() -> None:
            try:
                for i in range(40):
                    predictor.suggest(TEXT + " " + "hel"[: i % 4], k=3, exact=True)
            except BaseException as error:  # reported below
                errors.append(error)
            finally:
                stop.set()

        thread = threading.Thread(target=decode)
        thread.start()
        answers = 0
        while not stop.is_set() or answers < 5:
            words = [s.word for s in predictor.suggest(TEXT + " he", k=3, instant=True)]
            assert all(word.startswith("he") for word in words)
            answers += 1
        thread.join()
    assert not errors


def test_work_ahead_makes_the_word_typed_out_and_the_space_free(bigram_model):
    model = bigram_model(SPEC, DEFAULT)
    with Predictor.load(model, use_dictionary=False) as fresh:
        expected = fresh.suggest("for your the ", k=1)
    with Predictor.load(model, use_dictionary=False) as predictor:
        predictor.suggest("for your th", k=1)
        while predictor.prefetch("for your th"):
            pass
        before = _decoded(predictor)
        assert predictor.suggest("for your the", k=1)[0].word == "the"
        got = predictor.suggest("for your the ", k=1)
        assert _decoded(predictor) == before  # the word's cells and the next word were ahead
    assert [s.word for s in got] == [s.word for s in expected]
    assert abs(got[0].probability - expected[0].probability) < 1e-6


def test_a_superseded_request_decodes_its_context_only_and_publishes_it(bigram_model):
    """A newer keystroke waits: no candidate is decoded for this one, and what was decoded (the
    context's distribution) is there for the instant answers at once."""
    text = TEXT + " he"
    with Predictor.load(bigram_model(SPEC, DEFAULT)) as predictor:
        words = [s.word for s in predictor.suggest(text, superseded=lambda: True)]
        stats = predictor.stats()
        assert stats.tokens_decoded == stats.context_tokens_evaluated  # no candidate decoded
        knowledge = predictor.network.knowledge
        assert knowledge is not None
        assert list(knowledge.context) == predictor.suggestion_context(text)
        assert all(word.startswith("he") for word in words)
        predictor.suggest(text)  # not superseded: the candidates too
        assert predictor.stats().tokens_decoded > stats.tokens_decoded


def test_the_context_is_published_before_the_candidates_are_decoded(bigram_model):
    text = TEXT + " he"
    with Predictor.load(bigram_model(SPEC, DEFAULT)) as predictor:
        seen: list[tuple[int, ...]] = []

        def asked() -> bool:  # asked before each batch of candidates
            knowledge = predictor.network.knowledge
            seen.append(() if knowledge is None else knowledge.context)
            return False

        predictor.suggest(text, superseded=asked)
        assert seen and seen[0] == tuple(predictor.suggestion_context(text))


def test_work_ahead_first_readies_the_word_typed_so_far_whatever_the_model_expects(bigram_model):
    """ "zebra" is no word the model expects here, yet a space after it costs no context decode:
    the work ahead decoded the letters typed so far as a word first."""
    with Predictor.load(bigram_model(SPEC, DEFAULT), use_dictionary=False) as predictor:
        predictor.suggest("for your zebra", k=1)
        assert predictor.prefetch("for your zebra")  # one step: the word's pieces
        before = predictor.stats().context_tokens_evaluated
        predictor.suggest("for your zebra ", k=1)
        assert predictor.stats().context_tokens_evaluated == before


def test_the_next_words_instant_answer_agrees_with_the_exact_one_on_the_builtin_model():
    """The built-in model's next words are mixed with its word trigrams over the network's six
    best, however many more an exact search found on the way (it found 11 after "well- ", the
    8th, "and", raised to second by the trigrams): the instant answer, which decodes nothing,
    mixes the same six."""
    with Predictor.load() as predictor:
        for text in ("well- ", "well ", "I think that ", "It was a "):
            exact = [s.word for s in predictor.suggest(text, k=3, exact=True)]
            instant = [s.word for s in predictor.suggest(text, k=3, instant=True)]
            assert instant == exact, text
