"""The test model factory itself: its weights give exactly the distributions asked for."""

import numpy as np
import pytest

from keyboard_app.engine import Predictor
from tests.model_factory import bigram_logits, token_id


def softmax(row: np.ndarray) -> np.ndarray:
    exp = np.exp(row - row.max())
    return exp / exp.sum()


def test_bigram_model_gives_the_logits_it_was_built_with(bigram_model):
    spec = {" your": {" help": 4.0, " the": 2.0}}
    path = bigram_model(spec, default={".": 3.0})
    classes, logits = bigram_logits(spec, {".": 3.0})
    after_your, otherwise = softmax(logits[classes[token_id(" your")]]), softmax(logits[0])
    with Predictor.load(path) as predictor:
        predictor.filter_offensive = False
        top = predictor.explore("thank you for your", k=2)
        mine = predictor.next_token_probabilities("thank you for your")
        other = predictor.next_token_probabilities("anything else")
    assert [c.token for c in top] == [" help", " the"]
    assert [c.probability for c in top] == pytest.approx(
        [after_your[token_id(" help")], after_your[token_id(" the")]], rel=1e-3
    )
    assert mine == pytest.approx(after_your, rel=1e-3, abs=1e-9)
    assert other == pytest.approx(otherwise, rel=1e-3, abs=1e-9)  # only the last token counts
