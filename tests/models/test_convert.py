"""Hugging Face GPT-2 -> GGUF: llama.cpp on the converted file matches a numpy GPT-2."""

from __future__ import annotations

import json
import re
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from keyboard_app.engine.gguf_validate import validate_gguf
from keyboard_app.models.convert import convert_checkpoint, read_config
from keyboard_app.models.errors import ModelManagerError, OperationCancelled
from keyboard_app.models.progress import Progress
from keyboard_app.models.quantize import quantize_gguf
from tests.models.gpt2_reference import gpt2_logits
from tests.models.hf_fixtures import (
    TINY,
    hf_config,
    tiny_weights,
    to_bfloat16,
    write_bfloat16_checkpoint,
    write_checkpoint,
)
from tests.models.llama_helpers import llama_logits

# Random tokens over the whole vocabulary, plus its two ends and <|endoftext|>.
TOKENS = [0, 50256, 50255, *(int(t) for t in np.random.default_rng(5).integers(0, 50257, 57))]


@pytest.fixture(scope="module")
def reference_logits() -> np.ndarray:
    return gpt2_logits(tiny_weights(), TOKENS, TINY["n_head"])


def test_f32_logits_match_numpy_gpt2(tiny_f32_gguf: Path, reference_logits: np.ndarray) -> None:
    info = validate_gguf(tiny_f32_gguf)
    assert info.quantization == "F32"
    assert "output.weight" not in info.tensor_types  # tied to the token embedding
    logits = llama_logits(tiny_f32_gguf, TOKENS)
    assert np.abs(logits).max() > 1.0  # the check below is not vacuous
    np.testing.assert_allclose(logits, reference_logits, atol=5e-3, rtol=0)


def test_prefixed_layout_converts_identically(
    tmp_path: Path, tiny_f32_gguf: Path, reference_logits: np.ndarray
) -> None:
    folder = write_checkpoint(tmp_path / "prefixed", tiny_weights(), prefix="transformer.")
    out = convert_checkpoint(folder, tmp_path / "prefixed.gguf")
    logits = llama_logits(out, TOKENS)
    np.testing.assert_allclose(logits, reference_logits, atol=5e-3, rtol=0)


def test_f16_and_q8_0_keep_the_top_token(
    tmp_path: Path, tiny_checkpoint: Path, tiny_f32_gguf: Path, reference_logits: np.ndarray
) -> None:
    f16 = convert_checkpoint(tiny_checkpoint, tmp_path / "f16.gguf", out_type="f16")
    q8 = quantize_gguf(tiny_f32_gguf, tmp_path / "q8.gguf", "q8_0", n_threads=2)
    want = reference_logits.argmax(-1)
    best = reference_logits.max(-1)
    for path in (f16, q8):
        picked = llama_logits(path, TOKENS).argmax(-1)
        assert (picked == want).mean() >= 0.9, path.name
        # Where the pick differs, the reference had a near tie (random weights make a few): the
        # pick is within the rounding q8_0 causes in these logits (about 0.2 at most).
        shortfall = best - reference_logits[np.arange(len(TOKENS)), picked]
        assert shortfall.max() < 0.2, path.name
    assert validate_gguf(f16).quantization == "F16"


def test_progress_is_reported_per_tensor(tmp_path: Path, tiny_checkpoint: Path) -> None:
    reports: list[Progress] = []
    convert_checkpoint(tiny_checkpoint, tmp_path / "out.gguf", progress=reports.append)
    n_tensors = 4 + 12 * TINY["n_layer"]
    assert [r.done for r in reports] == list(range(n_tensors))
    assert {r.total for r in reports} == {n_tensors}


def test_cancel_leaves_no_file(tmp_path: Path, tiny_checkpoint: Path) -> None:
    cancel = threading.Event()

    def cancel_at_fifth(p: Progress) -> None:
        if p.done == 5:
            cancel.set()

    with pytest.raises(OperationCancelled):
        convert_checkpoint(
            tiny_checkpoint, tmp_path / "out.gguf", progress=cancel_at_fifth, cancel=cancel
        )
    assert list(tmp_path.iterdir()) == []


def _broken_checkpoint(tmp_path: Path, kind: str) -> Path:
    weights = tiny_weights()
    folder = tmp_path / kind
    if kind == "missing-tensor":
        del weights["h.1.mlp.c_fc.weight"]
    elif kind == "wrong-shape":
        weights["h.0.attn.c_proj.weight"] = weights["h.0.attn.c_proj.weight"][:, :16]
    elif kind == "extra-tensor":
        weights["h.0.attn.rotary.weight"] = np.zeros(4, np.float32)
    write_checkpoint(folder, weights)
    if kind == "not-gpt2":
        (folder / "config.json").write_text(json.dumps(hf_config(model_type="llama")))
    elif kind == "other-vocab":
        (folder / "config.json").write_text(json.dumps(hf_config(vocab_size=32000)))
    elif kind == "bad-json":
        (folder / "config.json").write_text("{not json")
    elif kind == "json-list":
        (folder / "config.json").write_text("[1, 2]")
    elif kind == "json-too-deep":
        (folder / "config.json").write_text("[" * 100_000 + "]" * 100_000)
    elif kind == "no-config":
        (folder / "config.json").unlink()
    elif kind == "no-weights":
        (folder / "model.safetensors").unlink()
    elif kind == "truncated-weights":
        data = (folder / "model.safetensors").read_bytes()
        (folder / "model.safetensors").write_bytes(data[: len(data) // 2])
    return folder


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("missing-tensor", "missing 1 tensor"),
        ("wrong-shape", "has shape"),
        ("extra-tensor", "unexpected tensor"),
        ("not-gpt2", "only GPT-2"),
        ("other-vocab", "vocabulary of 32000"),
        ("bad-json", "cannot be read as JSON"),
        ("json-list", "not a model description"),
        ("json-too-deep", "cannot be read as JSON"),
        ("no-config", "has no config.json"),
        ("no-weights", "has no model.safetensors"),
        ("truncated-weights", "not a readable safetensors"),
    ],
)
def test_bad_checkpoints_are_refused_clearly(tmp_path: Path, kind: str, message: str) -> None:
    folder = _broken_checkpoint(tmp_path, kind)
    out = tmp_path / "out" / "model.gguf"
    with pytest.raises(ModelManagerError, match=message):
        convert_checkpoint(folder, out)
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"n_layer": 200_000}, "200,000 layers (from 1 to 128 are possible)"),
        ({"n_embd": 1_000_000}, "1,000,000 width (from 1 to 8,192 are possible)"),
        ({"n_head": 100_000}, "100,000 heads (from 1 to 256 are possible)"),
        ({"n_positions": 1 << 30}, "1,073,741,824 context (from 32 to 1,024 are possible)"),
        ({"n_positions": 16}, "16 context (from 32 to 1,024 are possible)"),  # the validator's
        ({"n_layer": 0}, "0 layers"),
        ({"n_embd": 33}, "a width of 33 that 2 heads cannot share"),
        ({"n_inner": 100}, "a feed-forward width of 100 instead of 128"),
        ({"activation_function": "relu"}, "the activation 'relu'"),
    ],
)
def test_absurd_sizes_in_config_json_are_refused_up_front(
    tmp_path: Path, tiny_checkpoint: Path, overrides: dict[str, int], message: str
) -> None:
    """Refused from config.json alone, before any tensor list or buffer is built for it."""
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "model.safetensors").symlink_to(tiny_checkpoint / "model.safetensors")
    (folder / "config.json").write_text(json.dumps(hf_config(**overrides)))
    started = time.thread_time()  # CPU time: a loaded machine's waits are not the code's
    with pytest.raises(ModelManagerError, match=re.escape(message)):
        convert_checkpoint(folder, tmp_path / "out.gguf")
    assert time.thread_time() - started < 1.0
    assert not (tmp_path / "out.gguf").exists()


def test_read_config(tiny_checkpoint: Path) -> None:
    config = read_config(tiny_checkpoint)
    assert (config.n_layer, config.n_embd, config.n_head, config.n_ctx) == (2, 32, 2, 128)


@contextmanager
def _file_size_limit(limit: int) -> Iterator[None]:
    """Writes past `limit` bytes fail (EFBIG), as writes to a full disk fail (ENOSPC)."""
    resource = pytest.importorskip("resource")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous_handler)


def test_a_failed_write_leaves_no_file(tmp_path: Path, tiny_checkpoint: Path) -> None:
    out = tmp_path / "out" / "model.gguf"
    with _file_size_limit(1 << 20), pytest.raises(ModelManagerError, match=r"Cannot write .*model"):
        convert_checkpoint(tiny_checkpoint, out)
    assert list(out.parent.iterdir()) == []  # neither the file nor the writer's temporary one


def test_a_full_disk_is_named(tmp_path: Path, tiny_checkpoint: Path, tiny_f32_gguf: Path) -> None:
    """A write cut short inside the tensor data, where NumPy's error has no errno, as on a full
    disk: the message says so, and no file is left."""
    out = tmp_path / "out" / "model.gguf"
    with (
        _file_size_limit(tiny_f32_gguf.stat().st_size // 2),
        pytest.raises(ModelManagerError) as caught,
    ):
        convert_checkpoint(tiny_checkpoint, out)
    assert (
        str(caught.value) == f"Cannot write {out}: the disk is full (the file needs about 8.6 MB)."
    )
    assert list(out.parent.iterdir()) == []


def test_a_checkpoint_larger_than_the_free_space_is_refused_up_front(
    tmp_path: Path, tiny_checkpoint: Path
) -> None:
    """128 layers 8,192 wide: about 414 GB of f32, refused before anything is written."""
    if shutil.disk_usage(tmp_path).free > 420e9:
        pytest.skip("this disk has room for the file")
    folder = tmp_path / "huge"
    folder.mkdir()
    (folder / "model.safetensors").symlink_to(tiny_checkpoint / "model.safetensors")
    (folder / "config.json").write_text(json.dumps(hf_config(n_layer=128, n_embd=8192)))
    with pytest.raises(ModelManagerError, match=r"Not enough disk space in .*: 414 GB needed"):
        convert_checkpoint(folder, tmp_path / "out.gguf")
    assert not (tmp_path / "out.gguf").exists()


def test_bfloat16_weights_convert_to_their_float32_values(tmp_path: Path) -> None:
    """NumPy has no bfloat16: its 16 bits are the upper half of the same float32."""
    weights = tiny_weights()
    widened = {
        k: (v.astype(np.uint32) << 16).view(np.float32) for k, v in to_bfloat16(weights).items()
    }
    assert all(np.abs(widened[k] - weights[k]).max() < 0.01 for k in weights)  # bfloat16's rounding
    from_bf16 = convert_checkpoint(
        write_bfloat16_checkpoint(tmp_path / "bf16" / "m", weights), tmp_path / "bf16.gguf"
    )
    from_f32 = convert_checkpoint(
        write_checkpoint(tmp_path / "f32" / "m", widened), tmp_path / "f32.gguf"
    )
    assert from_bf16.read_bytes() == from_f32.read_bytes()


def test_an_output_that_is_the_input_is_refused_and_the_input_kept(
    tmp_path: Path, tiny_checkpoint: Path, tiny_f32_gguf: Path
) -> None:
    model = tmp_path / "model.gguf"
    shutil.copyfile(tiny_f32_gguf, model)
    (tmp_path / "link.gguf").symlink_to(model)
    for output in (model, tmp_path / "link.gguf"):
        with pytest.raises(ModelManagerError, match=r"over itself.*the input is kept"):
            quantize_gguf(model, output, "q8_0", n_threads=1)
    assert model.read_bytes() == tiny_f32_gguf.read_bytes()
    checkpoint = tmp_path / "checkpoint"
    shutil.copytree(tiny_checkpoint, checkpoint)
    weights = (checkpoint / "model.safetensors").read_bytes()
    with pytest.raises(ModelManagerError, match="a file of the checkpoint itself"):
        convert_checkpoint(checkpoint, checkpoint / "model.safetensors")
    assert (checkpoint / "model.safetensors").read_bytes() == weights
    assert sorted(p.name for p in checkpoint.iterdir()) == sorted(
        p.name for p in tiny_checkpoint.iterdir()
    )
