"""Context building, trimming and KV-cache reuse."""

import pytest

from keyboard_app.engine import Predictor
from keyboard_app.engine.context import TRAINED_MODEL_NAME, build_context, common_prefix_length
from keyboard_app.engine.sampling import SamplingParams
from keyboard_app.engine.tokenizer import END_OF_TEXT_ID, encode_user_text, token_bytes
from keyboard_app.engine.words import split_typed_word
from keyboard_app.engine.wordsearch import NEXT_WORD_BUDGET
from tests.model_factory import token_id, write_bigram_model, write_random_model

PASSAGE = (
    "The museum opened its doors early on Saturday morning, and by nine o'clock a long line of "
    "families had already formed along the river. Most of them had come to see the exhibition."
)
ODD_TEXTS = [
    "",
    "x" * 200_000,
    "word " * 40_000,
    "日本語のテキスト" * 20_000,
    "😀🎉👍🏽" * 30_000,
    "<|endoftext|>" * 5_000,
    "\x00\x01\x1b[31m\u202e\ufeff" * 10_000,
    "a\n\n\n" * 50_000,
]


@pytest.mark.parametrize("text", ODD_TEXTS, ids=range(len(ODD_TEXTS)))
@pytest.mark.parametrize("n_ctx,reserve", [(1024, 64), (64, 16), (32, 8)])
def test_context_always_fits_and_starts_with_end_of_text(text, n_ctx, reserve):
    context = build_context(text, n_ctx, reserve)
    assert context[0] == END_OF_TEXT_ID
    assert 1 <= len(context) <= n_ctx - reserve
    assert END_OF_TEXT_ID not in context[1:]  # a typed <|endoftext|> is text, never the token


def test_short_text_is_kept_whole():
    assert build_context(PASSAGE, 1024, 64) == [END_OF_TEXT_ID, *encode_user_text(PASSAGE)]


@pytest.mark.parametrize("n_ctx,reserve", [(1024, 64), (256, 64), (64, 16)])
@pytest.mark.parametrize("repeat", [30, 45, 60, 2000])
def test_trimming_keeps_as_much_as_fits(n_ctx, reserve, repeat):
    text = "one two three four five six seven " * repeat
    context = build_context(text, n_ctx, reserve)
    full = len(encode_user_text(text)) + 1
    assert min(full, (n_ctx - reserve) // 2) <= len(context) <= n_ctx - reserve


def test_trimming_keeps_the_end_of_the_text():
    text = "start " + "filler words here " * 2000 + "the very end"
    context = build_context(text, 256, 16)
    tail = encode_user_text(" the very end")
    assert context[-len(tail) :] == tail


def test_window_start_is_stable_while_typing():
    """Trimming moves in coarse steps, so the cached prefix survives most keystrokes."""
    text = "lorem ipsum dolor sit amet " * 400
    changed = 0
    previous = build_context(text, 256, 16)
    for extra in range(1, 200):
        current = build_context(text + "x" * extra, 256, 16)
        changed += common_prefix_length(previous, current) < len(previous) - 2
        previous = current
    assert changed <= 3


@pytest.mark.parametrize("typed", ["", " and", " and more"])
def test_a_text_trimmed_inside_a_word_starts_after_the_next_space(typed):
    """The chunk boundary falls inside a word: the window starts at the next word, so that the
    model never reads half a word ("ational") as the first of its text."""
    text = "x" + " international" * 100 + typed  # 3 tokens a word: under the token budget
    context = build_context(text, 64, 16)
    kept = b"".join(token_bytes(token) for token in context[1:]).decode("utf-8")
    assert len(kept) < len(text) and text.endswith(kept)
    assert text[-len(kept) - 1] == " " and kept.startswith("international")


def evaluated(predictor: Predictor) -> int:
    return predictor.stats().context_tokens_evaluated


def test_typing_evaluates_only_the_new_tokens(random_model):
    with Predictor.load(random_model) as predictor:
        predictor.suggest(PASSAGE[:40])
        before = evaluated(predictor)
        for end in range(41, len(PASSAGE) + 1):
            previous = predictor.suggestion_context(PASSAGE[: end - 1])
            current = predictor.suggestion_context(PASSAGE[:end])
            counted = evaluated(predictor)
            predictor.suggest(PASSAGE[:end])
            new = evaluated(predictor) - counted
            shared = common_prefix_length(previous, current)
            # At most the new tokens: fewer when a finished word's pieces were decoded as a
            # candidate while it was typed (their cells are taken over).
            assert new <= max(len(current) - shared, 0 if current == previous else 1)
            assert new <= 3
            assert predictor.stats().cached_context_tokens == len(current)
        total = evaluated(predictor) - before
    assert total < len(current) * 1.5  # typing ~180 characters costs about one pass, not 180


def test_dropping_the_cache_evaluates_the_next_text_from_scratch(random_model):
    with Predictor.load(random_model) as predictor:
        predictor.sources = []  # the network alone (the mixer can vary: test_suggest.py)
        expected = predictor.suggest(PASSAGE, exact=True)
        context = predictor.suggestion_context(PASSAGE)
        predictor.drop_cache()
        assert predictor.stats().cached_context_tokens == 0
        before = evaluated(predictor)
        assert predictor.suggest(PASSAGE, exact=True) == expected
        assert evaluated(predictor) - before == len(context)


def test_odd_documents_never_crash_or_overflow(short_context_model):
    params = SamplingParams(max_tokens=5, seed=1)
    with Predictor.load(short_context_model) as predictor:
        for text in ODD_TEXTS:
            predictor.suggest(text)
            predictor.explore(text)
            assert predictor.stats().cached_context_tokens <= 64
            pieces = list(predictor.continue_text(text, params))
            assert len(pieces) <= 5 + 1  # a character cut short comes out when the stream ends


def test_candidate_cells_are_given_back_before_the_context_changes(tmp_path):
    """The cache holds as many cells as the model has positions (256 here, llama.cpp's smallest):
    candidate words' copies of an old context must not crowd out a new one."""
    model = write_random_model(tmp_path / "ctx256.gguf", n_ctx=256)
    long_text = PASSAGE * 4
    texts = [long_text + " wor", long_text[:-40] + " th", long_text[:-20] + " "]
    with Predictor.load(model) as predictor:
        for text in texts * 2:
            assert predictor.suggest(text, k=3, exact=True)
            context = predictor.suggestion_context(text)
            assert len(context) > 256 // 2
            # Another whole window, evaluated while the candidates above hold their cells.
            other = "A different story altogether. " * 30
            assert len(predictor.suggestion_context(other)) > 256 // 2
            assert predictor.explore(other)
            predictor.drop_cache()
            probabilities = predictor.next_token_probabilities(split_typed_word(text).boundary)
            assert predictor.stats().cached_context_tokens == len(context)
            assert probabilities.sum() == pytest.approx(1.0)


def test_a_word_typed_out_is_not_evaluated_again(bigram_model):
    """Its piece was decoded as a candidate while it was typed: the next word starts for free."""
    spec = {" your": {" help": 9.0}, " help": {" with": 9.0}}
    with Predictor.load(bigram_model(spec)) as predictor:
        predictor.suggest("Thank you for your hel")
        before = predictor.stats()
        found = predictor.suggest("Thank you for your help ")
        after = predictor.stats()
        context = predictor.suggestion_context("Thank you for your help ")
    assert context[-1] == token_id(" help")
    assert after.context_tokens_evaluated == before.context_tokens_evaluated
    assert after.cached_context_tokens == len(context)  # " help" is in the cache all the same
    assert found[0].word == "with"
    assert after.tokens_decoded - before.tokens_decoded <= NEXT_WORD_BUDGET


def test_a_model_that_never_saw_a_blank_line_reads_one_as_a_line_break():
    hi = encode_user_text("Hi Sarah,")
    for text in ("Hi Sarah,\n\n", "Hi Sarah,\n\n\n"):
        assert build_context(text, 256, 8, blank_lines=False) == [END_OF_TEXT_ID, *hi, 198]
    assert build_context("Hi Sarah,\n\n", 256, 8)[-1] == token_id("\n\n")  # GPT-2 knows it


@pytest.mark.parametrize(("name", "next_word"), [(TRAINED_MODEL_NAME, "Thanks"), ("GPT-2", "Te")])
def test_the_models_trained_here_read_a_blank_line_as_a_line_break(tmp_path, name, next_word):
    """`keyboard-app train` joins a text's paragraphs with one line break: its models (the
    built-in one) never saw a blank line's token, and guess word pieces after it."""
    spec = {"\n": {"Thanks": 9.0}, "\n\n": {"Te": 9.0}}
    model = write_bigram_model(tmp_path / "model.gguf", spec, name=name)
    with Predictor.load(model, use_dictionary=False) as predictor:
        assert predictor.explore("Hi Sarah,\n\n", 1)[0].token == next_word
        assert predictor.suggest("Hi Sarah,\n\n", 1)[0].word == next_word
        params = SamplingParams(max_tokens=1, top_k=1)
        assert "".join(predictor.continue_text("Hi Sarah,\n\n", params)) == next_word
