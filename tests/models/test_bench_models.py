"""`bench models` writes its random checkpoint through the one tensor-name table, the inverse of
the converter's: the checkpoint converts, and the weights arrive where they belong."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

from keyboard_app.commands.bench_models import write_random_checkpoint
from keyboard_app.engine.gguf_format import Gpt2Config
from keyboard_app.engine.gguf_validate import validate_gguf
from keyboard_app.models.convert import convert_checkpoint
from tests.models.llama_helpers import read_tensor


def test_the_random_checkpoint_converts_back_to_its_weights(tmp_path: Path) -> None:
    config = Gpt2Config(n_layer=2, n_embd=64, n_head=4, n_ctx=64)
    folder = tmp_path / "random"
    folder.mkdir()
    write_random_checkpoint(folder, config)
    weights = load_file(str(folder / "model.safetensors"))
    assert weights["h.1.mlp.c_fc.weight"].shape == (64, 256)  # Conv1D: (in, out)
    out = convert_checkpoint(folder, tmp_path / "random.gguf")
    assert validate_gguf(out).config == config
    np.testing.assert_array_equal(
        read_tensor(out, "blk.1.ffn_up.weight"), weights["h.1.mlp.c_fc.weight"].T
    )
    np.testing.assert_array_equal(read_tensor(out, "token_embd.weight"), weights["wte.weight"])
