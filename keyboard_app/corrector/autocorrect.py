"""Autocorrect on space: when the typed word is replaced by a correction without asking.

Never for a word the user or the document has already used or the dictionary knows (`known`), or
another form of such a word (a known word and an English ending: a real word), a word the user
restored after an autocorrection, a capitalised word mid-sentence (a name), a word with a capital
inside ("iPhon", "McDonals": a name's own spelling, begun or slipped), a word with a letter
outside the QWERTY keys the slip model knows ("piñata", "Kraków": typed on purpose), a word with
digits, or a piece of a URL or an e-mail address; those may still get a correction offered in the strip.
Otherwise the likeliest correction replaces the word when it is `AUTOCORRECT_RATIO` times likelier
than anything else the strip has for it (the typed word's completions included).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING

from keyboard_app.corrector.slips import slip_probability
from keyboard_app.engine.wordfilter import is_offensive

if TYPE_CHECKING:
    from keyboard_app.engine.mixer import Mixed

# How much likelier than any other word the best correction must be. Chosen on the tuning part of
# `keyboard-app bench typos` for a false-correction rate under 0.5% of correctly typed words;
# docs/engine.md has the table.
AUTOCORRECT_RATIO = 4.0
_SENTENCE_END = ".!?\n"
# Endings that make another form of a word (plural, tenses, comparison, adverb, noun).
_ENDINGS = ("s", "es", "ed", "d", "ing", "ings", "er", "ers", "est", "ly", "ness", "ment", "ments")
_MIN_STEM = 4  # "the" and s is more likely a slip (they, these) than a word
_ADDRESS = re.compile(r"(?:[@/\\:]|www\.|\.\w)")


def never_autocorrected(typed: str, before: str, known: Callable[[str], bool]) -> bool:
    """Whether `typed`, after the text `before`, is never autocorrected."""
    if not typed.isalpha() or known(typed) or inflects_a_known_word(typed.lower(), known):
        return True
    if not typed.isascii():
        return (
            True  # é, ñ, ß: keys the slip model's layout lacks, typed on purpose (piñata, Kraków)
        )
    if typed[:1].isupper() and not _starts_sentence(before):
        return True
    if typed[1:] != typed[1:].lower() and not typed.isupper():
        return True  # a capital inside: written so on purpose (iPhone, McDonald)
    return _in_address(before)


def inflects_a_known_word(word: str, known: Callable[[str], bool]) -> bool:
    """Whether `word` (lower case) is a known word with an English ending (`_ENDINGS`: "firehouse"
    and s, "ventilate" and s, "trundle" and ing): a real word the dictionary lacks, not a slip.
    The dictionary lists the commoner forms only; a slip seldom makes another word's form."""
    for ending in _ENDINGS:
        stem = word[: -len(ending)]
        if not word.endswith(ending) or len(stem) < _MIN_STEM:
            continue
        if known(stem) or known(stem + "e") or (stem.endswith("i") and known(stem[:-1] + "y")):
            return True
    return False


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
    # A word on the offensive-word list is a real word, typed on purpose (pee, knob), though the
    # dictionary leaves it out
    knowers = [p.knows for p in mixed.proposals.values() if p.knows is not None] + [is_offensive]
    corrections = mixed.proposals.get("corrections")
    if corrections is None or word.lower() in kept:
        return None
    if never_autocorrected(word, typed.boundary, lambda w: any(k(w) for k in knowers)):
        return None
    # Whole words a slip or two from the typed one; a completion of the letters one slip back
    # ("recie": received) is never put in by a space, but it is a rival.
    whole = {w: s for w, s in corrections.words.items() if slip_probability(word, w) > 0.0}
    scored = [(w, mixed.scores.get(w, s)) for w, s in whole.items()]
    others = [s for w, s in mixed.scores.items() if w not in whole]
    return autocorrection(word, scored, others)
