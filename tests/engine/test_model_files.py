"""Unusable model files give a ModelError naming the file and the reason; never a crash."""

import struct

import gguf
import numpy as np
import pytest

from keyboard_app.engine import ModelError, Predictor
from keyboard_app.engine.gguf_validate import validate_gguf


def _expect_error(path, *words):
    with pytest.raises(ModelError) as caught:
        Predictor.load(path)
    message = str(caught.value)
    assert str(path) in message
    for word in words:
        assert word in message
    return message


def test_missing_file(tmp_path):
    _expect_error(tmp_path / "nope.gguf", "does not exist")


def test_folder_instead_of_file(tmp_path):
    _expect_error(tmp_path, "folder")


def test_empty_and_foreign_files(tmp_path):
    (tmp_path / "empty.gguf").write_bytes(b"")
    _expect_error(tmp_path / "empty.gguf", "empty")
    (tmp_path / "notes.gguf").write_text("These are my notes, not a model." * 10)
    _expect_error(tmp_path / "notes.gguf", "not a GGUF")


@pytest.mark.parametrize("fraction", [0.05, 0.5, 0.99])
def test_truncated_model(random_model, tmp_path, fraction):
    data = random_model.read_bytes()
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(data[: int(len(data) * fraction)])
    _expect_error(cut, "cannot be used")


def test_other_architecture(tmp_path):
    path = tmp_path / "llama.gguf"
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_context_length(128)
    writer.add_tensor("token_embd.weight", np.zeros((8, 32), np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    _expect_error(path, "architecture is 'llama'")


def _patch(path, tmp_path, offset, fmt, value):
    data = bytearray(path.read_bytes())
    struct.pack_into(fmt, data, offset, value)
    out = tmp_path / "patched.gguf"
    out.write_bytes(bytes(data))
    return out


def test_crafted_counts_are_refused(random_model, tmp_path):
    _expect_error(_patch(random_model, tmp_path, 8, "<Q", 2**62), "implausible")
    _expect_error(_patch(random_model, tmp_path, 16, "<Q", 2**40), "implausible")


def test_crafted_string_length_is_refused(random_model, tmp_path):
    # The first metadata key's length field follows the 24-byte header.
    _expect_error(_patch(random_model, tmp_path, 24, "<Q", 2**63), "too long")


def test_context_longer_than_gpt2_is_refused(tmp_path):
    from keyboard_app.engine.gguf_format import Gpt2Config
    from tests.model_factory import write_random_model

    path = write_random_model(tmp_path / "long.gguf", n_ctx=1024)
    data = bytearray(path.read_bytes())
    key = b"gpt2.context_length"
    at = data.index(key) + len(key) + 4  # skip the value type
    struct.pack_into("<I", data, at, 4096)
    path.write_bytes(bytes(data))
    _expect_error(path, "context_length")
    assert Gpt2Config(1, 64, 4).n_ctx == 1024


def test_validator_reports_what_it_read(random_model):
    info = validate_gguf(random_model)
    assert info.config is not None and info.config.n_layer == 2 and info.config.n_ctx == 1024
    assert info.quantization == "F32"
    assert info.size == random_model.stat().st_size


def test_a_model_loads_after_a_bad_one(random_model, tmp_path):
    (tmp_path / "bad.gguf").write_bytes(b"GGUF" + b"\xff" * 100)
    with pytest.raises(ModelError):
        Predictor.load(tmp_path / "bad.gguf")
    with Predictor.load(random_model) as predictor:
        assert predictor.suggest("Hello ")
