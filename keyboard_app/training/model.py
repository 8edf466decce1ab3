"""GPT-2 in PyTorch, as llama.cpp's `gpt2` architecture computes it, over a restricted vocabulary.

Pre-LN blocks, GELU (tanh approximation), learned positions, layer-norm eps 1e-5, fused QKV
projection (q, k, v in that order, like GPT-2's `c_attn`), output tied to the token embedding. A
block's layers are named as llama.cpp names their tensors (`gguf_format.BLOCK_LAYERS`), which is
how the export finds them.

The output layer (50,257 x width) dominates the cost at small widths, so the model is trained over
a restricted vocabulary: the `n_vocab - 1` most frequent training tokens, plus one shared row,
`RARE`, that stands for every other token. The last hidden dimension is reserved: the final layer
norm's output there is pinned to `RESERVED_OUTPUT`, and the embedding's reserved column is zero for
every frequent token and `RARE_OFFSET` for `RARE`. The export gives every rare token the `RARE` row
(so each gets P(RARE) / number of rare tokens, as the loss's log-count correction makes it), and
every token never seen in training the same row pushed far down the reserved column, so that
together they get a negligible probability (see `export.py`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import cast

import torch
from torch import nn
from torch.nn import functional as F

LAYER_NORM_EPS = 1e-5
RESERVED_OUTPUT = 50.0
RARE_OFFSET = -0.05
UNSEEN_OFFSET = RARE_OFFSET - 0.5  # 25 logits below a rare token


@dataclass(frozen=True)
class ModelConfig:
    n_layer: int
    n_embd: int
    n_head: int
    n_ctx: int
    n_vocab: int  # frequent tokens + the shared RARE row (the last one)
    n_rare: int = 1  # how many GPT-2 tokens the RARE row stands for
    # On the embeddings and residual branches only: dropping attention weights makes PyTorch
    # leave its fused attention kernel, which made training 1.3x slower on CPU.
    dropout: float = 0.0


class Block(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        e = config.n_embd
        self.n_head = config.n_head
        self.attn_norm = nn.LayerNorm(e, eps=LAYER_NORM_EPS)
        self.attn_qkv = nn.Linear(e, 3 * e)
        self.attn_output = nn.Linear(e, e)
        self.ffn_norm = nn.LayerNorm(e, eps=LAYER_NORM_EPS)
        self.ffn_up = nn.Linear(e, 4 * e)
        self.ffn_down = nn.Linear(4 * e, e)
        self.drop = nn.Dropout(config.dropout)

    def linears(self) -> tuple[nn.Linear, ...]:
        return (self.attn_qkv, self.attn_output, self.ffn_up, self.ffn_down)

    def attention(self, x: torch.Tensor) -> torch.Tensor:
        batch, length, width = x.shape
        q, k, v = self.attn_qkv(x).split(width, dim=2)
        shape = (batch, length, self.n_head, width // self.n_head)
        q, k, v = (t.view(shape).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        out: torch.Tensor = self.attn_output(y.transpose(1, 2).reshape(batch, length, width))
        return out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop(self.attention(self.attn_norm(x)))
        mlp = self.ffn_down(F.gelu(self.ffn_up(self.ffn_norm(x)), approximate="tanh"))
        out: torch.Tensor = x + self.drop(mlp)
        return out


class Gpt2(nn.Module):
    """GPT-2 over `config.n_vocab` rows; inputs and targets are restricted-vocabulary indices."""

    reserved_mask: torch.Tensor
    reserved_column: torch.Tensor
    rare_correction: torch.Tensor

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        self.wte = nn.Parameter(torch.empty(config.n_vocab, config.n_embd))
        self.wpe = nn.Parameter(torch.empty(config.n_ctx, config.n_embd))
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.ln_f = nn.LayerNorm(config.n_embd, eps=LAYER_NORM_EPS)
        self.drop = nn.Dropout(config.dropout)
        mask = torch.ones(config.n_embd)
        mask[-1] = 0.0
        self.register_buffer("reserved_mask", mask, persistent=False)
        reserved = torch.zeros(config.n_vocab, config.n_embd)
        reserved[-1, -1] = RARE_OFFSET
        self.register_buffer("reserved_column", reserved, persistent=False)
        correction = torch.zeros(config.n_vocab)
        correction[-1] = math.log(max(config.n_rare, 1))
        self.register_buffer("rare_correction", correction, persistent=False)
        self._init_weights()

    def _init_weights(self) -> None:
        """GPT-2's initialisation: N(0, 0.02), residual projections scaled by 1/sqrt(2 n_layer)."""
        residual_std = 0.02 / math.sqrt(2 * self.config.n_layer)
        nn.init.normal_(self.wte, std=0.02)
        nn.init.normal_(self.wpe, std=0.01)
        for block in self.layers():
            for linear in block.linears():
                std = residual_std if linear in (block.attn_output, block.ffn_down) else 0.02
                nn.init.normal_(linear.weight, std=std)
                nn.init.zeros_(linear.bias)

    def layers(self) -> list[Block]:
        return [cast(Block, block) for block in self.blocks]

    def token_embedding(self) -> torch.Tensor:
        """The embedding with the reserved dimension fixed (zero, or RARE_OFFSET for RARE)."""
        return self.wte * self.reserved_mask + self.reserved_column

    def final_norm(self, x: torch.Tensor) -> torch.Tensor:
        """The final layer norm with its reserved output pinned (weight 0, bias RESERVED_OUTPUT)."""
        h = self.ln_f(x)
        pinned = torch.full_like(h[..., -1:], RESERVED_OUTPUT)
        return torch.cat([h[..., :-1], pinned], dim=-1)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        """Logits over the restricted vocabulary, shape (batch, length, n_vocab); the RARE logit
        is the log of the total probability of all rare tokens."""
        wte = self.token_embedding()
        x = self.drop(wte[idx] + self.wpe[: idx.shape[1]])
        for block in self.blocks:
            x = block(x)
        return self.final_norm(x) @ wte.T + self.rare_correction

    def loss(self, batch: torch.Tensor) -> torch.Tensor:
        """Mean next-token cross-entropy over restricted-vocabulary indices."""
        inputs, targets = batch[:, :-1], batch[:, 1:]
        logits = self.forward(inputs)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    def hidden_matrices(self) -> list[torch.Tensor]:
        """The blocks' weight matrices: what Muon trains (not the embeddings, norms or biases)."""
        return [linear.weight for block in self.layers() for linear in block.linears()]

    def param_groups(
        self, weight_decay: float, without: list[torch.Tensor] | None = None
    ) -> list[dict[str, object]]:
        """Weight decay on matrices only (not on norms, biases or the position table); the
        parameters in `without` are left out (another optimizer trains them)."""
        skip = {id(p) for p in without or []}
        named = [(n, p) for n, p in self.named_parameters() if id(p) not in skip]
        decay = [p for n, p in named if p.dim() == 2 and n != "wpe"]
        rest = [p for n, p in named if p.dim() < 2 or n == "wpe"]
        return [
            {"params": decay, "weight_decay": weight_decay},
            {"params": rest, "weight_decay": 0.0},
        ]
