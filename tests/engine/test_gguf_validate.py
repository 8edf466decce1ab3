"""The validator's vocabulary and architecture checks, on files written by the project's writer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import gguf
import numpy as np
import pytest

from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.gguf_format import (
    Gpt2Config,
    expected_shapes,
    specs_from_arrays,
    write_gpt2_gguf,
)
from keyboard_app.engine.gguf_validate import gpt2_vocabulary_hash, token_list_hash, validate_gguf
from keyboard_app.paths import gpt2_vocab_dir

CONFIG = Gpt2Config(n_layer=1, n_embd=32, n_head=2, n_ctx=32)


def _write(path: Path, vocab_dir: Path | None = None) -> Path:
    arrays = {name: np.zeros(shape, np.float32) for name, shape in expected_shapes(CONFIG).items()}
    return write_gpt2_gguf(path, CONFIG, specs_from_arrays(arrays, 0), vocab_dir=vocab_dir)


def _vocabulary_with(folder: Path, token_id: int, replacement: str) -> Path:
    """GPT-2's vocabulary with the token `token_id` spelled `replacement` (same size)."""
    folder.mkdir()
    encoder = json.loads((gpt2_vocab_dir() / "encoder.json").read_text("utf-8"))
    assert replacement not in encoder
    old = next(token for token, i in encoder.items() if i == token_id)
    del encoder[old]
    encoder[replacement] = token_id
    (folder / "encoder.json").write_text(json.dumps(encoder), "utf-8")
    shutil.copy(gpt2_vocab_dir() / "vocab.bpe", folder / "vocab.bpe")
    return folder


def test_gpt2_vocabulary_passes(tmp_path: Path) -> None:
    info = validate_gguf(_write(tmp_path / "gpt2.gguf"))
    tokens = info.metadata["tokenizer.ggml.tokens"]
    assert len(tokens) == 50257 and token_list_hash(tokens) == gpt2_vocabulary_hash()


def test_a_vocabulary_of_the_right_size_with_one_other_token_is_refused(tmp_path: Path) -> None:
    vocab = _vocabulary_with(tmp_path / "vocab", 1000, "Ġqwzxv")
    path = _write(tmp_path / "other.gguf", vocab)
    assert len(gguf.GGUFReader(path).fields["tokenizer.ggml.tokens"].data) == 50257
    with pytest.raises(ModelError) as caught:
        validate_gguf(path)
    message = str(caught.value)
    assert str(path) in message
    assert "vocabulary is not GPT-2's" in message
    assert "token 1000 is 'Ġqwzxv' where GPT-2 has 'ale'" in message


def test_the_hash_tells_token_lists_apart() -> None:
    assert token_list_hash(["a", "bc"]) != token_list_hash(["ab", "c"])
    assert token_list_hash(["a", "b"]) != token_list_hash(["b", "a"])


def test_another_architecture_is_named_before_any_missing_key(tmp_path: Path) -> None:
    path = tmp_path / "llama.gguf"
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_tensor("token_embd.weight", np.zeros((8, 32), np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    with pytest.raises(ModelError, match="architecture is 'llama'; keyboard-app runs GPT-2"):
        validate_gguf(path)
