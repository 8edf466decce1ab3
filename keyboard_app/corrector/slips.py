"""The error model: how likely a typist who meant one word types another.

A slip is one of Damerau's four edits, each with its own probability per word typed, by kind:

- a neighbouring key on a QWERTY keyboard instead of the right one (`NEIGHBOUR_SUBSTITUTION`),
  far likelier than any other key (`OTHER_SUBSTITUTION`);
- two neighbouring letters swapped (`TRANSPOSITION`);
- a letter doubled (`DOUBLED`) or a double letter typed once (`UNDOUBLED`);
- an extra neighbouring key pressed with the right one (`NEIGHBOUR_INSERTION`), any other extra
  letter (`OTHER_INSERTION`), a letter dropped (`DELETION`).

Where the numbers come from: the proportions follow the studies of typing errors (Grudin, "Error
patterns in skilled and novice transcription typing", 1983, finds most substitutions on adjacent
keys and transpositions, doubling and omissions the other common slips; Kernighan, Church and
Gale, "A spelling correction program based on a noisy channel model", 1990, estimate the edits'
probabilities from the same four kinds); their scale (about one slip in a hundred words of each
common kind) was checked on the tuning part of `keyboard-app bench typos` (docs/engine.md).
`slip_probability` takes the likeliest alignment of the two spellings (a weighted optimal string
alignment, at most `MAX_SLIPS` slips).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from functools import lru_cache

NEIGHBOUR_SUBSTITUTION = 0.01
OTHER_SUBSTITUTION = 0.0005
TRANSPOSITION = 0.008
DOUBLED = 0.008
UNDOUBLED = 0.01
NEIGHBOUR_INSERTION = 0.004
OTHER_INSERTION = 0.0005
DELETION = 0.003
MAX_SLIPS = 2
MOST_LIKELY_SLIP = max(
    NEIGHBOUR_SUBSTITUTION, TRANSPOSITION, DOUBLED, UNDOUBLED, NEIGHBOUR_INSERTION, DELETION
)
_DOUBLES = re.compile(r"([a-z])\1+")

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_ROW_OFFSETS = (0.0, 0.25, 0.75)  # how far each row sits to the right of the one above


def _key_positions() -> dict[str, tuple[float, float]]:
    return {
        key: (column + _ROW_OFFSETS[row], float(row))
        for row, keys in enumerate(_ROWS)
        for column, key in enumerate(keys)
    }


_POSITIONS = _key_positions()
_LETTERS = "".join(_ROWS)


def undoubled(word: str) -> str:
    """`word` (lower case) with each run of a letter written once: two spellings with the same
    letters but for their double ones ("tommorow", "tomorrow": tomorow), English's commonest
    misspelling."""
    return _DOUBLES.sub(r"\1", word)


def one_slip_back(typed: str) -> Iterator[tuple[str, float]]:
    """What the typist may have meant by the letters `typed` (lower case), undoing one slip, with
    that slip's probability: an extra letter, a swap, a neighbouring key, a dropped letter
    (anywhere but after the last typed letter: that would be a completion). Some may repeat."""
    for at, letter in enumerate(typed):
        before, after = typed[at - 1 : at], typed[at + 1 : at + 2]
        yield typed[:at] + typed[at + 1 :], math.exp(-insertion_cost(letter, before, after))
        if after and after != letter:
            yield typed[:at] + after + letter + typed[at + 2 :], TRANSPOSITION
        for key in _NEIGHBOURS.get(letter, ""):
            yield typed[:at] + key + typed[at + 1 :], NEIGHBOUR_SUBSTITUTION
        for dropped in _LETTERS:
            beside = letter if dropped == letter else before  # a double typed once either way
            yield typed[:at] + dropped + typed[at:], math.exp(-deletion_cost(dropped, beside))


@lru_cache(maxsize=1024)
def are_neighbours(first: str, second: str) -> bool:
    """Two keys that touch on a QWERTY keyboard (same row next to each other, or rows adjacent
    and less than a key apart)."""
    a, b = _POSITIONS.get(first.lower()), _POSITIONS.get(second.lower())
    if a is None or b is None or a == b:
        return False
    return abs(a[1] - b[1]) <= 1 and abs(a[0] - b[0]) <= (1.0 if a[1] == b[1] else 0.8)


_NEIGHBOURS = {a: "".join(b for b in _LETTERS if are_neighbours(a, b)) for a in _LETTERS}


def substitution_cost(intended: str, typed: str) -> float:
    if intended == typed:
        return 0.0
    slip = NEIGHBOUR_SUBSTITUTION if are_neighbours(intended, typed) else OTHER_SUBSTITUTION
    return -math.log(slip)


def insertion_cost(typed: str, before: str, after: str) -> float:
    """An extra `typed` between the intended letters `before` and `after` ('' at the ends)."""
    if typed == before:
        return -math.log(DOUBLED)
    if are_neighbours(typed, before) or are_neighbours(typed, after):
        return -math.log(NEIGHBOUR_INSERTION)
    return -math.log(OTHER_INSERTION)


def deletion_cost(intended: str, before: str) -> float:
    """The intended letter `intended` (after the intended `before`) not typed."""
    return -math.log(UNDOUBLED if intended == before else DELETION)


def slip_probability(typed: str, intended: str) -> float:
    """The probability of typing `typed` (any case) when meaning `intended`: 1 when they are the
    same, else that of the likeliest sequence of at most `MAX_SLIPS` slips, 0 beyond."""
    return _slip_probability(typed.lower(), intended.lower())


@lru_cache(maxsize=8192)
def _slip_probability(typed: str, intended: str) -> float:
    """`slip_probability` of lower-case letters: cached by the letters alone, so that "Teh" for
    "The" reuses what "teh" for "the" found."""
    if intended == typed:
        return 1.0
    if abs(len(intended) - len(typed)) > MAX_SLIPS:
        return 0.0
    cost, slips = _alignment(intended, typed)
    return math.exp(-cost) if slips <= MAX_SLIPS else 0.0


def _alignment(a: str, b: str) -> tuple[float, int]:
    """The cheapest alignment of intended `a` with typed `b`: its cost and number of slips."""
    inf = (math.inf, 0)
    rows: list[list[tuple[float, int]]] = [[(0.0, 0)] + [inf] * len(b) for _ in range(len(a) + 1)]
    for j in range(1, len(b) + 1):
        rows[0][j] = _plus(rows[0][j - 1], insertion_cost(b[j - 1], "", a[:1]))
    for i in range(1, len(a) + 1):
        before = a[i - 2] if i > 1 else ""
        rows[i][0] = _plus(rows[i - 1][0], deletion_cost(a[i - 1], before))
        for j in range(1, len(b) + 1):
            options = [
                _plus(rows[i - 1][j - 1], substitution_cost(a[i - 1], b[j - 1])),
                _plus(rows[i - 1][j], deletion_cost(a[i - 1], before)),
                _plus(rows[i][j - 1], insertion_cost(b[j - 1], a[i - 1], a[i : i + 1])),
            ]
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1] != b[j - 2]:
                options.append(_plus(rows[i - 2][j - 2], -math.log(TRANSPOSITION)))
            rows[i][j] = min(options)
    return rows[len(a)][len(b)]


def _plus(cell: tuple[float, int], cost: float) -> tuple[float, int]:
    return (cell[0] + cost, cell[1] + (cost > 0.0))
