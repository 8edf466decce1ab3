"""The one percentile every benchmark reports."""

from __future__ import annotations

import random
import statistics

import numpy as np
import pytest

from keyboard_app.bench.stats import percentile


def test_hand_computed_values() -> None:
    values = [40.0, 10.0, 30.0, 20.0]  # sorted: 10 20 30 40 at positions 0..3
    assert percentile(values, 0.0) == 10.0
    assert percentile(values, 1.0) == 40.0
    assert percentile(values, 0.5) == 25.0  # position 1.5
    assert percentile(values, 0.95) == pytest.approx(38.5)  # position 2.85
    assert percentile([7.0], 0.95) == 7.0


def test_it_is_numpys_linear_method_and_the_median_at_one_half() -> None:
    rng = random.Random(5)
    for size in (1, 2, 3, 10, 101):
        values = [rng.uniform(0, 100) for _ in range(size)]
        for q in (0.0, 0.1, 0.5, 0.9, 0.95, 0.99, 1.0):
            assert percentile(values, q) == pytest.approx(float(np.percentile(values, 100 * q)))
        assert percentile(values, 0.5) == pytest.approx(statistics.median(values))
        if size > 1:
            inclusive = statistics.quantiles(values, n=20, method="inclusive")
            assert percentile(values, 0.95) == pytest.approx(inclusive[18])


def test_no_values_or_a_quantile_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)
    with pytest.raises(ValueError, match="outside"):
        percentile([1.0], 95)
