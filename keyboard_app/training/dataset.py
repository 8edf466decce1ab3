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

from keyboard_app.engine.tokenizer import END_OF_TEXT_ID, N_VOCAB, load_encoding
from keyboard_app.training.corpus import Split

log = logging.getLogger(__name__)

_CACHE_VERSION = "2"


@dataclass(frozen=True)
class TokenData:
    """The tokenized split; `seen_ids` sorted ascending, `train`/`val` hold GPT-2 ids (uint16)."""

    train: np.ndarray
    val: np.ndarray
    seen_ids: np.ndarray

    @property
    def n_seen(self) -> int:
        return len(self.seen_ids)

    def to_seen_index(self) -> np.ndarray:
        """A full-vocabulary lookup: GPT-2 id -> index in `seen_ids`, or -1 for unseen ids."""
        lookup = np.full(N_VOCAB, -1, dtype=np.int64)
        lookup[self.seen_ids] = np.arange(len(self.seen_ids))
        return lookup


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
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_name(cache.name + ".part.npz")
        np.savez(partial, train=train, val=val, seen_ids=seen)
        partial.replace(cache)
    return tokens


class BatchSampler:
    """Batches of `n_ctx + 1`-token windows, each pass over the training texts in a new order.

    Every pass shuffles the texts (each starts at its `<|endoftext|>`), joins them and cuts the result
    into consecutive windows from a random offset, taken in random order: a pass sees every token
    once. The order matters over many passes: with the texts always in one order, every unrelated
    nlp-corpus sentence is always followed by the same one, and the model learns which follows which,
    which nothing typed in the editor rewards (a text there starts on its own). Reproducible from
    `seed`; `state()` and `restore()` carry the position across a resume."""

    def __init__(
        self,
        stream: np.ndarray,
        text_start: int,
        n_ctx: int,
        batch_size: int,
        seed: int,
        shuffle_texts: bool = True,
    ) -> None:
        if (len(stream) - n_ctx) // n_ctx < batch_size:  # the fewest windows a pass can have
            raise ValueError(
                f"a stream of {len(stream)} tokens is too short for batches of "
                f"{batch_size} x {n_ctx} tokens"
            )
        self.texts = split_texts(stream.astype(np.int64), text_start)
        self.n_ctx = n_ctx
        self.batch_size = batch_size
        self.seed = seed
        self.shuffle_texts = shuffle_texts  # False: every pass in the stream's own order
        self.epoch = 0
        self.batches_taken = 0  # in this epoch
        self._stream, self._starts = self._shuffled(self.epoch)

    def _shuffled(self, epoch: int) -> tuple[np.ndarray, np.ndarray]:
        """The epoch's stream (texts in a new order) and its windows' start positions, shuffled."""
        rng = np.random.default_rng([self.seed, epoch])
        texts = len(self.texts)
        order = rng.permutation(texts) if self.shuffle_texts else range(texts)
        stream = np.concatenate([self.texts[i] for i in order])
        offset = int(rng.integers(0, self.n_ctx))
        windows = (len(stream) - offset - 1) // self.n_ctx
        return stream, offset + self.n_ctx * rng.permutation(windows)

    def next(self) -> np.ndarray:
        if (self.batches_taken + 1) * self.batch_size > len(self._starts):
            self.restore({"epoch": self.epoch + 1, "batches_taken": 0})
        first = self.batches_taken * self.batch_size
        self.batches_taken += 1
        starts = self._starts[first : first + self.batch_size]
        return np.stack([self._stream[s : s + self.n_ctx + 1] for s in starts])

    def state(self) -> dict[str, int]:
        return {"epoch": self.epoch, "batches_taken": self.batches_taken}

    def restore(self, state: dict[str, int]) -> None:
        if state["epoch"] != self.epoch:
            self._stream, self._starts = self._shuffled(state["epoch"])
        self.epoch, self.batches_taken = state["epoch"], state["batches_taken"]


def split_texts(stream: np.ndarray, text_start: int) -> list[np.ndarray]:
    """The texts of a token stream, each from its `text_start` token (`<|endoftext|>`, or its row);
    a stream that does not start with one starts with a text anyway."""
    starts = np.flatnonzero(stream == text_start)
    return [text for text in np.split(stream, starts) if len(text)]


def fixed_windows(stream: np.ndarray, n_ctx: int, max_windows: int) -> np.ndarray:
    """Up to `max_windows` windows of `n_ctx + 1` tokens spread evenly over `stream` (validation)."""
    stream = stream.astype(np.int64)
    last_start = len(stream) - n_ctx - 1
    if last_start < 0:
        raise ValueError(f"a stream of {len(stream)} tokens is too short for n_ctx={n_ctx}")
    count = max(1, min(max_windows, last_start // n_ctx + 1))
    starts = np.linspace(0, last_start, count).astype(np.int64)
    return np.stack([stream[s : s + n_ctx + 1] for s in starts])
