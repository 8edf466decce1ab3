"""The engine's public face: suggest whole words, explore next tokens, continue the text."""

from __future__ import annotations

import codecs
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from keyboard_app.engine.backend import Entry, LlamaBackend
from keyboard_app.engine.context import MAIN_SEQ, MainSequence, build_context
from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.gguf_validate import validate_gguf
from keyboard_app.engine.lexicon import DocumentWords, Lexicon, blend, load_lexicon
from keyboard_app.engine.sampling import SamplingParams, log_softmax, sample_token
from keyboard_app.engine.tokenizer import END_OF_TEXT_ID, token_bytes
from keyboard_app.engine.trigrams import WordTrigrams, load_trigrams, mix_next_words
from keyboard_app.engine.words import PieceTable, split_typed_word
from keyboard_app.engine.wordsearch import SEQUENCES, WordSearch, rank
from keyboard_app.paths import builtin_model_path, lexicon_path, trigrams_path

log = logging.getLogger(__name__)
SUGGEST_RESERVE = 64
MAX_ALTERNATIVES = 8
MAX_WORD_LENGTH = 48
DOCUMENT_WORDS_WINDOW = 4000  # characters before the cursor whose words count as known


@dataclass(frozen=True)
class Suggestion:
    word: str
    probability: float


@dataclass(frozen=True)
class TokenChoice:
    token: str
    token_id: int
    probability: float


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: Path
    size_bytes: int
    quantization: str
    n_layer: int
    n_embd: int
    n_ctx: int
    device: str
    n_threads: int
    n_gpu_layers: int


@lru_cache(maxsize=1)
def _piece_table() -> PieceTable:
    return PieceTable()


@lru_cache(maxsize=1)
def _document_words(text: str) -> DocumentWords:
    """The words of `text`: the same text for every keystroke of a word, read once."""
    return DocumentWords.of(text)


def _heal_trailing_space(text: str) -> tuple[str, bool]:
    """GPT-2 writes a space as part of the next word (" the"), so a text ending in one space is
    continued from before that space, with a first token that starts with a space (token healing)."""
    if text.endswith(" ") and not text.endswith("  "):
        return text[:-1], True
    return text, False


def _readable(piece: bytes) -> str:
    """A token's text; a token that is part of a multi-byte character shows its bytes (`\\xe6`)."""
    return piece.decode("utf-8", "backslashreplace")


class Predictor:
    """GPT-2 predictions for one model. Not thread-safe: one thread owns a Predictor."""

    def __init__(
        self,
        backend: LlamaBackend,
        info: ModelInfo,
        filter_offensive: bool,
        lexicon: Lexicon | None = None,
        trigrams: WordTrigrams | None = None,
    ) -> None:
        self._backend = backend
        self.info = info
        self.filter_offensive = filter_offensive
        self.lexicon = lexicon  # the dictionary blended into suggestions (None: the model alone)
        self.trigrams = trigrams  # mixed into the next word (None: the model alone)
        self._table = _piece_table()
        self._main = MainSequence(backend)
        self._words = WordSearch(self._main, self._table)
        self._reserve = min(SUGGEST_RESERVE, backend.n_ctx // 4)

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        *,
        n_threads: int | None = None,
        n_gpu_layers: int | None = None,
        filter_offensive: bool = True,
        use_dictionary: bool = True,
    ) -> Predictor:
        """Load a GPT-2 GGUF (the built-in model when `path` is None); ModelError if unusable.
        With `use_dictionary`, the shipped English dictionary is blended into suggestions, and
        into the built-in model's next words the word trigrams of its training text."""
        if path is None and not builtin_model_path().is_file():
            raise ModelError(
                f"The built-in model is missing ({builtin_model_path()}). "
                "Reinstall keyboard-app or open another model file."
            )
        model_path = Path(path) if path is not None else builtin_model_path()
        checked = validate_gguf(model_path)
        # The shipped word lists are read before llama.cpp, so that a damaged one leaks nothing.
        lexicon = load_lexicon(lexicon_path()) if use_dictionary else None
        builtin = model_path.resolve() == builtin_model_path().resolve()
        trigrams = load_trigrams(trigrams_path()) if use_dictionary and builtin else None
        backend = LlamaBackend(
            model_path,
            n_threads=n_threads,
            n_gpu_layers=n_gpu_layers,
            n_seq=1 + max(MAX_ALTERNATIVES, SEQUENCES),
        )
        config = checked.config
        assert config is not None
        info = ModelInfo(
            checked.name,
            model_path,
            checked.size,
            checked.quantization.upper(),
            config.n_layer,
            config.n_embd,
            backend.n_ctx,
            backend.device,
            backend.n_threads,
            backend.n_gpu_layers,
        )
        log.info("loaded %s (%s) on %s", info.name, info.quantization, info.device)
        return cls(backend, info, filter_offensive, lexicon, trigrams)

    @property
    def tokens_decoded(self) -> int:
        """Tokens llama.cpp has evaluated so far (for cache-reuse checks and benchmarks)."""
        return self._backend.tokens_decoded

    def suggestion_context(self, text: str) -> list[int]:
        """The tokens `suggest(text)` runs the model on (for benchmarks and checks)."""
        typed = split_typed_word(text)
        return build_context(typed.boundary, self._backend.n_ctx, self._reserve)

    @property
    def context_tokens_evaluated(self) -> int:
        """Tokens of the user's text evaluated so far (the rest are candidate words)."""
        return self._main.tokens_evaluated

    @property
    def backend(self) -> LlamaBackend:
        return self._backend

    @property
    def main_sequence(self) -> MainSequence:
        return self._main

    def suggest(self, text: str, k: int = 3, exact: bool = False) -> list[Suggestion]:
        """The `k` likeliest whole words completing the word being typed, or the next word.

        Made for a call per keystroke: each decodes a few candidate pieces at most and estimates the
        rest, and the next call on the same word goes on from there (asking twice refines). `exact`
        decodes all that the ranking depends on (slower; for one-off queries)."""
        typed = split_typed_word(text)
        if len(typed.typed) > MAX_WORD_LENGTH:
            return []  # no word is that long: nothing sensible to complete
        context = build_context(typed.boundary, self._backend.n_ctx, self._reserve)
        self._words.adopt(context)
        logits = self._main.evaluate(context)
        trigrams = None if typed.typed else self.trigrams  # the next word only
        wanted = max(2 * k if trigrams is not None else k, 1)
        found = self._words.search(context, logits, typed, wanted, self.filter_offensive, exact)
        scores = found.words
        if self.lexicon is not None:
            document = _document_words(typed.boundary[-DOCUMENT_WORDS_WINDOW:])
            scores = blend(scores, typed, found.prefix_mass, self.lexicon, document, 2 * k)
        if trigrams is not None:
            paragraph = typed.boundary.rsplit("\n", 1)[-1]
            scores = mix_next_words(scores, trigrams.next_words(paragraph, scores))
        return [Suggestion(word, p) for word, p in rank(scores, typed.typed, k)]

    def explore(self, text: str, k: int = 10) -> list[TokenChoice]:
        """The `k` likeliest next tokens after `text`, with their probabilities."""
        logits = self._main.evaluate(build_context(text, self._backend.n_ctx, self._reserve))
        probs = np.exp(log_softmax(logits))
        if self.filter_offensive:
            probs = np.where(self._table.offensive, 0.0, probs)
        best = np.argsort(-probs, kind="stable")[:k]
        return [TokenChoice(_readable(token_bytes(int(t))), int(t), float(probs[t])) for t in best]

    def continue_text(
        self,
        text: str,
        max_tokens: int = 60,
        top_k: int = 40,
        temperature: float = 1.0,
        top_p: float = 1.0,
        seed: int | None = None,
        stop: threading.Event | None = None,
    ) -> Iterator[str]:
        """Stream a sampled continuation of `text`, piece by piece; stops at `<|endoftext|>`,
        after `max_tokens`, or when `stop` is set (checked before every token)."""
        params = SamplingParams(top_k, temperature, top_p)
        return self._generate(text, max_tokens, params, np.random.default_rng(seed), stop)

    def _generate(
        self,
        text: str,
        max_tokens: int,
        params: SamplingParams,
        rng: np.random.Generator,
        stop: threading.Event | None,
    ) -> Iterator[str]:
        n_ctx = self._backend.n_ctx
        text, healed = _heal_trailing_space(text)
        logits = self._main.evaluate(build_context(text, n_ctx, min(max_tokens, n_ctx // 2)))
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        written = ""
        for step in range(max_tokens):
            if stop is not None and stop.is_set():
                return
            token = sample_token(logits, params, rng, self._banned(healed and step == 0))
            if token == END_OF_TEXT_ID:
                break
            piece = decoder.decode(token_bytes(token))
            written += piece
            shown = piece[1:] if healed and step == 0 else piece
            if shown:
                yield shown
            if len(self._main.tokens) >= n_ctx:
                # Slide the window: keep the latest half of the text and carry on from there.
                logits = self._main.evaluate(build_context(text + written, n_ctx, n_ctx // 2))
                continue
            logits = self._main.append(token)
        tail = decoder.decode(b"", final=True)
        if tail:
            yield tail

    def _banned(self, needs_space: bool = False) -> np.ndarray | None:
        """Tokens never to sample: offensive ones (with the filter on) and, right after a healed
        trailing space, every token that does not start with a space."""
        banned = self._table.offensive if self.filter_offensive else None
        if needs_space:
            banned = ~self._table.spaced if banned is None else banned | ~self._table.spaced
        return banned

    def continue_alternatives(
        self,
        text: str,
        n: int = 3,
        max_tokens: int = 40,
        top_k: int = 40,
        temperature: float = 1.0,
        top_p: float = 1.0,
        seed: int | None = None,
        stop: threading.Event | None = None,
    ) -> Iterator[tuple[int, str]]:
        """`n` alternative continuations decoded together, one sequence each, streamed as
        `(index, piece)`. They are limited to half the context (no sliding)."""
        if not 1 <= n <= MAX_ALTERNATIVES:
            raise ModelError(f"between 1 and {MAX_ALTERNATIVES} alternatives can be asked for")
        params = SamplingParams(top_k, temperature, top_p)
        max_tokens = min(max_tokens, self._backend.n_ctx // 2)
        text, healed = _heal_trailing_space(text)
        context = build_context(text, self._backend.n_ctx, max_tokens)
        first = self._main.evaluate(context)
        seeds = np.random.SeedSequence(seed).spawn(n)
        rngs = [np.random.default_rng(s) for s in seeds]
        return self._generate_alternatives(
            len(context), first, params, rngs, max_tokens, stop, healed
        )

    def _generate_alternatives(
        self,
        base: int,
        first: np.ndarray,
        params: SamplingParams,
        rngs: list[np.random.Generator],
        max_tokens: int,
        stop: threading.Event | None,
        healed: bool,
    ) -> Iterator[tuple[int, str]]:
        n = len(rngs)
        logits = [first] * n
        decoders = [codecs.getincrementaldecoder("utf-8")(errors="replace") for _ in range(n)]
        alive = list(range(n))
        self._words.release()
        for seq in range(1, n + 1):
            self._backend.forget(seq)
            self._backend.share(MAIN_SEQ, seq)
        try:
            for step in range(max_tokens):
                if (stop is not None and stop.is_set()) or not alive:
                    return
                entries: list[Entry] = []
                for i in list(alive):
                    banned = self._banned(healed and step == 0)
                    token = sample_token(logits[i], params, rngs[i], banned)
                    if token == END_OF_TEXT_ID:
                        alive.remove(i)
                        continue
                    piece = decoders[i].decode(token_bytes(token))
                    piece = piece[1:] if healed and step == 0 else piece
                    if piece:
                        yield i, piece
                    entries.append(Entry(token, base + step, i + 1, logits=True))
                self._backend.decode(entries)
                for row, entry in enumerate(entries):
                    logits[entry.seq - 1] = self._backend.logits(row)
        finally:
            for seq in range(1, n + 1):
                self._backend.forget(seq)

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> Predictor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
