"""Sampled continuations: one loop for one continuation and for several side by side.

The loop owns the rules every continuation follows: token healing (a text ending in one space is
continued from before it, with a first token that starts with a space, whose space is not shown),
the offensive-word ban, the incremental UTF-8 decoding (a character split over tokens comes out
whole; a stream that ends in the middle of one, at its token limit or at `<|endoftext|>`, drops
those bytes, as stopping it does, and so do bytes that make no character at all, such as a
character's first bytes followed by another character's: no U+FFFD goes into the text),
`<|endoftext|>` ending a stream but never sampled first (a continuation asked for gives at least
one token: right after a full stop GPT-2 finds the end of the text likelier than anything else,
and most continuations there came out empty), and the stop event checked before every token.
What differs is how a chosen token is evaluated: one continuation runs on the main sequence and
slides its window when the context is full; several run on borrowed sequences, one batch per
token, all of them within half the context.
"""

from __future__ import annotations

import codecs
import logging
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from keyboard_app.engine.backend import Entry
from keyboard_app.engine.context import MainSequence, build_context
from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.sampling import SamplingParams, sample_token
from keyboard_app.engine.tokenizer import END_OF_TEXT_ID, token_bytes
from keyboard_app.engine.window import heals_trailing_space
from keyboard_app.engine.words import PieceTable

log = logging.getLogger(__name__)
MAX_ALTERNATIVES = 8
Logits = npt.NDArray[np.float32]


def healed(text: str) -> tuple[str, bool]:
    """The text the model is run on, and whether its trailing space was healed."""
    return (text[:-1], True) if heals_trailing_space(text) else (text, False)


@dataclass
class _Stream:
    index: int
    rng: np.random.Generator
    logits: Logits
    written: str = ""
    decoder: codecs.IncrementalDecoder = field(
        # Bytes that are no UTF-8 (a character's first bytes followed by another's: the model
        # sampled pieces of two characters) are dropped, as are those of an unfinished one.
        default_factory=lambda: codecs.getincrementaldecoder("utf-8")(errors="ignore")
    )


@dataclass(frozen=True)
class _Bans:
    healed: bool  # the first token must start with a space, which is not shown
    first: npt.NDArray[np.bool_] | None  # tokens never sampled first
    rest: npt.NDArray[np.bool_] | None  # tokens never sampled after


# Evaluates each stream's chosen token at `step` and sets the stream's next logits.
Advance = Callable[[list[tuple[_Stream, int]], int], None]


class Continuations:
    """Continuations of the user's text on one model (owned by the Predictor's thread)."""

    def __init__(self, main: MainSequence, table: PieceTable, blank_lines: bool = True) -> None:
        self._main = main
        self._table = table
        self._blank_lines = blank_lines  # whether the model knows them (`build_context`)
        self._end_of_text = np.zeros(table.n_vocab, dtype=np.bool_)
        self._end_of_text[END_OF_TEXT_ID] = True

    def _context(self, text: str, n_ctx: int, reserve: int) -> list[int]:
        return build_context(text, n_ctx, reserve, blank_lines=self._blank_lines)

    def continuation(
        self, text: str, params: SamplingParams, stop: threading.Event | None, filtered: bool
    ) -> Generator[str, None, None]:
        """One continuation, on the main sequence; past the context, the window slides (the
        latest half of the text is kept and re-evaluated)."""
        n_ctx = self._main.backend.n_ctx
        text, heal = healed(text)
        top = params.tokens_read
        context = self._context(text, n_ctx, min(params.max_tokens, n_ctx // 2))
        stream = _Stream(0, np.random.default_rng(params.seed), self._main.evaluate(context, top))

        def advance(chosen: list[tuple[_Stream, int]], step: int) -> None:
            for item, token in chosen:
                if len(self._main.tokens) >= n_ctx:
                    context = self._context(text + item.written, n_ctx, n_ctx // 2)
                    item.logits = self._main.evaluate(context, top)
                else:
                    item.logits = self._main.append(token, top)

        bans = self._bans(heal, filtered)
        for _, piece in self._run([stream], params, params.max_tokens, bans, stop, advance):
            yield piece

    def alternatives(
        self,
        text: str,
        n: int,
        params: SamplingParams,
        stop: threading.Event | None,
        filtered: bool,
    ) -> Generator[tuple[int, str], None, None]:
        """`n` continuations decoded together, each on a sequence borrowed from the pool, streamed
        as `(index, piece)`; together they take at most half the context (no sliding): the
        sequences share the text's cells, but each new token takes a cell of the context's."""
        if not 1 <= n <= MAX_ALTERNATIVES:
            raise ModelError(f"Between 1 and {MAX_ALTERNATIVES} alternatives can be asked for.")
        n_ctx = self._main.backend.n_ctx
        max_tokens = min(params.max_tokens, n_ctx // (2 * n))
        text, heal = healed(text)
        context = self._context(text, n_ctx, n * max_tokens)
        first = self._main.evaluate(context, params.tokens_read)
        rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(params.seed).spawn(n)]
        streams = [_Stream(i, rng, first) for i, rng in enumerate(rngs)]
        bans = self._bans(heal, filtered)
        return self._alternatives(streams, len(context), params, max_tokens, bans, stop)

    def _alternatives(
        self,
        streams: list[_Stream],
        base: int,
        params: SamplingParams,
        max_tokens: int,
        bans: _Bans,
        stop: threading.Event | None,
    ) -> Generator[tuple[int, str], None, None]:
        pool, backend = self._main.pool, self._main.backend
        pool.take_back_all()  # the candidate words' sequences: the alternatives need them
        borrowed = [pool.borrow() for _ in streams]
        sequences = [seq for seq in borrowed if seq is not None]
        if len(sequences) < len(streams):
            raise ModelError("internal error: not enough sequences for the alternatives")

        def advance(chosen: list[tuple[_Stream, int]], step: int) -> None:
            entries = [
                Entry(
                    token, base + step, sequences[item.index], logits=True, top=params.tokens_read
                )
                for item, token in chosen
            ]
            backend.decode(entries)
            for row, (item, _) in enumerate(chosen):
                item.logits = backend.logits(row)

        try:
            yield from self._run(streams, params, max_tokens, bans, stop, advance)
        finally:
            for seq in sequences:
                pool.give_back(seq)

    def _run(
        self,
        streams: list[_Stream],
        params: SamplingParams,
        max_tokens: int,
        bans: _Bans,
        stop: threading.Event | None,
        advance: Advance,
    ) -> Generator[tuple[int, str], None, None]:
        alive = list(streams)
        for step in range(max_tokens):
            if (stop is not None and stop.is_set()) or not alive:
                return
            banned = bans.first if step == 0 else bans.rest
            chosen: list[tuple[_Stream, int]] = []
            for stream in list(alive):
                token = sample_token(stream.logits, params, stream.rng, banned)
                if token == END_OF_TEXT_ID:
                    alive.remove(stream)
                    _drop_incomplete(stream)
                    continue
                piece = stream.decoder.decode(token_bytes(token))
                stream.written += piece
                shown = piece[1:] if bans.healed and step == 0 else piece
                if shown:
                    yield stream.index, shown
                chosen.append((stream, token))
            if chosen and step + 1 < max_tokens:
                advance(chosen, step)
        for stream in alive:
            _drop_incomplete(stream)

    def _bans(self, heal: bool, filtered: bool) -> _Bans:
        """Tokens never to sample: offensive ones (with the filter on); first, `<|endoftext|>` and,
        right after a healed trailing space, every token that does not start with a space."""
        rest = self._table.offensive if filtered else None
        first = self._end_of_text if rest is None else rest | self._end_of_text
        if heal:
            first = first | ~self._table.spaced
        return _Bans(heal, first, rest)


def _drop_incomplete(stream: _Stream) -> None:
    """The bytes of a character the stream ended in the middle of are dropped: they are no
    text (decoded, they would be U+FFFD)."""
    held, _ = stream.decoder.getstate()
    if held:
        log.debug("a continuation ended inside a character: %d byte(s) dropped", len(held))
