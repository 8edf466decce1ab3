"""Instant answers: the network's words for the exact text before the cursor, without a decode.

While the model is still busy with an older keystroke, the strip is answered from what the word
search has already decoded (`Knowledge`): the same best-first search over the decoded candidates,
with a budget of nothing, the candidates it has not decoded estimated as a budgeted search
estimates them. What is known is the last decoded context and every candidate decoded after it, so
the letters typed since are answered from that context's candidates, and after a word typed out
(followed by a space) the next word is answered from what was decoded after that word as a
candidate. When nothing decoded fits the text, the network proposes nothing and says that all is
possible (`mass` 1), and the other sources (dictionary, document, n-grams, the personal store)
answer alone.
"""

from __future__ import annotations

from keyboard_app.engine.knowledge import Knowledge
from keyboard_app.engine.words import PieceTable, TypedWord
from keyboard_app.engine.wordsearch import BestFirst, Candidate, Found

NOTHING_KNOWN = Found({}, 1.0)


class InstantSearch(BestFirst):
    """One instant answer's search over a frozen `Knowledge` (its own scratch state, so it runs
    in any thread while the word search decodes in another)."""

    def __init__(self, table: PieceTable, knowledge: Knowledge) -> None:
        super().__init__(table)
        self._knowledge = knowledge
        self._memo = dict(knowledge.memo)
        self._ends = dict(knowledge.ends)
        self._token_ends = dict(knowledge.token_ends)

    def search(self, typed: TypedWord, k: int, filter_offensive: bool) -> Found:
        return self._best_first(
            self._knowledge.logp, typed, k, filter_offensive, 0, _nothing_to_decode
        )


def instant_words(
    table: PieceTable,
    knowledge: Knowledge | None,
    context: list[int],
    typed: TypedWord,
    k: int,
    filter_offensive: bool,
) -> Found:
    """The network's words for `typed` after `context` from `knowledge` alone (no decode)."""
    rooted = None if knowledge is None or not knowledge.logp.size else knowledge.rooted(context)
    if rooted is None:
        return NOTHING_KNOWN
    return InstantSearch(table, rooted).search(typed, k, filter_offensive)


def _nothing_to_decode(todo: list[Candidate]) -> None:
    """With a budget of nothing, the search only ever asks for an empty batch."""
    assert not todo
