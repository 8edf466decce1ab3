"""The GPT-2 checkpoints the model manager can install, what each quantization costs on disk, and
how long a keystroke's suggestions would take with it (`speed.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from keyboard_app.engine.gguf_format import Gpt2Config, expected_shapes
from keyboard_app.models.errors import ModelManagerError
from keyboard_app.models.quantize import QUANT_KINDS
from keyboard_app.models.speed import bytes_read_per_decode, keystroke_ms_for_bytes

CHECKPOINT_FILES = ("config.json", "model.safetensors")
_MIB = 1 << 20
# Bits per weight of each kind for matrices whose rows fit its block size (the k_m mixes include
# their share of q6_k tensors). k-quants need rows of 256 values; llama.cpp falls back to a legacy
# type otherwise (GPT-2 XL's 1,600-wide rows). The token embedding doubles as the output matrix,
# which llama.cpp keeps at q6_k (or q8_0 when it falls back) for the smaller kinds.
_BITS = {"q8_0": 8.5, "q6_k": 6.5625, "q5_k_m": 5.85, "q4_k_m": 5.1, "q4_0": 4.5, "f16": 16.0}
_FALLBACK_BITS = {"q6_k": 8.5, "q5_k_m": 6.0, "q4_k_m": 5.5}
_OUTPUT_KINDS = ("q5_k_m", "q4_k_m", "q4_0")


@dataclass(frozen=True)
class QuantEstimate:
    kind: str
    size_bytes: int
    #: The median time of one keystroke's suggestions (see `speed.py` for the machine).
    keystroke_ms: float


@dataclass(frozen=True)
class CatalogEntry:
    """One downloadable GPT-2 checkpoint on the Hugging Face Hub."""

    name: str
    title: str
    repo: str
    revision: str
    config: Gpt2Config
    parameters: int
    #: SHA-256 of model.safetensors at `revision`, where known (else the hub's LFS ETag is used).
    safetensors_sha256: str | None = None

    @property
    def download_bytes(self) -> int:
        """Size of model.safetensors: f32 weights plus a 1024x1024 causal-mask buffer per layer."""
        mask_buffers = self.config.n_layer * self.config.n_ctx * self.config.n_ctx * 4
        return self.parameters * 4 + mask_buffers

    def estimate(self, kind: str) -> QuantEstimate:
        """Approximate file size and keystroke time of this model quantized as `kind`."""
        if kind not in _BITS:
            raise ModelManagerError(f"Unknown quantization {kind!r}; choose from {QUANT_KINDS}.")
        tensor_bytes = {}
        for name, shape in expected_shapes(self.config).items():
            count = 1
            for dim in shape:
                count *= dim
            tensor_bytes[name] = int(count * self._bits(name, shape, kind) / 8)
        size = sum(tensor_bytes.values()) + 2 * _MIB  # plus the tokenizer in the metadata
        keystroke = keystroke_ms_for_bytes(bytes_read_per_decode(tensor_bytes))
        return QuantEstimate(kind, size, keystroke)

    @staticmethod
    def _bits(name: str, shape: tuple[int, ...], kind: str) -> float:
        if len(shape) == 1 or name == "position_embd.weight":
            return 32.0  # vectors and the position table stay f32
        if name == "token_embd.weight" and kind in _OUTPUT_KINDS:
            kind = "q6_k"
        if shape[1] % 256 and kind in _FALLBACK_BITS:
            return _FALLBACK_BITS[kind]
        return _BITS[kind]

    def estimates(self) -> list[QuantEstimate]:
        return [self.estimate(kind) for kind in QUANT_KINDS]


def gpt2_entry(
    name: str,
    title: str,
    repo: str,
    revision: str,
    layers: int,
    width: int,
    params: int,
    sha256: str | None = None,
    *,
    head_width: int = 64,
    n_ctx: int = 1024,
) -> CatalogEntry:
    """An entry for a GPT-2 of `layers` blocks of `width` (GPT-2's heads are 64 wide)."""
    config = Gpt2Config(n_layer=layers, n_embd=width, n_head=width // head_width, n_ctx=n_ctx)
    return CatalogEntry(name, title, repo, revision, config, params, sha256)


_CATALOG: tuple[CatalogEntry, ...] = (
    gpt2_entry(
        "gpt2",
        "GPT-2 small (124M)",
        "openai-community/gpt2",
        "607a30d783dfa663caf39e06633721c8d4cfcd7e",
        12,
        768,
        124_439_808,
        "248dfc3911869ec493c76e65bf2fcf7f615828b0254c12b473182f0f81d3a707",
    ),
    gpt2_entry(
        "gpt2-medium",
        "GPT-2 medium (355M)",
        "openai-community/gpt2-medium",
        "6dcaa7a952f72f9298047fd5137cd6e4f05f41da",
        24,
        1024,
        354_823_168,
    ),
    gpt2_entry(
        "gpt2-large",
        "GPT-2 large (774M)",
        "openai-community/gpt2-large",
        "32b71b12589c2f8d625668d2335a01cac3249519",
        36,
        1280,
        774_030_080,
    ),
    gpt2_entry(
        "gpt2-xl",
        "GPT-2 XL (1.5B)",
        "openai-community/gpt2-xl",
        "15ea56dee5df4983c59b2538573817e1667135e2",
        48,
        1600,
        1_557_611_200,
    ),
)


def keystroke_ms(entry: CatalogEntry, kind: str = "q8_0") -> float:
    """The median time of one keystroke's suggestions with `entry` quantized as `kind`."""
    return entry.estimate(kind).keystroke_ms


def catalog() -> list[CatalogEntry]:
    """Every model the manager can download, smallest first."""
    return list(_CATALOG)


def catalog_entry(name: str) -> CatalogEntry:
    aliases = {
        "gpt2-small": "gpt2",
        "small": "gpt2",
        "medium": "gpt2-medium",
        "large": "gpt2-large",
        "xl": "gpt2-xl",
    }
    wanted = aliases.get(name.lower(), name.lower())
    for entry in _CATALOG:
        if entry.name == wanted:
            return entry
    names = ", ".join(e.name for e in _CATALOG)
    raise ModelManagerError(f"There is no model {name!r} in the catalog; choose one of: {names}.")
