"""The model manager's user-facing errors."""

from __future__ import annotations

from keyboard_app.engine.errors import ModelError


class ModelManagerError(ModelError):
    """A download, conversion, quantization or store operation failed; the message is for people."""


class OperationCancelled(ModelManagerError):
    """The user cancelled a long operation; partial downloads are kept so it can resume."""
