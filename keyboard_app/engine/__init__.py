"""The prediction engine: GPT-2 on llama.cpp. No Qt here; usable from scripts and tests alone."""

from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.predictor import ModelInfo, Predictor, Suggestion, TokenChoice

__all__ = ["ModelError", "ModelInfo", "Predictor", "Suggestion", "TokenChoice"]
