"""Fuzz the GGUF validator with byte flips, crafted 64-bit values and truncations of real files.

The validator must only ever raise ModelError (or accept). Files it accepts are then loaded by
llama.cpp in a child process, which must not crash (refusing a file cleanly is fine). Mutations are
seeded, and a failure names the exact mutation so it can be reproduced.
"""

from __future__ import annotations

import json
import random
import struct
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
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
from keyboard_app.engine.gguf_validate import validate_gguf
from keyboard_app.engine.tokenizer import byte_to_unicode
from keyboard_app.models.quantize import quantize_gguf
from tests.models.llama_helpers import patched_gguf

pytestmark = pytest.mark.slow

NASTY_U64 = [0, 1, 2**31, 2**32 - 1, 2**32, 2**40, 2**63 - 1, 2**63, 2**64 - 1]


@dataclass(frozen=True)
class Mutation:
    kind: str  # "flip" (xor one byte), "stomp" (write a u64) or "truncate"
    offset: int
    value: int = 0

    def apply(self, data: bytes) -> bytes:
        if self.kind == "truncate":
            return data[: self.offset]
        if self.kind == "flip":
            return (
                data[: self.offset]
                + bytes([data[self.offset] ^ self.value])
                + data[self.offset + 1 :]
            )
        end = min(self.offset + 8, len(data))
        return data[: self.offset] + struct.pack("<Q", self.value)[: end - self.offset] + data[end:]


def _mutations(
    rng: random.Random, size: int, regions: list[tuple[int, int]], flips: int, truncations: int
) -> Iterator[Mutation]:
    """Mutations at offsets drawn from `regions` (the file's structure) and anywhere in the file."""

    def offset() -> int:
        low, high = rng.choice(regions) if rng.random() < 0.8 else (0, size)
        return rng.randrange(low, min(high, size))

    for _ in range(flips):
        if rng.random() < 0.75:
            yield Mutation("flip", offset(), rng.randrange(1, 256))
        else:
            yield Mutation("stomp", offset(), rng.choice(NASTY_U64))
    for _ in range(truncations):
        yield Mutation("truncate", offset())


def _structure(path: Path) -> list[tuple[int, int]]:
    """Byte ranges holding counts, lengths, types, shapes and offsets (read with gguf-py)."""
    reader = gguf.GGUFReader(path)
    regions = [(0, 24)]
    for field in reader.fields.values():
        regions.append((field.offset, field.offset + 48))  # key length, key, type, count
    first_info = reader.tensors[0].field.offset
    regions.append((first_info, reader.data_offset + 64))  # tensor infos and the data start
    return regions


def _check_validator(path: Path, data: bytes, mutation: Mutation) -> bool:
    """Validate the mutated file; True if accepted. Anything but ModelError fails the test."""
    path.write_bytes(mutation.apply(data))
    try:
        validate_gguf(path)
    except ModelError:
        return False
    except Exception as exc:
        pytest.fail(f"validator raised {type(exc).__name__}: {exc} for {mutation}")
    return True


def _mini_vocab(folder: Path, n: int) -> Path:
    """A 16-token vocabulary folder, so the fuzzed file is small and fast to parse."""
    folder.mkdir()
    chars = list(byte_to_unicode().values())
    encoder = {c: i for i, c in enumerate(chars[: n - 1])}
    encoder["<|endoftext|>"] = n - 1
    (folder / "encoder.json").write_text(json.dumps(encoder), "utf-8")
    (folder / "vocab.bpe").write_text(f"#version: 0.2\n{chars[0]} {chars[1]}\n", "utf-8")
    return folder


def test_validator_survives_thousands_of_mutations_of_a_small_gguf(tmp_path: Path) -> None:
    """A small GGUF (16-token vocabulary) parses in microseconds: fuzz it hard."""
    config = Gpt2Config(n_layer=1, n_embd=32, n_head=2, n_ctx=32, n_vocab=16)
    rng = np.random.default_rng(1)
    arrays = {
        k: rng.standard_normal(s).astype(np.float32) for k, s in expected_shapes(config).items()
    }
    source = write_gpt2_gguf(
        tmp_path / "mini.gguf",
        config,
        specs_from_arrays(arrays, 0),
        vocab_dir=_mini_vocab(tmp_path / "vocab", 16),
    )
    data = source.read_bytes()
    with pytest.raises(ModelError, match="vocabulary has 16 tokens"):
        validate_gguf(source)  # unmutated, it parses fully and fails only on the vocabulary
    regions = _structure(source)
    for mutation in _mutations(random.Random(7), len(data), regions, flips=5000, truncations=1000):
        assert not _check_validator(tmp_path / "fuzzed.gguf", data, mutation), mutation


_CHILD = """
import sys, llama_cpp
for line in sys.stdin:
    try:
        llm = llama_cpp.Llama(model_path=line.strip(), n_ctx=16, n_threads=1, verbose=False)
    except ValueError:
        print("refused", flush=True)
        continue
    llm.eval([464, 2068, 50256])
    llm.close()
    print("ok", flush=True)
"""


class _LlamaChild:
    """A child process that loads each file it is sent; restarted if llama.cpp kills it."""

    def __init__(self) -> None:
        self.proc = self._start()

    @staticmethod
    def _start() -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", _CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    def load(self, path: Path) -> str:
        """ "ok", "refused" (llama.cpp declined the file cleanly) or how the child died."""
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(f"{path}\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        if answer in ("ok", "refused"):
            return answer
        self.proc.wait(timeout=30)
        code = self.proc.returncode
        self.proc = self._start()
        return f"crashed with exit code {code}"

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def test_mutated_real_gguf_is_rejected_or_loads_without_crash(
    tiny_f32_gguf: Path, tmp_path: Path
) -> None:
    """A real (tiny, q8_0) GPT-2 GGUF: what the validator accepts, llama.cpp must survive."""
    source = quantize_gguf(tiny_f32_gguf, tmp_path / "tiny-q8_0.gguf", "q8_0", n_threads=1)
    data = source.read_bytes()
    regions = _structure(source)
    child = _LlamaChild()
    results: dict[str, list[Mutation]] = {"ok": [], "refused": []}
    crashes = []
    try:
        for mutation in _mutations(
            random.Random(11), len(data), regions, flips=160, truncations=40
        ):
            fuzzed = tmp_path / "fuzzed.gguf"
            if _check_validator(fuzzed, data, mutation):
                result = child.load(fuzzed)
                if result in results:
                    results[result].append(mutation)
                else:
                    crashes.append(f"{mutation}: llama.cpp {result}")
    finally:
        child.close()
    assert not crashes, "the validator let through files that crash llama.cpp:\n" + "\n".join(
        crashes
    )
    assert len(results["ok"]) >= 10  # flips in tensor data are harmless and pass


@pytest.mark.parametrize(
    ("key", "value"),
    [
        # Token 0 ("!") becomes token 1 ('"'): llama-vocab.cpp asserts id_to_token.size() ==
        # token_to_id.size() and aborts while loading.
        ("tokenizer.ggml.tokens", b'"'),
        # ggml_compute_forward_norm asserts eps >= 0 and aborts at the first decode.
        ("gpt2.attention.layer_norm_epsilon", struct.pack("<f", float("nan"))),
        ("gpt2.attention.layer_norm_epsilon", struct.pack("<f", -1.0)),
    ],
)
def test_validator_rejects_files_that_abort_llama_cpp(
    tiny_f32_gguf: Path, tmp_path: Path, key: str, value: bytes
) -> None:
    with pytest.raises(ModelError):
        validate_gguf(patched_gguf(tiny_f32_gguf, tmp_path / "crafted.gguf", key, value))
