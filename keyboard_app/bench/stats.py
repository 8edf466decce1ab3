"""The summary statistics every benchmark reports, defined once so that "p95" means one thing."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The `q` quantile (0 <= q <= 1) of `values`, interpolated linearly between ranks.

    This is numpy's default (`method="linear"`), R's type 7 and `statistics.quantiles(...,
    method="inclusive")`: sorted values x[0..n-1] sit at positions 0..n-1 and the quantile is read
    at position q * (n - 1). So `percentile(v, 0.5)` is the median, `percentile(v, 0)` the minimum
    and `percentile(v, 1)` the maximum.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"quantile {q} is outside [0, 1]")
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (position - below) * (ordered[above] - ordered[below])
