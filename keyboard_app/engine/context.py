"""The model's view of the text: `<|endoftext|>` then the text before the cursor, trimmed from the
left to fit, and evaluated incrementally on the backend's main sequence (KV-cache reuse).

Trimming is done in coarse steps (whole chunks of characters, then whole chunks of tokens) so that the
start of the window stays put while the user types, and the cache keeps being reused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from keyboard_app.engine.backend import DecodingBackend, Entry
from keyboard_app.engine.sequences import MAIN_SEQ, SequencePool
from keyboard_app.engine.tokenizer import END_OF_TEXT_ID, encode_user_text
from keyboard_app.engine.window import CHARS_PER_TOKEN_BOUND

CHAR_CHUNK = 2048
TOKEN_CHUNK = 128
# What `keyboard-app train` names the models it makes (the built-in one among them). They were
# trained on paragraphs joined by one line break: a blank line's token ("\n\n") is one they never
# saw, which leaves them guessing word pieces after it (`Hi Sarah,\n\nT`: Te, Ton, Ter).
TRAINED_MODEL_NAME = "keyboard-app built-in GPT-2"
_LINE_BREAKS = re.compile("\n{2,}")


def build_context(text: str, n_ctx: int, reserve: int, *, blank_lines: bool = True) -> list[int]:
    """`[<|endoftext|>] + tokens of the end of text`, at most `n_ctx - reserve` long, whatever the
    text; for a model that never saw a blank line (not `blank_lines`), each run of line breaks
    read as one."""
    budget = n_ctx - reserve - 1
    if budget < 1:
        raise ValueError(f"a context of {n_ctx} cannot keep {reserve} positions in reserve")
    if not blank_lines:
        text = _LINE_BREAKS.sub("\n", text)
    tokens = encode_user_text(_tail(text, budget * CHARS_PER_TOKEN_BOUND))
    excess = len(tokens) - budget
    if excess > 0:
        step = max(1, min(TOKEN_CHUNK, budget // 2))
        dropped = -(-excess // step) * step  # whole chunks, so the start stays put while typing
        tokens = tokens[dropped:]
    return [END_OF_TEXT_ID, *tokens]


def _tail(text: str, limit: int) -> str:
    """The end of `text`, at most `limit` characters, starting at a chunk-aligned offset (so it stays
    put while the user types) and just after a space when there is one nearby."""
    if len(text) <= limit:
        return text
    chunk = min(CHAR_CHUNK, limit // 2)
    start = -(-(len(text) - limit) // chunk) * chunk
    space = text.find(" ", start, start + 64)
    return text[space + 1 if space >= 0 else start :]


def common_prefix_length(a: Sequence[object], b: Sequence[object]) -> int:
    """How many items (tokens, letters) `a` and `b` start with in common."""
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


class MainSequence:
    """The main sequence: the evaluated context, reused from one request to the next. Before its
    cells change, the pool takes back every sequence lent out (they copied its cells)."""

    def __init__(self, backend: DecodingBackend, pool: SequencePool) -> None:
        self.backend = backend
        self.pool = pool
        self.tokens: list[int] = []
        self.tokens_evaluated = 0
        self._last_logits: npt.NDArray[np.float32] | None = None
        self._last_held = 0  # how many of the last logits' likeliest tokens are the model's
        self._adopted = False  # whether the last logits are a candidate's, taken over (`adopt`)
        self._last_exact = False  # whether the last logits are the model's own (`Entry.exact`)

    def evaluate(
        self, tokens: list[int], top: int = 0, exact: bool = False
    ) -> npt.NDArray[np.float32]:
        """Logits after the last of `tokens`, evaluating only what follows the shared prefix
        (`top`, `exact`: as `Entry`'s)."""
        if not tokens or len(tokens) > self.backend.n_ctx:
            raise ValueError(f"cannot evaluate {len(tokens)} tokens in this context")
        if tokens == self.tokens and self._covers(top, exact):  # the usual case: one word's keys
            assert self._last_logits is not None
            return self._last_logits
        keep = min(common_prefix_length(self.tokens, tokens), len(tokens) - 1)
        self._truncate(keep)
        for start in range(keep, len(tokens), self.backend.n_batch):
            chunk = tokens[start : start + self.backend.n_batch]
            last = start + len(chunk) == len(tokens)
            entries = [Entry(t, start + i, MAIN_SEQ) for i, t in enumerate(chunk)]
            if last:
                entries[-1] = Entry(
                    chunk[-1], len(tokens) - 1, MAIN_SEQ, logits=True, top=top, exact=exact
                )
            self.backend.decode(entries)
            self.tokens.extend(chunk)
            self.tokens_evaluated += len(chunk)
        self._last_logits = self.backend.logits(len(chunk) - 1)
        self._last_held = self.backend.tokens_held(entries[-1])
        self._last_exact = exact or not self.backend.approximate
        self._adopted = False
        return self._last_logits

    def _covers(self, top: int, exact: bool) -> bool:
        """Whether the last logits are there and hold as many of the model's own likeliest tokens
        as a row asked for with `top` and `exact` would (a server's row holds fewer than the
        vocabulary unless `exact`: a sampler with no top-k limit needs them all). The word search
        takes an adopted candidate's row as it is, however few tokens a server gave for it, so
        that a finished word costs no request; a sampler does not."""
        if self._last_logits is None or (exact and not self._last_exact):
            return False
        if self._adopted and top == 0 and not exact:
            return True
        asked = Entry(self.tokens[-1], len(self.tokens) - 1, MAIN_SEQ, True, top, exact)
        return self.backend.tokens_held(asked) <= self._last_held

    def reset(self) -> None:
        """Forget everything (the next request is evaluated from scratch)."""
        self._truncate(0)

    def adopt(self, tokens: list[int], donor: int, logits: npt.NDArray[np.float32]) -> None:
        """Extend the sequence to `tokens` with the cells of sequence `donor`, which already
        evaluated the new tokens right after this sequence's (a candidate word, typed out since):
        nothing is decoded. `logits` are the donor's after the last of them."""
        if tokens[: len(self.tokens)] != self.tokens:
            raise ValueError("only an extension of the evaluated tokens can be adopted")
        self.backend.share(donor, MAIN_SEQ, len(self.tokens))
        self.tokens = list(tokens)
        self._last_logits = logits
        self._last_held = self.backend.tokens_held(Entry(tokens[-1], len(tokens) - 1, donor, True))
        self._last_exact = not self.backend.approximate
        self._adopted = True

    def _truncate(self, keep: int) -> None:
        self.pool.take_back_all()
        self.backend.forget(MAIN_SEQ, keep)
        del self.tokens[keep:]
        self._last_logits = None

    def append(self, token: int, top: int = 0) -> npt.NDArray[np.float32]:
        return self.evaluate([*self.tokens, token], top)
