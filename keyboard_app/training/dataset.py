"""Token streams for training: the split tokenized with GPT-2's encoding, cached as numpy arrays.

Every text of the split (a Brown file's paragraphs joined by newlines, or one nlp-corpus sentence) is
preceded by `<|endoftext|>`, exactly as the predictor feeds what a person types:
`[<|endoftext|>] + tokens of the text`. The *seen vocabulary* is the set of
token ids that occur in the training stream; the model is trained over those ids only, and the
export gives every other id a negligible probability.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from keyboard_app.engine.tokenizer import END_OF_TEXT_ID, load_encoding
from keyboard_app.files import atomic_path
from keyboard_app.training.corpus import Split

log = logging.getLogger(__name__)

_CACHE_VERSION = "2"


@dataclass(frozen=True)
class TokenData:
    """The tokenized split; `seen_ids` sorted ascending, `train`/`val` hold GPT-2 ids (uint16)."""

    train: np.ndarray
    val: np.ndarray
    seen_ids: np.ndarray


def tokenize_texts(texts: list[str]) -> np.ndarray:
    """`<|endoftext|>` + tokens of each text, concatenated, as uint16."""
    encoding = load_encoding()
    pieces = encoding.encode_ordinary_batch(texts, num_threads=1)
    total = sum(len(p) + 1 for p in pieces)
    out = np.empty(total, dtype=np.uint16)
    pos = 0
    for piece in pieces:
        out[pos] = END_OF_TEXT_ID
        out[pos + 1 : pos + 1 + len(piece)] = piece
        pos += len(piece) + 1
    return out


def _split_key(split: Split) -> str:
    digest = hashlib.sha256(_CACHE_VERSION.encode())
    for part, docs in (("train", split.train), ("heldout", split.heldout)):
        for doc in docs:
            digest.update(f"{part}\0{doc.doc_id}\0{doc.continuous}\0".encode())
            for unit in doc.units:
                digest.update(unit.encode("utf-8") + b"\n")
    return digest.hexdigest()[:16]


def build_token_data(split: Split, cache_dir: Path | None = None) -> TokenData:
    """Tokenize the split, or load it from `cache_dir` when this exact split was tokenized before."""
    cache = Path(cache_dir) / f"tokens-{_split_key(split)}.npz" if cache_dir else None
    if cache is not None and cache.is_file():
        with np.load(cache) as data:
            log.info("token cache %s", cache)
            return TokenData(data["train"], data["val"], data["seen_ids"])
    train = tokenize_texts(split.train_texts())
    val = tokenize_texts(split.heldout_texts())
    seen = np.unique(train).astype(np.int64)
    tokens = TokenData(train, val, seen)
    log.info(
        "tokens: %d train, %d validation, %d distinct ids seen in training",
        len(train),
        len(val),
        len(seen),
    )
    if cache is not None:
        # Through an open file: given a path, NumPy would add `.npz` to the temporary name.
        with atomic_path(cache) as temporary, temporary.open("wb") as out:
            np.savez(out, train=train, val=val, seen_ids=seen)
    return tokens


class BatchSampler:
    """Random windows of `n_ctx + 1` tokens from a stream, reproducible from `seed`."""

    def __init__(self, stream: np.ndarray, n_ctx: int, batch_size: int, seed: int) -> None:
        if len(stream) <= n_ctx + 1:
            raise ValueError(f"a stream of {len(stream)} tokens is too short for n_ctx={n_ctx}")
        self.stream = stream.astype(np.int64)
        self.n_ctx = n_ctx
        self.batch_size = batch_size
        self.rng = np.random.default_rng(seed)

    def next(self) -> np.ndarray:
        starts = self.rng.integers(0, len(self.stream) - self.n_ctx - 1, self.batch_size)
        return np.stack([self.stream[s : s + self.n_ctx + 1] for s in starts])


def fixed_windows(stream: np.ndarray, n_ctx: int, max_windows: int) -> np.ndarray:
    """Up to `max_windows` windows of `n_ctx + 1` tokens spread evenly over `stream` (validation)."""
    stream = stream.astype(np.int64)
    last_start = len(stream) - n_ctx - 1
    if last_start < 0:
        raise ValueError(f"a stream of {len(stream)} tokens is too short for n_ctx={n_ctx}")
    count = max(1, min(max_windows, last_start // n_ctx + 1))
    starts = np.linspace(0, last_start, count).astype(np.int64)
    return np.stack([stream[s : s + n_ctx + 1] for s in starts])
