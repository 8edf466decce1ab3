"""What the word search has decoded after a context, frozen so that another thread can read it.

The instant answers (`engine.instant`) are made from it on every keystroke without a decode, while
the word search (`engine.wordsearch`) goes on decoding; and when the context grows by a word that
was decoded as a candidate, what was decoded after that word is kept for the new context.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

Memo = dict[tuple[int, ...], npt.NDArray[np.float32]]


@dataclass(frozen=True)
class Knowledge:
    """What the search has decoded after one context, frozen: the instant answers read it from
    another thread while the search goes on (`engine.instant`). `memo` maps each decoded
    candidate's pieces to the log-probabilities after them, `ends` to its chance of ending a word."""

    context: tuple[int, ...]
    logp: npt.NDArray[np.floating]  # after the context itself
    memo: Mapping[tuple[int, ...], npt.NDArray[np.float32]]
    ends: Mapping[tuple[int, ...], float]
    token_ends: Mapping[int, float]

    def rooted(self, context: list[int] | tuple[int, ...]) -> Knowledge | None:
        """The knowledge for `context`: this one, or, when `context` is this context followed by a
        decoded candidate (a word typed out since), what was decoded after that candidate, keyed
        from there. None when nothing decoded follows `context`."""
        base = len(self.context)
        if tuple(context[:base]) != self.context:
            return None
        root = tuple(context[base:])
        if not root:
            return self
        logp = self.memo.get(root)
        if logp is None:
            return None
        return Knowledge(
            tuple(context),
            logp,
            _below(self.memo, root),
            _below(self.ends, root),
            self.token_ends,
        )


V = TypeVar("V")


def _below(table: Mapping[tuple[int, ...], V], root: tuple[int, ...]) -> dict[tuple[int, ...], V]:
    """The entries whose pieces continue `root`, keyed by the pieces after it."""
    n = len(root)
    return {key[n:]: value for key, value in table.items() if len(key) > n and key[:n] == root}
