"""The prediction engine: GPT-2 on llama.cpp. No Qt here; usable from scripts and tests alone.

`Predictor` and friends are imported on first use, so that importing `keyboard_app.engine.errors` (as every
command does) does not load llama.cpp.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from keyboard_app.engine.errors import ModelError

if TYPE_CHECKING:
    from keyboard_app.engine.predictor import ModelInfo, Predictor, Suggestion, TokenChoice

__all__ = ["ModelError", "ModelInfo", "Predictor", "Suggestion", "TokenChoice"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from keyboard_app.engine import predictor

        return getattr(predictor, name)
    raise AttributeError(name)
