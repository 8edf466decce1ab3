"""Fixtures of the engine's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from keyboard_app.engine import Predictor


@pytest.fixture(scope="module")
def predictor() -> Iterator[Predictor]:
    """The built-in keyboard as the app has it: the built-in model, its sources, the corrector's
    index built (so that the same words come on a busy machine)."""
    with Predictor.load() as loaded:
        loaded.wait_for_corrections()
        yield loaded
