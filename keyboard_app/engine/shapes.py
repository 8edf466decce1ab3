"""The shapes a GPT-2 model may have here: what the GGUF validator accepts, the checkpoint converter
checks a config.json against, and the trainer's options allow (no imports: the CLI reads these
without loading gguf or NumPy)."""

from __future__ import annotations

MAX_CONTEXT = 1024  # GPT-2's positions; evaluating past them aborts llama.cpp
MIN_CONTEXT = 32
# The largest shapes accepted (GPT-2 XL: 48 layers, 1,600 wide, 25 heads); the converter refuses a
# config.json beyond them before it allocates anything.
MAX_LAYERS = 128
MAX_WIDTH = 8192
MAX_HEADS = 256
