"""The test model factory itself: its weights give exactly the distributions asked for."""

import numpy as np

from keyboard_app.engine import Predictor
from tests.model_factory import bigram_logits


def test_bigram_model_gives_the_logits_it_was_built_with(bigram_model):
    spec = {" your": {" help": 4.0, " the": 2.0}}
    path = bigram_model(spec, default={".": 3.0})
    _, logits = bigram_logits(spec, {".": 3.0})
    expected = np.exp(logits[1] - logits[1].max())
    expected /= expected.sum()
    with Predictor.load(path) as predictor:
        top = predictor.explore("thank you for your", k=2)
        assert [c.token for c in top] == [" help", " the"]
        assert np.isclose(top[0].probability, expected[token_of(" help")], rtol=1e-3)
        assert predictor.explore("anything else", k=1)[0].token == "."


def token_of(piece: str) -> int:
    from tests.model_factory import token_id

    return token_id(piece)
