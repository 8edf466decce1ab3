"""The random-weight GPT-2 writer shared by the benchmarks, the stand-in model and the tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from gguf import GGUFReader

from keyboard_app.bench.random_model import (
    STAND_IN_CONFIG,
    STAND_IN_STD,
    write_random_gguf,
    write_stand_in_model,
)
from keyboard_app.engine.gguf_format import FILE_TYPE_F16, Gpt2Config, expected_shapes
from keyboard_app.engine.gguf_validate import validate_gguf

TINY = Gpt2Config(n_layer=1, n_embd=32, n_head=2, n_ctx=32)


def _tensors(path: Path) -> dict[str, np.ndarray]:
    return {tensor.name: np.array(tensor.data) for tensor in GGUFReader(path).tensors}


def test_the_stand_in_model_has_its_shape_and_a_name_that_says_what_it_is(tmp_path: Path) -> None:
    info = validate_gguf(write_stand_in_model(tmp_path / "stand-in.gguf"))
    assert info.config == STAND_IN_CONFIG
    assert "stand-in" in info.name


def test_weights_follow_the_seed(tmp_path: Path) -> None:
    first = write_random_gguf(tmp_path / "a.gguf", TINY, seed=3).read_bytes()
    again = write_random_gguf(tmp_path / "b.gguf", TINY, seed=3).read_bytes()
    other = write_random_gguf(tmp_path / "c.gguf", TINY, seed=4).read_bytes()
    assert first == again
    assert len(other) == len(first) and other != first


def test_norms_are_one_biases_zero_and_matrices_random_at_the_given_scale(tmp_path: Path) -> None:
    tensors = _tensors(write_random_gguf(tmp_path / "m.gguf", TINY, std=STAND_IN_STD))
    assert set(tensors) == set(expected_shapes(TINY))
    for name, values in tensors.items():
        if name.endswith("norm.weight"):
            assert np.all(values == 1.0), name
        elif name.endswith(".bias"):
            assert np.all(values == 0.0), name
        else:
            assert abs(float(values.std()) - STAND_IN_STD) < 0.05, name
            assert abs(float(values.mean())) < 0.05, name


def test_half_precision_keeps_vectors_in_single_precision(tmp_path: Path) -> None:
    path = write_random_gguf(tmp_path / "f16.gguf", TINY, file_type=FILE_TYPE_F16)
    kinds = {t.name: t.tensor_type.name for t in GGUFReader(path).tensors}
    assert kinds["blk.0.ffn_up.weight"] == "F16"
    assert kinds["blk.0.ffn_up.bias"] == "F32"
    assert validate_gguf(path).config == TINY
