"""Small GPT-2 GGUF models for tests, written with the project's own writer.

`bigram_model` builds a model whose next-token distribution is set through its weights: every block
adds nothing to the residual stream, so the output depends only on the last token's embedding. Each
"context class" gets an orthogonal +/-1 code as its embedding (rows of a Hadamard matrix), and the
untied output matrix maps each code to the logits chosen for that class.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from keyboard_app.bench.random_model import STAND_IN_STD, write_random_gguf
from keyboard_app.engine.gguf_format import (
    Gpt2Config,
    expected_shapes,
    specs_from_arrays,
    write_gpt2_gguf,
)
from keyboard_app.engine.tokenizer import load_encoding

WIDTH = 64
DEFAULT_LOGIT = -10.0
BigramSpec = dict[str, dict[str, float]]


def hadamard(size: int) -> np.ndarray:
    matrix = np.ones((1, 1))
    while matrix.shape[0] < size:
        matrix = np.block([[matrix, matrix], [matrix, -matrix]])
    return matrix


def token_id(piece: str) -> int:
    return load_encoding().encode_single_token(piece)


def bigram_logits(
    spec: BigramSpec, default: dict[str, float] | None = None
) -> tuple[dict[int, int], np.ndarray]:
    """Class index of each context token (0 = every other token) and the logits of each class."""
    n_vocab = load_encoding().n_vocab
    classes = {token_id(piece): i + 1 for i, piece in enumerate(spec)}
    logits = np.full((len(spec) + 1, n_vocab), DEFAULT_LOGIT)
    for row, table in enumerate([default or {}, *spec.values()]):
        for piece, value in table.items():
            logits[
                row, load_encoding().encode_single_token(piece) if piece != "<eot>" else 50256
            ] = value
    return classes, logits


def write_bigram_model(
    path: Path,
    spec: BigramSpec,
    default: dict[str, float] | None = None,
    n_ctx: int = 256,
    n_layer: int = 1,
    name: str = "bigram test model",
) -> Path:
    classes, logits = bigram_logits(spec, default)
    codes = hadamard(WIDTH)[
        1 : len(logits) + 1
    ]  # zero-mean rows: layer norm leaves them as they are
    config = Gpt2Config(n_layer=n_layer, n_embd=WIDTH, n_head=4, n_ctx=n_ctx)
    arrays = {key: np.zeros(shape, np.float32) for key, shape in expected_shapes(config).items()}
    for key in arrays:
        if key.endswith("norm.weight"):
            arrays[key][:] = 1.0
    embedding = np.tile(codes[0], (config.n_vocab, 1))
    for token, row in classes.items():
        embedding[token] = codes[row]
    arrays["token_embd.weight"] = embedding.astype(np.float32)
    arrays["output.weight"] = (logits.T @ codes / WIDTH).astype(np.float32)
    return write_gpt2_gguf(path, config, specs_from_arrays(arrays, 0), name=name)


def write_random_model(path: Path, n_ctx: int = 1024, n_layer: int = 2, seed: int = 0) -> Path:
    """A random GPT-2 of the tests' width, as peaked as the stand-in model."""
    config = Gpt2Config(n_layer=n_layer, n_embd=WIDTH, n_head=4, n_ctx=n_ctx)
    return write_random_gguf(path, config, seed=seed, std=STAND_IN_STD, name="random test model")


def write_poisoned_model(path: Path, poison: float, token: int = 123) -> Path:
    """A GPT-2 whose output row for `token` is `poison` (NaN or infinity): every prediction's
    logit for it is not a number, as in a model with damaged weights."""
    config = Gpt2Config(n_layer=1, n_embd=WIDTH, n_head=4, n_ctx=256)
    arrays = {name: np.zeros(shape, np.float32) for name, shape in expected_shapes(config).items()}
    for name in arrays:
        if name.endswith("norm.weight"):
            arrays[name][:] = 1.0
    rng = np.random.default_rng(0)
    arrays["token_embd.weight"][:] = rng.normal(0, 0.5, (config.n_vocab, WIDTH))
    arrays["output.weight"] = np.full((config.n_vocab, WIDTH), 0.01, np.float32)
    arrays["output.weight"][token, :] = poison
    return write_gpt2_gguf(path, config, specs_from_arrays(arrays, 0))


# A model sure of the span " help with the report" after " your" (each next piece at logit 9).
CONFIDENT_SPAN: BigramSpec = {
    " your": {" help": 9.0},
    " help": {" with": 9.0},
    " with": {" the": 9.0},
    " the": {" report": 9.0},
    " report": {".": 9.0},
}
