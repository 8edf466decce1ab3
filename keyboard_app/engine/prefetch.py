"""Work ahead while the typist pauses: decode what the next keystrokes will most likely need.

The worker thread asks for one step at a time while no request waits, so a keystroke never waits
for more than the step in progress (one batch), and the steps left for a text are dropped as soon
as a new text is asked for. In this order, for the text last suggested:

1. the letters typed so far as a whole word: its pieces (so that a space typed now costs no
   decode of the context: `WordSearch.adopt`), then the likeliest punctuation marks after it (so
   that a mark typed now costs none either). Whatever the model, the word typed so far is the
   likeliest to be the one finished, and the keystroke after a word is the costliest: it changes
   the context;
2. the current word's search, until it decodes nothing more (its ranking is then exact);
3. the same as 1 for each of the likeliest words;
4. with letters typed, the search for each likely next letter (the letter that the likeliest
   words continue with).

Everything decoded is published for the instant answers as it comes.
"""

from __future__ import annotations

from collections.abc import Iterator

from keyboard_app.engine.mixer import NEXT_WORD_CANDIDATES, Mixed
from keyboard_app.engine.sources.network import NetworkSource
from keyboard_app.engine.tokenizer import encode_user_text
from keyboard_app.engine.words import TypedWord, is_word
from keyboard_app.engine.wordsearch import MAX_PIECES, WordSearch

# Candidates decoded ahead for one text at most: the word typed so far and what follows it (5),
# then two likely words and their next words' pieces (14), and a little of the next letters'.
# Between two keystrokes of a steady typist the pacer (`engine.pacing`) stops it much earlier;
# the limit bounds a pause's work.
AHEAD_LIMIT = 24
AHEAD_WORDS = 2  # the likeliest words whose end and next word are worked ahead for
# Pieces starting the next word decoded after a likely word: as many as the next word's search
# asks of the network with n-grams mixed in (2 x 3), so that after the space it finds them decoded.
NEXT_WORD_WIDTH = 6
NEXT_LETTERS = 3  # likely next letters whose searches are refined
# After the word typed so far (at every keystroke, so kept small; on a CPU each row costs about a
# decode): the likeliest punctuation marks, so that a mark typed after it is free as a space is.
MARKS_AHEAD = 2


class Prefetch:
    """The steps ahead for one text; `step` does the next (False when none is left)."""

    def __init__(self, network: NetworkSource, words: WordSearch, text: str, mixed: Mixed) -> None:
        self.text = text
        self._network = network
        self._words = words
        self._mixed = mixed
        self._decoded = 0
        self._steps = self._plan()

    def step(self) -> bool:
        """One bounded piece of work (at most one batch of decodes); False when all is done."""
        if self._decoded >= AHEAD_LIMIT:
            return False
        if self._network.evaluate_cached(self._network.last_context) is None:
            return False  # another request moved the main sequence: the candidates' cells are gone
        return next(self._steps, False)

    def _plan(self) -> Iterator[bool]:
        query = self._mixed.query
        as_typed = self._typed_pieces()
        if as_typed is not None:
            yield from self._ahead_of(as_typed, 0, MARKS_AHEAD)
        yield from self._refine(query.typed)
        for word, _ in self._mixed.ranked()[:AHEAD_WORDS]:
            pieces = self._words.spelling(word)
            if pieces is not None and pieces != as_typed:  # None: not the network's word
                yield from self._ahead_of(pieces, NEXT_WORD_WIDTH, 0)
        for letter in self._next_letters():
            typed = query.typed
            yield from self._refine(
                TypedWord(typed.boundary, typed.prefix + letter, typed.typed + letter)
            )

    def _typed_pieces(self) -> tuple[int, ...] | None:
        """The pieces of the letters typed so far as a candidate word of the context (None when
        they are no word, or too long for one)."""
        typed = self._mixed.query.typed
        if not is_word(typed.typed):
            return None
        pieces = tuple(encode_user_text(typed.prefix))
        return pieces if len(pieces) <= MAX_PIECES else None

    def _ahead_of(self, pieces: tuple[int, ...], width: int, marks: int) -> Iterator[bool]:
        while done := self._words.decode_ahead(pieces, width, marks):
            self._decoded += done
            yield True

    def _refine(self, typed: TypedWord) -> Iterator[bool]:
        """The search for `typed` asked again (each time a keystroke's budget) until it decodes
        nothing more."""
        query = self._mixed.query
        context = self._network.last_context
        logits = self._network.evaluate_cached(context)
        if logits is None:
            return  # the main sequence has moved on (another request ran): nothing is free now
        # As many as the mixer asks of the network (more for the next word, which n-grams re-rank).
        wanted = query.k * (NEXT_WORD_CANDIDATES if not typed.typed else 1)
        while True:
            before = self._words.backend.tokens_decoded
            self._words.search(context, logits, typed, wanted, query.filter_offensive)
            done = self._words.backend.tokens_decoded - before
            if not done:
                return
            self._decoded += done
            yield True

    def _next_letters(self) -> list[str]:
        """The letters the likeliest words continue the typed ones with, likeliest first."""
        typed = self._mixed.query.typed.typed
        if not typed:
            return []
        letters: list[str] = []
        for word, _ in self._mixed.ranked():
            if len(word) > len(typed) and word[len(typed)] not in letters:
                letters.append(word[len(typed)])
        return letters[:NEXT_LETTERS]
