"""The engine's backend over a llama-server: the same sequences and logits, computed by the server.

`RemoteBackend` keeps, for every sequence id, the tokens its cells would hold in a local KV cache
(sharing and forgetting cells is bookkeeping here), so that the context, the sequence pool, the word
search, inline predictions and generation run unchanged. Each row whose logits are asked for becomes
one `/completion` request: the sequence's tokens as the prompt (it starts with `<|endoftext|>` as the
local engine's does; the server adds no BOS to a prompt of token ids), `n_predict` 1, `cache_prompt`
on the client's own slots (the server evaluates only what follows the prefix it holds), and `n_probs`
for the distribution. The rows of one batch (the word search's candidates) go out concurrently.

The server returns the top `n_probs` tokens only, so the distribution is rebuilt from them: the
tokens returned keep their log-probabilities; the mass left over is spread evenly over the others.
The context (one request per word: it changes only at word boundaries) asks for many more tokens
than a candidate, so that the first pieces of the word being typed are nearly always among them.
"""

from __future__ import annotations

import math
import time
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from keyboard_app.engine.backend import Entry
from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.remote import ServerClient, ServerError
from keyboard_app.engine.sequences import MAIN_SEQ
from keyboard_app.engine.tokenizer import N_VOCAB, token_bytes

CONTEXT_PROBS = 4096  # tokens returned for the context's distribution (first pieces of any word)
CANDIDATE_PROBS = 256  # for a candidate's (its end chance and continuations)
MIN_TAIL = 1e-12


@lru_cache(maxsize=1)
def _partial_characters() -> list[list[int | bool]]:
    """GPT-2's tokens that are part of a multi-byte character, never to be sampled: llama-server
    holds such a token back until its character is complete, and with `n_predict` 1 it would
    then answer without probabilities. (The probabilities returned are the model's before any
    sampler, so banning them changes none.)"""
    partial = []
    for token in range(N_VOCAB - 1):
        try:
            token_bytes(token).decode("utf-8")
        except UnicodeDecodeError:
            partial.append([token, False])
    return partial


def completion_body(prompt: list[int], slot: int, n_probs: int) -> dict[str, Any]:
    """A `/completion` request for the distribution after `prompt`, on `slot`."""
    return {
        "prompt": prompt,
        "n_predict": 1,
        "n_probs": n_probs,
        "cache_prompt": True,
        "id_slot": slot,
        "temperature": -1.0,  # greedy: the probabilities are the model's own softmax
        "samplers": [],
        "logit_bias": _partial_characters(),
        "response_fields": ["completion_probabilities"],
    }


class RemoteBackend:
    """The `DecodingBackend` of a llama-server. Owned by one thread, like `LlamaBackend`."""

    def __init__(
        self, client: ServerClient, *, n_ctx: int, n_vocab: int, n_seq: int, slots: list[int]
    ) -> None:
        self.client = client
        self.n_ctx = n_ctx
        self.n_vocab = n_vocab
        self.n_seq = n_seq
        self.n_batch = min(512, n_ctx)
        self.n_threads = 0
        self.n_gpu_layers = 0
        self.slots = slots
        self.tokens_decoded = 0
        self._cells: list[list[int]] = [[] for _ in range(n_seq)]
        self._rows: dict[int, npt.NDArray[np.float32]] = {}
        self._round_trips: list[float] = []

    @property
    def device(self) -> str:
        return f"server {self.client.address.url}"

    def decode(self, entries: list[Entry]) -> None:
        """Place the entries' tokens in their sequences' cells, then ask the server for the
        logits of every row that wants them, all rows at once."""
        if not entries:
            return
        asked: list[tuple[int, list[int], int]] = []  # (row, prompt, sequence)
        for row, entry in enumerate(entries):
            if not 0 <= entry.pos < self.n_ctx or not 0 <= entry.seq < self.n_seq:
                raise ModelError(f"internal error: position {entry.pos} is outside the context")
            cells = self._cells[entry.seq]
            if entry.pos > len(cells):
                raise ModelError(f"internal error: a gap before position {entry.pos}")
            del cells[entry.pos :]
            cells.append(entry.token)
            if entry.logits:
                asked.append((row, list(cells), entry.seq))
        self._rows = {}
        if asked:
            self._fetch(asked)
        self.tokens_decoded += len(entries)

    def _fetch(self, asked: list[tuple[int, list[int], int]]) -> None:
        bodies = [
            completion_body(
                prompt,
                self.slots[i % len(self.slots)],
                CONTEXT_PROBS if seq == MAIN_SEQ else CANDIDATE_PROBS,
            )
            for i, (_, prompt, seq) in enumerate(asked)
        ]
        started = time.perf_counter()
        answers = self.client.post_many("/completion", bodies)
        if len(asked) == 1:
            self._round_trips.append((time.perf_counter() - started) * 1000)
        for (row, _, _), answer in zip(asked, answers, strict=True):
            self._rows[row] = self._distribution(answer)

    def _distribution(self, answer: Any) -> npt.NDArray[np.float32]:
        """Log-probabilities over the vocabulary from the server's top tokens."""
        try:
            top = answer["completion_probabilities"][0]["top_logprobs"]
            ids = np.array([int(item["id"]) for item in top], dtype=np.int64)
            logp = np.array([float(item["logprob"]) for item in top], dtype=np.float64)
        except (KeyError, IndexError, TypeError, ValueError) as error:
            raise ServerError("The server's answer has no token probabilities.") from error
        if ids.size == 0 or ids.min() < 0 or ids.max() >= self.n_vocab:
            raise ServerError("The server's answer has token ids outside GPT-2's vocabulary.")
        rest = max(1.0 - float(np.exp(logp).sum()), MIN_TAIL)
        unseen = max(self.n_vocab - ids.size, 1)
        out = np.full(self.n_vocab, math.log(rest / unseen), dtype=np.float32)
        out[ids] = logp
        return out

    def logits(self, index: int) -> npt.NDArray[np.float32]:
        """The `index`-th entry's log-probabilities (as logits: the engine normalises them)."""
        row = self._rows.get(index)
        if row is None:
            raise ModelError("internal error: no logits for that token")
        copy: npt.NDArray[np.float32] = row.copy()  # the caller may change it
        return copy

    def forget(self, seq: int, start: int = -1) -> None:
        del self._cells[seq][max(start, 0) :]

    def share(self, source: int, target: int, start: int = -1) -> None:
        begin = max(start, 0)
        self._cells[target] = self._cells[target][:begin] + self._cells[source][begin:]

    def reset_timings(self) -> None:
        self._round_trips.clear()

    def single_token_decode_ms(self) -> float:
        """The mean round trip of a single-row request since the last reset (network included)."""
        trips = self._round_trips
        return sum(trips) / len(trips) if trips else 0.0

    def close(self) -> None:
        self.client.close()
