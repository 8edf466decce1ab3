"""Export a trained model to GPT-2 GGUF through the project's writer, then quantize it with llama.cpp.

The restricted vocabulary is expanded back to all 50,257 tokens: frequent tokens get their own rows,
every other token seen in training shares the RARE row, and tokens never seen in training get the
RARE row pushed `UNSEEN_OFFSET` down the reserved dimension, which the final layer norm pins to
`RESERVED_OUTPUT`: their logits end up 25 below a rare token's, a negligible probability.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from keyboard_app.engine.context import TRAINED_MODEL_NAME
from keyboard_app.engine.gguf_format import (
    BLOCK_LAYERS,
    FILE_TYPE_F32,
    Gpt2Config,
    specs_from_arrays,
    write_gpt2_gguf,
)
from keyboard_app.engine.tokenizer import N_VOCAB
from keyboard_app.training.model import RESERVED_OUTPUT, UNSEEN_OFFSET, Gpt2, ModelConfig
from keyboard_app.training.vocab import RestrictedVocab


def load_best(path: Path) -> tuple[Gpt2, RestrictedVocab, dict[str, Any]]:
    saved = torch.load(path, weights_only=False)
    model = Gpt2(ModelConfig(**saved["model_config"]))
    model.load_state_dict(saved["model"])
    model.eval()
    return model, RestrictedVocab(saved["frequent"], saved["seen"]), saved


def _numpy(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().cpu().numpy().astype(np.float32)


def full_vocabulary_embedding(model: Gpt2, vocab: RestrictedVocab) -> np.ndarray:
    table = _numpy(model.token_embedding())[vocab.lookup()]
    unseen = np.ones(N_VOCAB, dtype=bool)
    unseen[vocab.seen] = False
    unseen[vocab.frequent] = False
    table[unseen, -1] = UNSEEN_OFFSET
    return np.asarray(table, dtype=np.float32)


def gguf_arrays(model: Gpt2, vocab: RestrictedVocab) -> dict[str, np.ndarray]:
    """Every tensor under llama.cpp's GPT-2 name, in numpy (out, in) order."""
    norm_weight, norm_bias = _numpy(model.ln_f.weight), _numpy(model.ln_f.bias)
    norm_weight[-1], norm_bias[-1] = 0.0, RESERVED_OUTPUT
    arrays = {
        "token_embd.weight": full_vocabulary_embedding(model, vocab),
        "position_embd.weight": _numpy(model.wpe),
        "output_norm.weight": norm_weight,
        "output_norm.bias": norm_bias,
    }
    for i, block in enumerate(model.layers()):
        for layer in BLOCK_LAYERS:
            for kind in ("weight", "bias"):
                parameter = block.get_parameter(f"{layer.gguf}.{kind}")
                arrays[f"blk.{i}.{layer.gguf}.{kind}"] = _numpy(parameter)
    return arrays


def export_gguf(model: Gpt2, vocab: RestrictedVocab, out: Path) -> Path:
    """Write the model as an f32 GPT-2 GGUF."""
    c = model.config
    config = Gpt2Config(n_layer=c.n_layer, n_embd=c.n_embd, n_head=c.n_head, n_ctx=c.n_ctx)
    return write_gpt2_gguf(
        out,
        config,
        specs_from_arrays(gguf_arrays(model, vocab), FILE_TYPE_F32),
        name=TRAINED_MODEL_NAME,
        file_type=FILE_TYPE_F32,
    )


def export_quantized(model: Gpt2, vocab: RestrictedVocab, out: Path, quant: str = "q8_0") -> Path:
    """Export, then quantize with llama.cpp to `out` (the f32 file is removed)."""
    from keyboard_app.models.quantize import quantize_gguf

    f32 = export_gguf(model, vocab, out.with_name(out.stem + "-f32.gguf"))
    try:
        return quantize_gguf(f32, out, quant)
    finally:
        f32.unlink(missing_ok=True)
