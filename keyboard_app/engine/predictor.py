"""The engine's public face: suggest whole words, explore next tokens, continue the text."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from keyboard_app.corrector import without_apostrophes
from keyboard_app.corrector.autocorrect import known_by_a_source, mixed_autocorrection, puts_in
from keyboard_app.engine import longlived
from keyboard_app.engine.backend import DecodingBackend, LlamaBackend
from keyboard_app.engine.context import TRAINED_MODEL_NAME, MainSequence
from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.generation import MAX_ALTERNATIVES, Continuations, healed
from keyboard_app.engine.gguf_validate import validate_gguf
from keyboard_app.engine.inline import DEFAULT_THRESHOLD, InlinePredictor
from keyboard_app.engine.mixer import Mixed, Mixer, apostrophe_in_use, with_apostrophe
from keyboard_app.engine.prefetch import Prefetch
from keyboard_app.engine.sampling import SamplingParams, log_softmax
from keyboard_app.engine.sequences import SequencePool
from keyboard_app.engine.sources import Query, Source, standard_sources
from keyboard_app.engine.sources.corrections import CorrectionSource
from keyboard_app.engine.sources.network import NetworkSource
from keyboard_app.engine.sources.personal import learn_into, personal_history, unlearn_from
from keyboard_app.engine.timing import DecodeTimes, time_decodes
from keyboard_app.engine.tokenizer import token_bytes
from keyboard_app.engine.wordfilter import offends
from keyboard_app.engine.words import (
    ACRONYM_LETTERS,
    PieceTable,
    TypedWord,
    composed,
    compound_part,
    in_capitals,
    in_typed_case,
    split_typed_word,
    text_in_capitals,
)
from keyboard_app.engine.wordsearch import SEQUENCES, WordSearch
from keyboard_app.paths import builtin_model_path
from keyboard_app.personal import PersonalStore

log = logging.getLogger(__name__)
SUGGEST_RESERVE = 64
MAX_WORD_LENGTH = 48
DEFAULT_SAMPLING = SamplingParams()
N_SEQUENCES = 1 + max(MAX_ALTERNATIVES, SEQUENCES + 1)  # + 1: the inline prediction's

# A compound's last part is not one of this many commonest words (`_in_compound`): the
# function words (the 30th is "an"; the 60th is "time", as in real-time).
FUNCTION_PARTS = 30
# Nor a word shorter than this (th, ex, em: the dictionary's fragments).
MIN_PART_LETTERS = 3
# But these end compounds the dictionary lacks (check-in, warm-up, hands-on, log-out, drop-off).
PARTICLES = frozenset({"in", "on", "up", "out", "off", "down", "over", "back", "by", "away"})
# With no letter of the part typed yet (`user-`), the model's guess is a next word: not one of
# this many commonest words (user-who, GPU-one, NASA-has)...
GUESSED_COMMON = 200
# ...but for those of them that end 10 or more of the dictionary's compounds (30-day, ten-year).
GUESSED_PARTS = frozenset({"day", "old", "time", "year"})
# The words asked for a compound's last part, times those shown: `_in_compound` leaves some out.
COMPOUND_PARTS_ASKED = 3
# How many times more a keystroke's mixture is asked for (each decodes what the last estimated)
# while a correction is in play and none is put in: see `Predictor._settled`.
SETTLING_ASKS = 3


# The pronoun typed in small letters or a contraction without its apostrophe, a word of its own:
# the writer's habit (`i think`, `ill be there`).
_SMALL_I = re.compile(
    r"(?<![\w'’])(?:i|im|ive|id|ill|dont|cant|wont|didnt|doesnt|isnt|wasnt|youre|thats)(?![\w'’])"
)
_HABIT_CHARS = 2000  # of the text before the word, read for it


def _with_autocorrection(
    suggestions: list[Suggestion], replacement: str, typed: TypedWord, k: int
) -> list[Suggestion]:
    """`suggestions` with the autocorrection its own words outrank in the first place (the
    editor puts in the word the strip marks, which was then none) where `_takes_a_place`: a
    contraction typed without its apostrophe (`Yes maam`), or where the text before the word
    writes the pronoun in small letters or a contraction without its apostrophe, the habits
    that make one (`ill be there by 7 i`: ill, in, if; the space left i). Elsewhere the place is
    a completion's (`It is i`: into, important), and a space puts in what it shows."""
    if any(s.word == replacement for s in suggestions):
        return suggestions
    if not _takes_a_place(replacement, typed):
        return suggestions
    best = max((s.probability for s in suggestions), default=0.0)
    mark = Suggestion(replacement, best, correction=True, autocorrect=True)
    return [mark, *suggestions][:k]


def _correction_in_play(mixed: Mixed) -> bool:
    """Whether `mixed`'s likeliest word is a correction a space may put in, of a word no source
    knows (never corrected: `form` in a sentence the model sees `from` in). Mid-word, the
    likeliest is most often a completion."""
    corrections = mixed.proposals.get("corrections")
    if corrections is None or not mixed.scores:
        return False
    typed = mixed.query.typed.typed
    best = max(mixed.scores, key=mixed.scores.__getitem__)
    if best not in corrections.words or not puts_in(typed, best):
        return False
    return not known_by_a_source(mixed, typed)


def _takes_a_place(replacement: str, typed: TypedWord) -> bool:
    """Whether an autocorrection the strip's own words outrank takes a place: the contraction the
    typed word of three letters or more is without its apostrophe (maam: ma'am, ive: I've, a habit
    by itself; im starts impressive and important, and took their place in held-out text), or
    where the text before the word writes the pronoun in small letters or a contraction without
    its apostrophe."""
    letters = typed.typed.lower()
    if replacement.lower() != letters and without_apostrophes(replacement.lower()) == letters:
        return len(letters) > 2 or _shows_the_habit(typed)
    return _shows_the_habit(typed)


def _shows_the_habit(typed: TypedWord) -> bool:
    return _SMALL_I.search(typed.boundary[-_HABIT_CHARS:]) is not None


@dataclass(frozen=True)
class Suggestion:
    word: str
    probability: float
    # A word the typed letters may be a slip for (proposed by `sources.corrections`, and not a
    # completion of the letters).
    correction: bool = False
    # The correction that a space puts in place of the typed word (`corrector.autocorrect`).
    autocorrect: bool = False


@dataclass(frozen=True)
class TokenChoice:
    """A next token: its text to read (`_readable`), its id, probability and bytes. Only the
    bytes tell a token that is part of a character of several bytes (CJK, emoji) from one whose
    text looks like its escaped bytes, and `<|endoftext|>` from the same text typed."""

    token: str
    token_id: int
    probability: float
    piece: bytes


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
    # Whether the model saw blank lines in training (GPT-2 did; `TRAINED_MODEL_NAME`'s did not).
    knows_blank_lines: bool = True


@dataclass(frozen=True)
class EngineStats:
    """What the engine has done so far, for benchmarks and checks."""

    tokens_decoded: int  # every token llama.cpp evaluated (context and candidate words)
    context_tokens_evaluated: int  # tokens of the user's text among them
    cached_context_tokens: int  # the context now held in the cache
    device: str


@lru_cache(maxsize=1)
def _piece_table() -> PieceTable:
    return PieceTable()


def _readable(piece: bytes) -> str:
    """A token's text; a token that is part of a multi-byte character shows its bytes (`\\xe6`)."""
    return piece.decode("utf-8", "backslashreplace")


def _choice(token_id: int, probability: float) -> TokenChoice:
    piece = token_bytes(token_id)
    return TokenChoice(_readable(piece), token_id, probability, piece)


class Predictor:
    """GPT-2 predictions for one model. Not thread-safe: one thread owns a Predictor.

    `sources` are the suggestion sources mixed with the network's words (`engine.sources`); a
    script may change the list."""

    def __init__(
        self,
        backend: DecodingBackend,
        info: ModelInfo,
        filter_offensive: bool,
        sources: list[Source],
    ) -> None:
        self._backend = backend
        self.info = info
        self.filter_offensive = filter_offensive
        self._table = _piece_table()
        self._main = MainSequence(backend, SequencePool(backend))
        reserve = min(SUGGEST_RESERVE, backend.n_ctx // 4)
        words = self._words = WordSearch(self._main, self._table)
        self._network = NetworkSource(self._main, words, reserve, info.knows_blank_lines)
        self._ahead: Prefetch | None = None  # the work ahead for the last suggestion's text
        self._mixer = Mixer(self._network, sources)
        for source in sources:
            if isinstance(source, CorrectionSource):
                source.attach(self._network)
        self.kept_words: set[str] = set()  # restored after an autocorrection: never corrected again
        self._inline = InlinePredictor(self._main, words, self._table)
        self._last: tuple[str, Mixed] | None = None  # the last suggestion's text and mixture
        # The last text whose word no source knew whole, completed by its compound's last part
        # (`_mix`): its next letters go straight to the part.
        self._part_only: str | None = None
        self._continuations = Continuations(self._main, self._table, info.knows_blank_lines)
        self.inline_threshold = DEFAULT_THRESHOLD
        self.personal_store: PersonalStore | None = None

    @classmethod
    @longlived.loading()
    def load(
        cls,
        path: str | Path | None = None,
        *,
        n_threads: int | None = None,
        n_gpu_layers: int | None = None,
        filter_offensive: bool = True,
        use_dictionary: bool = True,
        personal: str | Path | None = None,
    ) -> Predictor:
        """Load a GPT-2 GGUF (the built-in model when `path` is None); ModelError if unusable.
        With `use_dictionary`, the shipped English dictionary and the document's words are mixed
        into suggestions, and into the built-in model's next words the word trigrams of its
        training text (`engine.sources.standard_sources`). `personal`: the user's store of words
        and phrases (created if missing), mixed in and learned into by `learn`; a damaged one is
        moved aside and a new one started (`personal_store.recovered_from` says where). `n_threads`
        None or 0: the engine's choice (`backend.default_threads`)."""
        if path is None and not builtin_model_path().is_file():
            raise ModelError(
                f"The built-in model is missing ({builtin_model_path()}). "
                "Reinstall keyboard-app or open another model file."
            )
        model_path = Path(path) if path is not None else builtin_model_path()
        checked = validate_gguf(model_path)
        store = PersonalStore.open(personal) if personal is not None else None
        try:
            sources = standard_sources(model_path, use_dictionary, store)
            backend = LlamaBackend(
                model_path,
                n_threads=n_threads,
                n_gpu_layers=n_gpu_layers,
                n_seq=N_SEQUENCES,
            )
        except BaseException:
            if store is not None:
                store.close()  # a model that cannot be loaded leaves no connection open
            raise
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
            knows_blank_lines=checked.name != TRAINED_MODEL_NAME,
        )
        log.info("loaded %s (%s) on %s", info.name, info.quantization, info.device)
        predictor = cls(backend, info, filter_offensive, sources)
        predictor.personal_store = store
        return predictor

    @classmethod
    def connect(cls, url: str, api_key: str | None = None) -> Predictor:
        """The same Predictor on the model of the llama-server at `url` (llama.cpp's own server,
        `keyboard-app serve`): the same word search, dictionary, filter and mixture, the model's
        distributions computed by the server (`engine.remote_backend`). The text before the
        cursor is sent to it. ModelError (`remote.ServerError`) when it is unreachable, refuses
        the key, is busy, or runs anything but a GPT-2 with GPT-2's vocabulary."""
        from keyboard_app.engine.remote_connect import connect_predictor

        return connect_predictor(url, api_key)

    @property
    def backend(self) -> DecodingBackend:
        """What decodes for this Predictor: llama.cpp here, or a llama-server's client."""
        return self._backend

    @property
    def network(self) -> NetworkSource:
        """The model's own source; its `knowledge` is what the instant answers are made from."""
        return self._network

    @property
    def sources(self) -> list[Source]:
        return self._mixer.sources

    @sources.setter
    def sources(self, sources: list[Source]) -> None:
        self._mixer.sources = list(sources)

    def wait_for_corrections(self) -> None:
        """Wait until the corrector's index is built (it is built in the background from load
        on, and no correction is offered before): for scripts and benchmarks, which measure the
        keyboard as the typist has it after the first seconds. The app never waits."""
        corrections = self._corrections()
        if corrections is not None:
            corrections.corrector.wait_ready()

    def _corrections(self) -> CorrectionSource | None:
        return next((s for s in self.sources if isinstance(s, CorrectionSource)), None)

    def stats(self) -> EngineStats:
        return EngineStats(
            self._backend.tokens_decoded,
            self._main.tokens_evaluated,
            len(self._main.tokens),
            self._backend.device,
        )

    def suggestion_context(self, text: str) -> list[int]:
        """The tokens `suggest(text)` runs the model on (for benchmarks and checks)."""
        return self._network.context(split_typed_word(text).boundary)

    def set_filter_offensive(self, on: bool) -> None:
        """Turn the offensive-word filter on or off; the work done ahead with the other setting
        (the last suggestion's mixture, the words prefetched for the next keystrokes) is dropped."""
        self.filter_offensive = on
        self._last = None
        self._ahead = None

    def drop_cache(self) -> None:
        """Forget the evaluated context: the next request evaluates its text from scratch."""
        self._main.reset()

    def time_decoding(self, text: str) -> DecodeTimes:
        """llama.cpp's time for one single-token decode and for the whole context of
        `suggest(text)` from scratch (for benchmarks); the cache is dropped."""
        return time_decodes(self._main, self.suggestion_context(text))

    def suggest(
        self,
        text: str,
        k: int = 3,
        exact: bool = False,
        instant: bool = False,
        superseded: Callable[[], bool] | None = None,
    ) -> list[Suggestion]:
        """The `k` likeliest whole words completing the word being typed, or the next word.

        Made for a call per keystroke: each decodes a few candidate pieces at most and estimates the
        rest, and the next call on the same word goes on from there (asking twice refines). `exact`
        decodes all that the ranking depends on (slower; for one-off queries: on a server, seconds,
        since every row is then the whole distribution). `instant` decodes
        nothing: the words come from what the model has decoded so far and from the other sources
        (`engine.instant`). An instant call is the one that may come from another thread while
        the owning thread works (it reads only frozen state and the read-only or locked sources),
        but not while the predictor is closed. `superseded` is asked before each decode: once it
        says that a newer request waits, nothing more is decoded for this one (the words are then
        estimated from what is decoded, and the owner is free for the newer text). The text is
        read with letters and their combining marks composed (`words.composed`), as are the
        words offered."""
        text = composed(text)
        mixed = self._mix(text, k, exact, instant, superseded)
        if mixed is None:
            return []
        head = _compound_head(text, mixed)
        # An instant answer's corrections are scored by word frequency alone: shown, never put in.
        replacement = None
        if not (instant or head):
            mixed, replacement = self._settled(text, k, exact, superseded, mixed)
        typed = mixed.query.typed.typed
        corrections = mixed.proposals.get("corrections")
        proposed = {w.lower() for w in corrections.words} if corrections else set()
        suggestions = [
            Suggestion(
                word,
                p,
                # A change of case is a correction too ("iphone" for "iPhon").
                correction=word.lower() in proposed and not word.startswith(typed),
                autocorrect=word == replacement,
            )
            for word, p in mixed.ranked()
        ]
        if replacement is not None:
            suggestions = _with_autocorrection(suggestions, replacement, mixed.query.typed, k)
        if not head:
            return _with_possessive(suggestions, mixed.query.typed, k)
        corrector = self._corrections()
        common = corrector.corrector.lexicon.is_common if corrector is not None else None
        before = split_typed_word(text).boundary
        compounds = _in_compound(head, typed, suggestions, common, self.filter_offensive, before)
        return compounds[:k]

    def autocorrection(self, text: str) -> str | None:
        """The word that replaces the word ending `text` when a space follows (autocorrect on
        space; `corrector.autocorrect` says when), or None: the suggestion `suggest(text)` marks
        `autocorrect`. Meant right after `suggest(text)`."""
        text = composed(text)
        mixed = self._mixture(text)
        if mixed is None or _compound_head(text, mixed):
            return None
        replacement = self._autocorrection(mixed)
        if replacement is None:
            return None
        # What the strip shows and marks, as `suggest` does: an outranked one only where it
        # takes a place (`_with_autocorrection`); else a space leaves the word.
        shown = replacement in (word for word, _ in mixed.ranked())
        return replacement if shown or _takes_a_place(replacement, mixed.query.typed) else None

    def _settled(
        self,
        text: str,
        k: int,
        exact: bool,
        superseded: Callable[[], bool] | None,
        mixed: Mixed,
    ) -> tuple[Mixed, str | None]:
        """`mixed` and its autocorrection, the mixture asked for again (asking twice refines)
        up to SETTLING_ASKS times while a correction is in play and none is put in. A first
        answer's estimates of completions not decoded yet may outrank the correction until they
        are (`I will sned`: sneddon, snedeker above send): whether a space corrected the word
        then depended on how fast it was typed, and a word left uncorrected is learned."""
        replacement = self._autocorrection(mixed)
        for _ in range(SETTLING_ASKS):
            if replacement is not None or not _correction_in_play(mixed):
                break
            if superseded is not None and superseded():
                break
            again = self._mix(text, k, exact, superseded=superseded)
            if again is None:
                break
            mixed, replacement = again, self._autocorrection(again)
        return mixed, replacement

    def _autocorrection(self, mixed: Mixed) -> str | None:
        corrections = self._corrections()
        common = corrections.corrector.lexicon.is_common if corrections is not None else None
        replacement = mixed_autocorrection(mixed, self.kept_words, common)
        if replacement is None:
            return None
        typed = mixed.query.typed.typed
        written = in_typed_case(typed, mixed.spelled(replacement), mixed.everyday)
        return with_apostrophe(written, apostrophe_in_use(mixed.query.typed))

    def keep_word(self, word: str) -> None:
        """The user undid the autocorrection of `word`: it is never corrected again by this
        predictor. (Learning it, so that it is known from then on, is `learn`'s, when the user
        lets their words be learned.)"""
        self.kept_words.add(word.lower())

    def inline_prediction(self, text: str, threshold: float | None = None) -> str:
        """The rest of the word being typed and of the next few words when the model is sure of
        them (the whole span at least `threshold` likely, `inline_threshold` by default), ending
        at a word boundary; "" when unsure. Meant right after `suggest(text)`, whose word search
        it goes on from; it decodes at most `inline.DECODES_PER_CALL` pieces."""
        text = composed(text)
        mixed = self._mixture(text)
        if mixed is None or (mixed.query.next_word and not text.endswith(" ")):
            return ""  # after punctuation, whether a space comes first is not the model's to say
        threshold = self.inline_threshold if threshold is None else threshold
        return self._inline.predict(mixed, self._network.last_context, threshold)

    def prefetch(self, text: str) -> bool:
        """One bounded step of work ahead for `text`, the text of the last `suggest` (at most one
        batch of decodes: `engine.prefetch`), for its next keystrokes; False when there is
        nothing (more) to do for it. Meant for the pauses between keystrokes, a step at a time."""
        text = composed(text)
        last = self._last
        if last is None or last[0] != text:
            return False
        if self._ahead is None or self._ahead.text != text:
            self._ahead = Prefetch(self._network, self._words, text, last[1])
        worked = self._ahead.step()
        if worked:
            self._network.publish()
        return worked

    def _mixture(self, text: str) -> Mixed | None:
        """The last suggestion's mixture when it was for `text` and the model still holds its
        context (an explorer, a continuation or a probability asked since moved it), else a new
        one."""
        last = self._last
        if last is None or last[0] != text:
            return self._mix(text, 3)
        if self._network.evaluate_cached(self._network.last_context) is None:
            return self._mix(text, 3)
        return last[1]

    def _mix(
        self,
        text: str,
        k: int,
        exact: bool = False,
        instant: bool = False,
        superseded: Callable[[], bool] | None = None,
    ) -> Mixed | None:
        _check_count(k)
        typed = split_typed_word(text)
        if len(typed.typed) > MAX_WORD_LENGTH:
            return None  # no word is that long: nothing sensible to complete
        part = compound_part(typed)
        if part is None or not self._goes_on_from_part(text, typed, k):
            whole = Query(typed, k, exact, self.filter_offensive, instant, superseded)
            mixed = self._mixer.mix(whole)
            if part is None or _offers_a_word(mixed) or _knows_the_word(mixed):
                return self._remember(text, mixed, instant)
        # A compound no source knows (user-friendly): its last part completed as a word after
        # the rest (`_compound_head` gives the rest back to the words offered), more words asked
        # for than shown, for those `_in_compound` leaves out. The model's pieces seldom spell
        # more letters of what they did not spell whole: the next keystrokes of the word go
        # straight to the part unless another source knows the word by then.
        if not instant:
            self._part_only = text
        wanted = k * COMPOUND_PARTS_ASKED
        query = Query(part, wanted, exact, self.filter_offensive, instant, superseded)
        return self._remember(text, self._mixer.mix(query), instant)

    def _goes_on_from_part(self, text: str, typed: TypedWord, k: int) -> bool:
        """Whether `text` types on the word of the last text no source knew whole, and no source
        but the network knows it now either (asked without a decode: the store may have learned
        it since, the filter let it through, the document have it)."""
        last = self._part_only
        if last is None or not text.startswith(last):
            return False
        if split_typed_word(last).boundary != typed.boundary:
            return False
        others = Query(typed, k, False, self.filter_offensive, instant=True)
        return not _offers_a_word(self._mixer.mix(others))

    def _remember(self, text: str, mixed: Mixed, instant: bool) -> Mixed:
        if not instant:
            self._last = (text, mixed)
        return mixed

    def next_token_probabilities(self, text: str) -> npt.NDArray[np.float32]:
        """The model's distribution over the token after `text` (no filter, no healing)."""
        return np.exp(log_softmax(self._main.evaluate(self._network.context(text))))

    def explore(self, text: str, k: int = 10) -> list[TokenChoice]:
        """The `k` likeliest next tokens after `text`, with their probabilities. After one
        trailing space (`window.heals_trailing_space`) they are the tokens that start with a
        space, given after the text without it, their probabilities renormalised over those
        tokens. Offensive tokens (with the filter on) are left out before ranking."""
        _check_count(k)
        context, heal = healed(text)
        probs = self.next_token_probabilities(context)
        allowed = self._table.spaced & np.isfinite(probs) if heal else np.isfinite(probs)
        if heal:
            probs = probs / probs[allowed].sum()  # over the tokens that may follow the space
        if self.filter_offensive:
            allowed &= ~self._table.offensive  # hidden, the others' probabilities unchanged
        ids = np.flatnonzero(allowed)
        chosen = probs[ids]
        best = np.argsort(-chosen, kind="stable")[:k]
        return [_choice(int(ids[i]), float(chosen[i])) for i in best]

    def continue_text(
        self,
        text: str,
        params: SamplingParams = DEFAULT_SAMPLING,
        stop: threading.Event | None = None,
    ) -> Generator[str, None, None]:
        """Stream a sampled continuation of `text`, piece by piece; stops at `<|endoftext|>`,
        after `params.max_tokens`, or when `stop` is set (checked before every token)."""
        return self._continuations.continuation(text, params, stop, self.filter_offensive)

    def continue_alternatives(
        self,
        text: str,
        n: int = 3,
        params: SamplingParams = DEFAULT_SAMPLING,
        stop: threading.Event | None = None,
    ) -> Generator[tuple[int, str], None, None]:
        """`n` alternative continuations decoded together, one sequence each, streamed as
        `(index, piece)`. Together they are limited to half the context (no sliding): each to
        `n_ctx // (2 * n)` tokens."""
        return self._continuations.alternatives(text, n, params, stop, self.filter_offensive)

    def learn(self, text: str, context: str = "") -> int:
        """Learn the words and phrases of `text` into the personal store (none: nothing), those
        reaching back into `context`, the text just before it (learned already), included: what
        the editor does as words are finished. Secrets and noise are never learned
        (`personal.learnable`). Returns the words learned; PersonalStoreError if the store
        cannot be written (a full disk: nothing already stored is lost)."""
        if self.personal_store is None:
            return 0
        return learn_into(self.personal_store, composed(text), composed(context))

    def unlearn(self, text: str, context: str = "") -> None:
        """Take back what `learn(text, context)` learned, when the words were deleted straight
        after they were finished (none: nothing)."""
        if self.personal_store is not None:
            unlearn_from(self.personal_store, composed(text), composed(context))

    def penalise(self, word: str, context: str) -> None:
        """A suggestion `word` taken after `context` and deleted straight away: it counts against
        that word after that context in the personal store (none: nothing)."""
        if self.personal_store is not None:
            self.personal_store.penalise(personal_history(composed(context)), composed(word))

    def close(self) -> None:
        if self.personal_store is not None:
            self.personal_store.close()
        self._backend.close()

    def __enter__(self) -> Predictor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _with_possessive(suggestions: list[Suggestion], word: TypedWord, k: int) -> list[Suggestion]:
    """`suggestions`, with the possessive of the word typed before its apostrophe in a place
    left empty (`the logo'`: the model's pieces seldom go on from an apostrophe, and the strip
    was empty; `kids'` is whole already), its s a capital in a text in capitals (NASA's, but
    PLEASE ASK JOHN'S)."""
    typed = word.typed
    base, mark = typed[:-1], typed[-1:]
    if len(suggestions) >= k or mark not in ("'", "’") or not base.isalpha():
        return suggestions
    if len(base) < 2 or base[-1] in "sS" or any(s.word[: len(typed)] == typed for s in suggestions):
        return suggestions
    floor = min((s.probability for s in suggestions), default=0.0)
    shouting = base.isupper() and text_in_capitals(word.boundary)
    return [*suggestions, Suggestion(typed + ("S" if shouting else "s"), floor / 2)]


def _offers_a_word(mixed: Mixed) -> bool:
    """Whether `mixed` ranks a word other than the letters typed (`AI-` offered back as typed
    is no word of a compound)."""
    return any(word != mixed.query.typed.typed for word, _ in mixed.ranked())


def _knows_the_word(mixed: Mixed) -> bool:
    """Whether a source knows the word typed whole (a compound typed out, `cul-de-sac`: its last
    part completed as a word offered cul-de-sack, cul-de-sacrifice, cul-de-sacred)."""
    typed = mixed.query.typed.typed
    return any(p.knows is not None and p.knows(typed) for p in mixed.proposals.values())


def _compound_head(text: str, mixed: Mixed) -> str:
    """What of the word typed at the end of `text` comes before the part `mixed` completes: the
    rest of a compound no source knows (`user-` of `user-f`), else ""."""
    whole = split_typed_word(text).typed
    return whole[: len(whole) - len(mixed.query.typed.typed)]


def _in_compound(
    head: str,
    part: str,
    suggestions: list[Suggestion],
    common: Callable[[str, int], bool] | None,
    filter_offensive: bool = False,
    text_before: str = "",
) -> list[Suggestion]:
    """The words completing a compound's last `part`, after the rest of it (`head`). Not the
    corrections (a compound no source knows may be a coinage, and its part a word's start that no
    source knows either), nor a part of other than letters (end-to-end-to, check-it's, well-km2:
    the model's pieces), nor one of the `FUNCTION_PARTS` commonest words or of fewer than
    `MIN_PART_LETTERS` (user-for, real-the, end-th: the model's guesses after a hyphen it knows
    little of) but for the `PARTICLES` that end compounds (check-in, warm-up, hands-on, which
    the dictionary lacks), nor one with a capital after small letters typed (user-FL, real-Tim),
    nor the part before again (data-data); the part as typed is kept, whatever it is. With no
    letter of the part typed yet, the part before says whether a capital may come (Anglo-Saxon,
    not user-FL), no particle is guessed (user-in) nor one of the `GUESSED_COMMON` commonest
    words but `GUESSED_PARTS` (user-who, GPU-one), and the part is in capitals only in a text in
    capitals (`text_before`: NASA-based). After a rest of letters typed in capitals, not an
    acronym's (GPU-based), the part is in capitals (USER-FREE). With the filter on, no compound that
    offends (dick-head, `wordfilter.offends`)."""
    last_part = head[:-1].rpartition("-")[2]
    small = (part or last_part) == (part or last_part).lower()
    before = last_part.lower()
    if part:
        shouting = in_capitals(head) and sum(char.isalpha() for char in head) > ACRONYM_LETTERS
    else:
        shouting = in_capitals(head) and text_in_capitals(text_before)

    def fits(word: str) -> bool:
        if part and word == part:
            return True
        if not word.isalpha() or word.lower() == before or (small and word != word.lower()):
            return False
        if word.lower() in PARTICLES:
            return bool(part)
        if len(word) < MIN_PART_LETTERS:
            return False
        if not part:  # a guess: not a common word but the commonest compounds' (user-who)
            return common is None or word in GUESSED_PARTS or not common(word, GUESSED_COMMON)
        return common is None or not common(word, FUNCTION_PARTS)

    compounds = [
        Suggestion(head + (s.word.upper() if shouting else s.word), s.probability)
        for s in suggestions
        if not s.correction and fits(s.word)
    ]
    return [s for s in compounds if not (filter_offensive and offends(s.word))]


def _check_count(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
