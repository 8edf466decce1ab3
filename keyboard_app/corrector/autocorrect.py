"""Autocorrect on space: when the typed word is replaced by a correction without asking.

Never for a word the user or the document has already used or the dictionary knows (`known`), a
word the user restored after an autocorrection, a capitalised word mid-sentence (a name), a word
with digits, or a piece of a URL or an e-mail address; those may still get a correction offered in
the strip. Otherwise the likeliest correction replaces the word when it is `AUTOCORRECT_RATIO`
times likelier than anything else the strip has for it (the typed word's completions included).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keyboard_app.engine.mixer import Mixed

# How much likelier than any other word the best correction must be. Chosen on the tuning part of
# `keyboard-app bench typos` for a false-correction rate under 0.5% of correctly typed words;
# docs/engine.md has the table.
AUTOCORRECT_RATIO = 4.0
_SENTENCE_END = ".!?\n"
_ADDRESS = re.compile(r"(?:[@/\\:]|www\.|\.\w)")


def never_autocorrected(typed: str, before: str, known: Callable[[str], bool]) -> bool:
    """Whether `typed`, after the text `before`, is never autocorrected."""
    if not typed.isalpha() or known(typed):
        return True
    if typed[:1].isupper() and not _starts_sentence(before):
        return True
    return _in_address(before)


def autocorrection(
    typed: str, corrections: Iterable[tuple[str, float]], others: Iterable[float]
) -> str | None:
    """The correction that replaces `typed`, given the scored `corrections` and the scores of the
    strip's other words; None when none is likely enough."""
    ranked = sorted(corrections, key=lambda item: -item[1])
    if not ranked:
        return None
    best, score = ranked[0]
    rival = max([s for _, s in ranked[1:]] + list(others), default=0.0)
    return best if best != typed and score > AUTOCORRECT_RATIO * rival else None


def _starts_sentence(before: str) -> bool:
    stripped = before.rstrip(" \t\"'([")
    return not stripped or stripped[-1] in _SENTENCE_END


def _in_address(before: str) -> bool:
    """The word continues a URL or an e-mail address (no space between them)."""
    tail = before.rsplit(None, 1)[-1] if before.strip() and not before[-1:].isspace() else ""
    return bool(tail) and bool(_ADDRESS.search(tail + "x"))


def mixed_autocorrection(mixed: Mixed, kept: Collection[str]) -> str | None:
    """The autocorrection of the word typed in `mixed`'s query (its strip's mixture), or None:
    never for a word in `kept` (restored by the user) nor one `never_autocorrected`."""
    typed = mixed.query.typed
    word = typed.typed
    knowers = [p.knows for p in mixed.proposals.values() if p.knows is not None]
    corrections = mixed.proposals.get("corrections")
    if corrections is None or word.lower() in kept:
        return None
    if never_autocorrected(word, typed.boundary, lambda w: any(k(w) for k in knowers)):
        return None
    scored = [(w, mixed.scores.get(w, s)) for w, s in corrections.words.items()]
    others = [s for w, s in mixed.scores.items() if w not in corrections.words]
    return autocorrection(word, scored, others)
