"""The one table of GPT-2 tensor names: GGUF and Hugging Face names, both ways."""

from __future__ import annotations

import pytest

from keyboard_app.engine.gguf_format import (
    Gpt2Config,
    expected_shapes,
    gguf_tensor_name,
    hf_stores_transposed,
    hf_tensor_name,
)

CONFIG = Gpt2Config(n_layer=3, n_embd=64, n_head=4, n_ctx=128)


def test_every_gguf_tensor_has_a_hugging_face_name_and_back() -> None:
    names = list(expected_shapes(CONFIG))
    assert len(names) == 4 + 12 * CONFIG.n_layer
    hf_names = [hf_tensor_name(name) for name in names]
    assert len(set(hf_names)) == len(names)
    for name, hf in zip(names, hf_names, strict=True):
        assert gguf_tensor_name(hf) == name
        assert gguf_tensor_name("transformer." + hf) == name


@pytest.mark.parametrize(
    ("hf", "gguf"),
    [
        ("wte.weight", "token_embd.weight"),
        ("wpe.weight", "position_embd.weight"),
        ("ln_f.bias", "output_norm.bias"),
        ("h.0.ln_1.weight", "blk.0.attn_norm.weight"),
        ("h.11.attn.c_attn.weight", "blk.11.attn_qkv.weight"),
        ("h.2.attn.c_proj.bias", "blk.2.attn_output.bias"),
        ("h.5.ln_2.bias", "blk.5.ffn_norm.bias"),
        ("h.7.mlp.c_fc.weight", "blk.7.ffn_up.weight"),
        ("h.7.mlp.c_proj.weight", "blk.7.ffn_down.weight"),
    ],
)
def test_names_as_hugging_face_and_llama_cpp_spell_them(hf: str, gguf: str) -> None:
    assert gguf_tensor_name(hf) == gguf and hf_tensor_name(gguf) == hf


@pytest.mark.parametrize(
    "hf", ["h.0.attn.bias", "lm_head.weight", "h.0.attn.rotary.weight", "h.x.ln_1.weight", "wte"]
)
def test_other_names_are_not_gpt2_weights(hf: str) -> None:
    assert gguf_tensor_name(hf) is None


def test_only_the_blocks_matrices_are_stored_transposed_by_hugging_face() -> None:
    transposed = {name for name in expected_shapes(CONFIG) if hf_stores_transposed(name)}
    assert transposed == {
        f"blk.{i}.{part}.weight"
        for i in range(CONFIG.n_layer)
        for part in ("attn_qkv", "attn_output", "ffn_up", "ffn_down")
    }
