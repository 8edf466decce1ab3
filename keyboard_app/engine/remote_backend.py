"""The engine's backend over a llama-server: the same sequences and logits, computed by the server.

`RemoteBackend` keeps, for every sequence id, the tokens its cells would hold in a local KV cache
(sharing and forgetting cells is bookkeeping here), so that the context, the sequence pool, the word
search, inline predictions and generation run unchanged. Each row whose logits are asked for becomes
one `/completion` request: the sequence's tokens as the prompt (it starts with `<|endoftext|>` as the
local engine's does; the server adds no BOS to a prompt of token ids), `n_predict` 1, `cache_prompt`
on the client's own slots (the server evaluates only what follows the prefix it holds), and `n_probs`
for the distribution. The rows of one batch (the word search's candidates) go out concurrently.

The server returns the top `n_probs` tokens only, so the distribution is rebuilt from them: the
tokens returned keep their log-probabilities; the mass left over goes to the others in proportion
to the model's own distribution at the start of a text (`prior`, asked for once, whole, when
connecting), and none of them gets more than the least likely token returned. The context (one
request per word: it changes only at word boundaries) asks for more tokens than a candidate, so
that the first pieces of the word being typed are nearly always among them; sampling asks for
all the tokens it may draw from (`Entry.top`, however many: the three continuations of a top-k of
200 too), so that it draws none that the rebuilt tail made up (unless banned tokens fill the
sampler's margin). docs/server.md has the measurements behind the numbers.

A request's time grows with the tokens the server has not seen yet: the client remembers the
prompt it last sent on each slot (the server holds it, `cache_prompt`), and a long text opened or
pasted is evaluated whole on the first keystroke after it (seconds on a CPU server). The time per
token is a generous guess until the server's own `timings` of a long evaluation tell it.

A row asked for with `Entry.exact` (`suggest(..., exact=True)`) is the whole distribution: every
token's probability as the server's model computes it, so the words are the local engine's. It costs
about 0.4 s a row here (the server serialising 50,257 probabilities, the client parsing them), hence
its own, longer timeout.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from keyboard_app.engine.backend import Entry
from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.numbers import is_finite_number, is_whole
from keyboard_app.engine.remote import ServerClient, ServerError
from keyboard_app.engine.sequences import MAIN_SEQ
from keyboard_app.engine.tokenizer import N_VOCAB, token_bytes

CONTEXT_PROBS = 1024  # tokens returned for the context's distribution (first pieces of any word)
CANDIDATE_PROBS = 128  # for a candidate's (its end chance and continuations)
WHOLE_ROW_TIMEOUT_S = 30.0  # a batch with a whole distribution (`Entry.exact`) in it
# Time allowed per token the server has not seen, on top of a keystroke's 1 s: a guess before the
# server's timings are known (a 12-layer GPT-2 on two busy CPU cores took 4-8 ms a token), then
# this many times what it measured (a loaded server is slower than it was a moment ago).
PREFILL_GUESS_MS = 10.0
PREFILL_MARGIN = 3.0
PREFILL_SAMPLE_MIN = 32  # evaluated tokens for the server's timings to say what a long text costs
MAX_REQUEST_TIMEOUT_S = 30.0
MIN_TAIL = 1e-12
# The largest left-out tokens among which the capped ones are looked for first (nearly always
# enough: a row's top tokens hold most of its mass).
CAP_SEARCH = 4096
LOGPROB_SLACK = 1e-3  # how far above 0 a log-probability may be, from the server's rounding
# The least log-probability a returned token keeps: one of e**-100 is as good as none, and a
# smaller one (-1e300 is finite) becomes -inf in the engine's float32 rows, and NaN from there.
LEAST_LOGPROB = -100.0
LogProbabilities = npt.NDArray[np.float32]


@lru_cache(maxsize=1)
def _partial_characters() -> list[list[int | bool]]:
    """GPT-2's tokens that are part of a multi-byte character, as `logit_bias` bans."""
    partial = []
    for token in range(N_VOCAB - 1):
        try:
            token_bytes(token).decode("utf-8")
        except UnicodeDecodeError:
            partial.append([token, False])
    return partial


def completion_body(
    prompt: list[int], slot: int, n_probs: int, whole_characters: bool = False
) -> dict[str, Any]:
    """A `/completion` request for the distribution after `prompt`, on `slot`; with
    `whole_characters`, no part of a multi-byte character is sampled (a ban of 344 tokens, which
    costs the server time: sent only after an answer came without probabilities)."""
    body: dict[str, Any] = {
        "prompt": prompt,
        "n_predict": 1,
        "n_probs": n_probs,
        "cache_prompt": True,
        "id_slot": slot,
        # Greedy, so the token the server samples (and discards) is the same at every ask; the
        # probabilities are the model's own softmax, taken before any sampler.
        "samplers": ["top_k"],
        "top_k": 1,
        # The timings say how fast the server evaluates a long text (`RemoteBackend`).
        "response_fields": ["completion_probabilities", "timings/prompt_n", "timings/prompt_ms"],
    }
    if whole_characters:
        body["logit_bias"] = _partial_characters()
    return body


def top_tokens(answer: Any) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """The token ids and log-probabilities of a `/completion` answer (empty when it has none)."""
    try:
        top = answer["completion_probabilities"][0]["top_logprobs"]
        ids = np.array([_token_id(item["id"]) for item in top], dtype=np.int64)
        logp = np.array([float(item["logprob"]) for item in top], dtype=np.float64)
    except (KeyError, IndexError, TypeError, ValueError, OverflowError):  # ints past 64 bits too
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    return ids, logp


def _token_id(value: Any) -> int:
    """A token id as JSON has it: a whole number (not 3.7, not true)."""
    if not is_whole(value):
        raise TypeError(f"a token id of {value!r}")
    return value


def answer_timeout(n_probs: int) -> float | None:
    """The timeout of a request for `n_probs` tokens: the client's own, but a whole distribution's
    is longer."""
    return WHOLE_ROW_TIMEOUT_S if n_probs >= N_VOCAB else None


def answered_top_tokens(
    client: ServerClient, body: dict[str, Any], answer: Any
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """The top tokens of `answer`, the server's answer to the `/completion` request `body`.
    llama-server holds back a sampled token that is part of a character and answers without
    probabilities: the request then goes once more with such tokens banned (the probabilities are
    the model's before any sampler, so the ban changes none). ServerError if there are still none
    or they are not GPT-2's."""
    ids, logp = top_tokens(answer)
    if ids.size == 0:
        n_probs = body["n_probs"]
        body = completion_body(body["prompt"], body["id_slot"], n_probs, True)
        ids, logp = top_tokens(client.post("/completion", body, answer_timeout(n_probs)))
    if ids.size == 0:
        raise ServerError(f"{client.address.url} answered without token probabilities.")
    if ids.min() < 0 or ids.max() >= N_VOCAB:
        raise ServerError(f"{client.address.url} answered with tokens outside GPT-2's vocabulary.")
    if np.unique(ids).size != ids.size:
        raise ServerError(f"{client.address.url} answered with a token twice.")
    # A log-probability is finite and at most 0 (a little above it: the server's rounding).
    if not (np.isfinite(logp).all() and logp.max() <= LOGPROB_SLACK):
        raise ServerError(f"{client.address.url} answered with probabilities that are not ones.")
    return ids, np.maximum(logp, LEAST_LOGPROB)


@dataclass(frozen=True)
class TailPrior:
    """The prior a row's left-out mass is shared by (the model's distribution at the start of a
    text), with what sharing needs, computed once: the weights, their sum, and their order,
    largest first."""

    logp: LogProbabilities
    weights: npt.NDArray[np.float64]
    total: float
    order: npt.NDArray[np.int64]

    @classmethod
    def of(cls, logp: LogProbabilities) -> TailPrior:
        weights = np.exp(logp.astype(np.float64))
        return cls(logp, weights, float(weights.sum()), np.argsort(-weights, kind="stable"))


def distribution_from_top(
    ids: npt.NDArray[np.int64], logp: npt.NDArray[np.float64], prior: TailPrior
) -> LogProbabilities:
    """Log-probabilities over the vocabulary from the top tokens returned: the rest of the mass
    shared in proportion to the prior, each at most the least likely token returned, and what a
    capped token cannot take shared among the others (water-filling), so that the row sums to 1
    and a returned token keeps the server's probability wherever the row is normalised. (All at
    the cap when the rest cannot fit under it.)"""
    rest = max(1.0 - float(np.exp(logp).sum()), MIN_TAIL)
    cap = float(np.exp(logp.min()))
    free_total = max(prior.total - float(prior.weights[ids].sum()), MIN_TAIL)
    capped, factor = _capped_largest(ids, rest, cap, free_total, prior)
    out: LogProbabilities = prior.logp + np.float32(np.log(max(factor, MIN_TAIL * MIN_TAIL)))
    out[capped] = np.float32(np.log(cap))
    out[ids] = logp
    return out


def _capped_largest(
    ids: npt.NDArray[np.int64], rest: float, cap: float, free_total: float, prior: TailPrior
) -> tuple[npt.NDArray[np.int64], float]:
    """The left-out tokens held at `cap` and the factor by which the others' weights are their
    share: with the m largest capped, the others share what is left by weight; m is the first
    count for which the largest of the others stays under the cap. Looked for among the largest
    weights first (the capped ones are among them), then among all."""
    for reach in (CAP_SEARCH, prior.weights.size):
        head = prior.order[: reach + ids.size]
        head = head[~np.isin(head, ids)][:reach]  # the largest left-out tokens, in order
        weights = prior.weights[head]
        # The weight from each token on: what lies beyond the head, plus the head's from there
        # (summed from the small end: subtracting from the total loses them to rounding).
        beyond = max(free_total - float(weights.sum()), 0.0)
        uncapped = beyond + np.cumsum(weights[::-1])[::-1]
        fits = weights * (rest - cap * np.arange(weights.size)) <= cap * uncapped
        if fits.any():
            m = int(np.argmax(fits))
            return head[:m], (rest - cap * m) / uncapped[m]
    return prior.order[~np.isin(prior.order, ids)], 0.0  # all at the cap: the rest cannot fit


class RemoteBackend:
    """The `DecodingBackend` of a llama-server. Owned by one thread, like `LlamaBackend`."""

    approximate = True  # a row not asked for `exact` is rebuilt from the server's top tokens

    def __init__(
        self,
        client: ServerClient,
        *,
        n_ctx: int,
        n_vocab: int,
        n_seq: int,
        slots: list[int],
        prior: LogProbabilities,
    ) -> None:
        self.client = client
        self.prior = TailPrior.of(prior)
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
        self._on_slot: dict[int, Sequence[int]] = {}  # the prompt last answered on each slot
        self.prefill_ms_per_token = PREFILL_GUESS_MS  # time allowed per token not yet on a slot

    @property
    def device(self) -> str:
        return f"server {self.client.address.url}"

    def decode(self, entries: list[Entry]) -> None:
        """Place the entries' tokens in their sequences' cells, then ask the server for the
        logits of every row that wants them, all rows at once."""
        if not entries:
            return
        asked: list[tuple[int, list[int], int]] = []  # (row, prompt, tokens wanted)
        for row, entry in enumerate(entries):
            if not 0 <= entry.pos < self.n_ctx or not 0 <= entry.seq < self.n_seq:
                raise ModelError(f"internal error: position {entry.pos} is outside the context")
            cells = self._cells[entry.seq]
            if entry.pos > len(cells):
                raise ModelError(f"internal error: a gap before position {entry.pos}")
            del cells[entry.pos :]
            cells.append(entry.token)
            if entry.logits:
                asked.append((row, list(cells), self.tokens_held(entry)))
        self._rows = {}
        if asked:
            self._fetch(asked)
        self.tokens_decoded += len(entries)

    def tokens_held(self, entry: Entry) -> int:
        """How many top tokens the server is asked for the row of `entry`: all of them with
        `exact`; for a sampler's row (`top`, on any sequence) as many as it may draw from, so
        that it draws the server's tokens, not ones the rebuilt tail made up (all of them from
        `top` the vocabulary on); for the word search's, the context's or a candidate's share."""
        if entry.exact:
            return self.n_vocab
        if entry.top:
            return min(entry.top, self.n_vocab)
        return CONTEXT_PROBS if entry.seq == MAIN_SEQ else CANDIDATE_PROBS

    def _fetch(self, asked: list[tuple[int, list[int], int]]) -> None:
        bodies = [
            completion_body(prompt, self.slots[i % len(self.slots)], n_probs)
            for i, (_, prompt, n_probs) in enumerate(asked)
        ]
        most = max(n_probs for _, _, n_probs in asked)
        started = time.perf_counter()
        answers = self.client.post_many("/completion", bodies, self._timeout(bodies, most))
        if len(asked) == 1:
            self._round_trips.append((time.perf_counter() - started) * 1000)
        for (row, _, _), body, answer in zip(asked, bodies, answers, strict=True):
            ids, logp = answered_top_tokens(self.client, body, answer)
            self._rows[row] = distribution_from_top(ids, logp, self.prior)
            self._on_slot[body["id_slot"]] = body["prompt"]
            self._learn_speed(answer)

    def _timeout(self, bodies: list[dict[str, Any]], n_probs: int) -> float:
        """The time for a batch of requests (sent at once): a keystroke's, and more for the
        tokens of the longest text the server has not seen (a whole distribution's is longer)."""
        if answer_timeout(n_probs) is not None:
            return WHOLE_ROW_TIMEOUT_S
        unseen = max(self._unseen(body["id_slot"], body["prompt"]) for body in bodies)
        extra = unseen * self.prefill_ms_per_token / 1000
        return min(self.client.timeout + extra, MAX_REQUEST_TIMEOUT_S)

    def _unseen(self, slot: int, prompt: list[int]) -> int:
        """The tokens of `prompt` past what the slot holds from the last prompt answered on it."""
        held = self._on_slot.get(slot, ())
        n = min(len(held), len(prompt))
        differ = np.flatnonzero(np.asarray(held[:n]) != np.asarray(prompt[:n]))
        return len(prompt) - (int(differ[0]) if differ.size else n)

    def _learn_speed(self, answer: Any) -> None:
        """The time per token allowed from now on, from the server's timings of a long
        evaluation (a short one's time per token is mostly a decode's fixed cost)."""
        if not isinstance(answer, dict):
            return
        count, spent = answer.get("timings/prompt_n"), answer.get("timings/prompt_ms")
        if is_whole(count, PREFILL_SAMPLE_MIN) and is_finite_number(spent) and spent >= 0:
            self.prefill_ms_per_token = PREFILL_MARGIN * spent / count

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
