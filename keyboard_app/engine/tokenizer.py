"""GPT-2's byte-pair tokenizer: tiktoken's `gpt2` encoding, built offline from resources/gpt2.

tiktoken would download (and cache) the vocabulary files; we build the identical encoding from the
copies we ship, so nothing is fetched and nothing is written.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import tiktoken
from tiktoken_ext.openai_public import r50k_pat_str

from keyboard_app.paths import gpt2_vocab_dir

END_OF_TEXT = "<|endoftext|>"
END_OF_TEXT_ID = 50256
N_VOCAB = 50257


def byte_to_unicode() -> dict[int, str]:
    """GPT-2's reversible map from bytes to printable characters (as in `encoder.json`)."""
    printable = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    mapping = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in mapping:
            mapping[b] = chr(256 + extra)
            extra += 1
    return mapping


def read_vocabulary(vocab_dir: Path) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """`encoder.json` (token string -> id) and the merges of `vocab.bpe`, as GPT-2 wrote them."""
    encoder: dict[str, int] = json.loads((vocab_dir / "encoder.json").read_text("utf-8"))
    lines = (vocab_dir / "vocab.bpe").read_text("utf-8").split("\n")
    merges = [(a, b) for a, b in (line.split(" ") for line in lines[1:] if line)]
    return encoder, merges


def _mergeable_ranks(encoder: dict[str, int]) -> dict[bytes, int]:
    decode_char = {c: b for b, c in byte_to_unicode().items()}
    return {
        bytes(decode_char[c] for c in token): rank
        for token, rank in encoder.items()
        if token != END_OF_TEXT
    }


@lru_cache(maxsize=4)
def load_encoding(vocab_dir: Path | None = None) -> tiktoken.Encoding:
    """The GPT-2 encoding, identical to `tiktoken.get_encoding("gpt2")`, without any download."""
    encoder, _ = read_vocabulary(vocab_dir or gpt2_vocab_dir())
    return tiktoken.Encoding(
        name="gpt2",
        explicit_n_vocab=N_VOCAB,
        pat_str=r50k_pat_str,
        mergeable_ranks=_mergeable_ranks(encoder),
        special_tokens={END_OF_TEXT: END_OF_TEXT_ID},
    )


def encode_user_text(text: str) -> list[int]:
    """Encode text typed by a person: a literal `<|endoftext|>` is ordinary text, never the token."""
    return load_encoding().encode_ordinary(text)


def token_bytes(token_id: int) -> bytes:
    return load_encoding().decode_single_token_bytes(token_id)
