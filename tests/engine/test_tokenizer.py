"""The offline tokenizer is tiktoken's GPT-2 encoding, built from the shipped vocabulary files."""

import hashlib
import itertools
import json

import regex

from keyboard_app.engine.tokenizer import (
    END_OF_TEXT,
    END_OF_TEXT_ID,
    encode_user_text,
    load_encoding,
)
from keyboard_app.paths import gpt2_vocab_dir

# The hashes tiktoken pins for GPT-2's vocabulary files.
HASHES = {
    "encoder.json": "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783",
    "vocab.bpe": "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5",
}
SAMPLES = [
    "Hello world",
    "I would like to thank you for your help.",
    "  leading spaces, tabs\tand\nnewlines\n\n",
    "Don't you think it's 3.14159? ¿Qué tal? naïve café",
    "日本語のテキストと😀 emoji 👍🏽",
    "<|endoftext|> is just text here",
]


def test_vocabulary_files_are_the_ones_tiktoken_pins():
    for name, digest in HASHES.items():
        assert hashlib.sha256((gpt2_vocab_dir() / name).read_bytes()).hexdigest() == digest


def _reference_bpe_encode(text: str) -> list[int]:
    """GPT-2's original encoder.py algorithm, independent of tiktoken."""
    from keyboard_app.engine.tokenizer import byte_to_unicode

    encoder = json.loads((gpt2_vocab_dir() / "encoder.json").read_text("utf-8"))
    merges = (gpt2_vocab_dir() / "vocab.bpe").read_text("utf-8").split("\n")[1:-1]
    ranks = {tuple(m.split()): i for i, m in enumerate(merges)}
    to_unicode = byte_to_unicode()
    pattern = regex.compile(
        r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
    )
    ids = []
    for piece in pattern.findall(text):
        word = [to_unicode[b] for b in piece.encode("utf-8")]
        while len(word) > 1:
            pairs = set(itertools.pairwise(word))
            best = min(pairs, key=lambda p: ranks.get(p, float("inf")))
            if best not in ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        ids.extend(encoder[w] for w in word)
    return ids


def test_encoding_matches_the_reference_algorithm():
    for text in SAMPLES:
        assert encode_user_text(text) == _reference_bpe_encode(text), text


def test_known_ids_and_round_trip():
    encoding = load_encoding()
    assert encoding.n_vocab == 50257
    assert encode_user_text("Hello world") == [15496, 995]
    for text in SAMPLES:
        assert encoding.decode(encode_user_text(text)) == text


def test_typed_end_of_text_is_ordinary_text():
    ids = encode_user_text(f"a {END_OF_TEXT} b")
    assert END_OF_TEXT_ID not in ids
    assert load_encoding().decode(ids) == f"a {END_OF_TEXT} b"
