"""Numbers that come from outside (JSON, a GGUF file's metadata, a caller): checked for being what
they claim. The one thing to remember: JSON's `true` is Python's `True`, an `int` equal to 1."""

from __future__ import annotations

import math
from typing import TypeGuard

# The most CPU threads llama.cpp is given: it aborts the process on a count it cannot start threads
# for, so the engine, the settings and the command line all refuse more.
MAX_THREADS = 256


def is_whole(value: object, low: int | None = None, high: int | None = None) -> TypeGuard[int]:
    """An `int`, not a `bool`, from `low` to `high` (either end open when None)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    return (low is None or low <= value) and (high is None or value <= high)


def is_finite_number(value: object) -> TypeGuard[int | float]:
    """An `int` or a `float`, not a `bool`, neither infinite nor NaN, and one a float can hold
    (JSON's integers have no bound: 1 followed by 400 zeros is one)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int past the largest float
        return False
