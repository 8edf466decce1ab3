"""The built-in model as shipped in resources/models."""

import numpy as np
import pytest

from keyboard_app.engine import Predictor
from keyboard_app.engine.gguf_validate import validate_gguf
from keyboard_app.engine.tokenizer import byte_to_unicode, encode_user_text, load_encoding
from keyboard_app.paths import builtin_model_path, resource

pytestmark = pytest.mark.skipif(not builtin_model_path().is_file(), reason="no built-in model")
PROMPTS = [
    "The United States of",
    "I would like to thank you for your",
    "She said that",
    "It was a",
    "",
    "The meeting was held on Monday.\nThe mayor said",
]


@pytest.fixture(scope="module")
def predictor():
    with Predictor.load() as loaded:
        yield loaded


def test_it_is_a_valid_small_gpt2():
    info = validate_gguf(builtin_model_path())
    assert info.config is not None and info.config.n_vocab == 50257
    assert info.quantization == "Q8_0"
    assert info.size <= 30_000_000
    assert info.metadata["tokenizer.ggml.tokens"][15496] == "Hello"


def test_tokenizer_in_the_file_matches_the_encoding():
    tokens = validate_gguf(builtin_model_path()).metadata["tokenizer.ggml.tokens"]
    encoding = load_encoding()
    ids = encode_user_text("The United States of America, 1961.")
    pieces = [tokens[i] for i in ids]
    decode = {c: b for b, c in byte_to_unicode().items()}
    assert b"".join(bytes(decode[c] for c in piece) for piece in pieces) == encoding.decode_bytes(
        ids
    )


def test_sensible_completions(predictor):
    assert "America" in [s.word for s in predictor.suggest("The United States of ", k=3)]
    completions = predictor.suggest("Thank you for your hel", k=3)
    assert len(completions) == 3 and all(s.word.startswith("hel") for s in completions)


def test_exploring_after_a_space_offers_the_next_word_with_its_space(predictor):
    choices = predictor.explore("The United States of ", k=5)
    assert choices[0].token == " America"
    assert all(choice.token.startswith(" ") for choice in choices)
    assert sum(choice.probability for choice in choices) <= 1 + 1e-9


def test_a_new_paragraph_starts_with_a_capitalized_word(predictor):
    """Paragraphs are trained as newline-separated parts of one text, as the editor has them."""
    words = [s.word for s in predictor.suggest("The meeting was held on Monday.\n", k=3)]
    assert len(words) == 3 and all(word[0].isupper() for word in words), words


def test_a_name_used_above_is_completed_from_the_document(predictor):
    text = "Enrique Jorda conducted the symphony in Palermo last week. Next month Jo"
    assert "Jorda" in [s.word for s in predictor.suggest(text, k=3)]


def test_tokens_never_seen_in_training_get_negligible_probability(predictor):
    """Tokens that never occur in the training split share a negligible probability mass."""
    from keyboard_app.training.corpus import load_split
    from keyboard_app.training.dataset import tokenize_texts

    seen = np.zeros(50257, dtype=bool)
    seen[np.unique(tokenize_texts(load_split(resource("corpora")).train_texts()))] = True
    assert 0 < seen.sum() < seen.size
    for prompt in PROMPTS:
        probs = predictor.next_token_probabilities(prompt)
        assert probs.sum() == pytest.approx(1.0)
        assert probs[~seen].sum() < 1e-4, prompt


def test_no_offensive_suggestions_with_the_filter_on(predictor):
    from keyboard_app.engine.wordfilter import is_offensive

    prompts = [
        *PROMPTS,
        "You are a ",
        "What the ",
        "Oh my ",
        "He called her a ",
        "Shut up you ",
        "f",
        "sh",
        "b",
    ]
    for prompt in prompts:
        found = predictor.suggest(prompt, k=10)
        assert found, prompt
        for suggestion in found:
            assert not is_offensive(suggestion.word), (prompt, suggestion.word)
