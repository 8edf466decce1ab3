"""Unusable model files give a ModelError naming the file and the reason; never a crash."""

from __future__ import annotations

import struct
from pathlib import Path

import gguf
import numpy as np
import pytest

from keyboard_app.engine import ModelError, Predictor
from keyboard_app.engine.gguf_validate import validate_gguf


def _expect_error(path: Path, *words: str) -> str:
    with pytest.raises(ModelError) as caught:
        Predictor.load(path)
    message = str(caught.value)
    assert str(path) in message
    for word in words:
        assert word in message
    return message


def test_missing_file(tmp_path: Path) -> None:
    _expect_error(tmp_path / "nope.gguf", "does not exist")


def test_folder_instead_of_file(tmp_path: Path) -> None:
    _expect_error(tmp_path, "folder")


def test_empty_and_foreign_files(tmp_path: Path) -> None:
    (tmp_path / "empty.gguf").write_bytes(b"")
    _expect_error(tmp_path / "empty.gguf", "empty")
    (tmp_path / "notes.gguf").write_text("These are my notes, not a model." * 10)
    _expect_error(tmp_path / "notes.gguf", "not a GGUF")
    (tmp_path / "note.gguf").write_text("my short note")  # shorter than a GGUF's header
    _expect_error(tmp_path / "note.gguf", "not a GGUF")
    (tmp_path / "start.gguf").write_bytes(b"GGUF\x03\x00")  # a model's first bytes alone
    _expect_error(tmp_path / "start.gguf", "empty or truncated")


@pytest.mark.parametrize("fraction", [0.05, 0.5, 0.99])
def test_truncated_model(random_model: Path, tmp_path: Path, fraction: float) -> None:
    data = random_model.read_bytes()
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(data[: int(len(data) * fraction)])
    _expect_error(cut, "cannot be used")


def test_other_architecture(tmp_path: Path) -> None:
    path = tmp_path / "llama.gguf"
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_context_length(128)
    writer.add_tensor("token_embd.weight", np.zeros((8, 32), np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    _expect_error(path, "architecture is 'llama'")


def _patch(path: Path, tmp_path: Path, offset: int, fmt: str, value: int) -> Path:
    data = bytearray(path.read_bytes())
    struct.pack_into(fmt, data, offset, value)
    out = tmp_path / "patched.gguf"
    out.write_bytes(bytes(data))
    return out


def test_crafted_counts_are_refused(random_model: Path, tmp_path: Path) -> None:
    _expect_error(_patch(random_model, tmp_path, 8, "<Q", 2**62), "implausible")
    _expect_error(_patch(random_model, tmp_path, 16, "<Q", 2**40), "implausible")


def test_crafted_string_length_is_refused(random_model: Path, tmp_path: Path) -> None:
    # The first metadata key's length field follows the 24-byte header.
    _expect_error(_patch(random_model, tmp_path, 24, "<Q", 2**63), "too long")


def test_context_longer_than_gpt2_is_refused(random_model: Path, tmp_path: Path) -> None:
    data = bytearray(random_model.read_bytes())
    key = b"gpt2.context_length"
    at = data.index(key) + len(key) + 4  # skip the value type
    assert struct.unpack_from("<I", data, at)[0] == 1024  # the field patched below
    struct.pack_into("<I", data, at, 4096)
    path = tmp_path / "long.gguf"
    path.write_bytes(bytes(data))
    _expect_error(path, "gpt2.context_length is 4096")


def test_validator_reports_what_it_read(random_model: Path) -> None:
    info = validate_gguf(random_model)
    assert info.config is not None and info.config.n_layer == 2 and info.config.n_ctx == 1024
    assert info.quantization == "F32"
    assert info.size == random_model.stat().st_size
    assert info.tensor_bytes["blk.0.ffn_up.weight"] == 256 * 64 * 4  # f32
    assert sum(info.tensor_bytes.values()) < info.size


def test_a_model_loads_after_a_bad_one(random_model: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.gguf").write_bytes(b"GGUF" + b"\xff" * 100)
    with pytest.raises(ModelError):
        Predictor.load(tmp_path / "bad.gguf")
    with Predictor.load(random_model) as predictor:
        assert predictor.suggest("Hello ")
