"""How much text before the cursor callers pass: from `text_start`, at least `TEXT_NEEDED`
characters back, from a multiple of `TEXT_STEP`, so that the start stays put while typing."""

import pytest

from keyboard_app.engine.window import TEXT_NEEDED, TEXT_STEP, text_start


def test_the_numbers_are_the_ones_docs_engine_md_gives():
    assert (TEXT_NEEDED, TEXT_STEP) == (6144, 4096)


@pytest.mark.parametrize("length", [0, 1, TEXT_NEEDED, TEXT_NEEDED + 1, 20_000, 2_000_000])
def test_the_start_is_a_step_multiple_with_all_that_is_needed_after_it(length):
    start = text_start(length)
    assert start % TEXT_STEP == 0 and 0 <= start <= length
    assert length - start >= min(length, TEXT_NEEDED)
    assert length - start < TEXT_NEEDED + TEXT_STEP  # never much more than needed


def test_the_start_stays_put_while_the_user_types():
    starts = [text_start(length) for length in range(20_000, 24_000)]
    assert len(set(starts)) <= 2  # moves at most once in 4,000 keystrokes
    assert text_start(20_000) == text_start(20_001) == 12_288
