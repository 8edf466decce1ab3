"""The validator's vocabulary and architecture checks, on files written by the project's writer."""

from __future__ import annotations

import json
import shutil
import struct
import time
from pathlib import Path

import gguf
import numpy as np
import pytest

from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.gguf_format import (
    ARCH,
    Gpt2Config,
    _add_metadata,
    _add_tokenizer,
    expected_shapes,
    specs_from_arrays,
    write_gpt2_gguf,
)
from keyboard_app.engine.gguf_validate import (
    MAX_ARRAY,
    MAX_METADATA,
    MAX_STRING,
    gpt2_vocabulary_hash,
    token_list_hash,
    validate_gguf,
)
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


def _raw_gguf(path: Path, entries: list[bytes]) -> Path:
    """A GGUF with no tensors and the given metadata entries (already encoded)."""
    header = b"GGUF" + struct.pack("<IQQ", 3, 0, len(entries))
    path.write_bytes(header + b"".join(entries))
    return path


def _key(name: str) -> bytes:
    return struct.pack("<Q", len(name)) + name.encode()


def _string_entry(name: str, value: bytes) -> bytes:
    return _key(name) + struct.pack("<IQ", 8, len(value)) + value


def _array_entry(name: str, item_kind: int, count: int, items: bytes) -> bytes:
    return _key(name) + struct.pack("<IIQ", 9, item_kind, count) + items


def _refused_quickly(path: Path, reason: str) -> None:
    started = time.thread_time()  # CPU time: a loaded machine's waits are not the code's
    with pytest.raises(ModelError, match=reason):
        validate_gguf(path)
    assert time.thread_time() - started < 1.0


def test_a_huge_array_is_refused_at_once(tmp_path: Path) -> None:
    """The reviewer's file: one uint8 array of millions of items (it took seconds and hundreds of
    MB to refuse, growing with the file)."""
    count = 4_000_000
    path = _raw_gguf(tmp_path / "big.gguf", [_array_entry("junk", 0, count, bytes(count))])
    _refused_quickly(path, f"an array of {count} items at byte 52 is too long")


def test_many_arrays_of_empty_strings_are_refused_at_once(tmp_path: Path) -> None:
    count = MAX_ARRAY
    empty_strings = bytes(8 * count)
    entries = [_array_entry(f"junk{i}", 8, count, empty_strings) for i in range(5)]
    _refused_quickly(_raw_gguf(tmp_path / "strings.gguf", entries), "arrays hold more than")


def test_metadata_beyond_its_bound_is_refused(tmp_path: Path) -> None:
    string = bytes(MAX_STRING)
    entries = [_string_entry(f"junk{i}", string) for i in range(MAX_METADATA // MAX_STRING + 1)]
    _refused_quickly(_raw_gguf(tmp_path / "long.gguf", entries), "metadata is larger than 16 MiB")


def test_a_foreign_architecture_is_named_before_the_rest_is_read(tmp_path: Path) -> None:
    entries = [_string_entry("general.architecture", b"llama"), _key("junk") + b"\xff" * 12]
    path = _raw_gguf(tmp_path / "llama.gguf", entries)
    with pytest.raises(ModelError, match="architecture is 'llama'"):
        validate_gguf(path)


def test_a_gpt2_file_with_large_unread_arrays_passes_quickly(tmp_path: Path) -> None:
    """Arrays nothing reads are skipped, not kept; GPT-2's own vocabulary arrays are read."""
    path = tmp_path / "extra.gguf"
    writer = gguf.GGUFWriter(path, ARCH)
    _add_metadata(writer, CONFIG, "extra", 0)
    _add_tokenizer(writer, gpt2_vocab_dir())
    writer.add_array("extra.numbers", list(range(100_000)))
    writer.add_array("extra.words", [f"word{i}" for i in range(100_000)])
    for name, shape in expected_shapes(CONFIG).items():
        writer.add_tensor(name, np.zeros(shape, np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    started = time.thread_time()  # CPU time: a loaded machine's waits are not the code's
    info = validate_gguf(path)
    assert time.thread_time() - started < 1.0
    assert len(info.metadata["tokenizer.ggml.tokens"]) == 50257
    assert len(info.metadata["tokenizer.ggml.merges"]) == 50000
    assert "extra.numbers" not in info.metadata and "extra.words" not in info.metadata


def test_a_key_given_twice_is_refused(tmp_path: Path) -> None:
    """Which of the two values a reader takes is its own choice: the file is not one model."""
    entries = [_string_entry("general.architecture", b"gpt2")] * 2
    with pytest.raises(ModelError, match=r"'general\.architecture' appears twice"):
        validate_gguf(_raw_gguf(tmp_path / "twice.gguf", entries))
