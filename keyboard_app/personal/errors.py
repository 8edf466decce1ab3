"""The personal store's user-facing errors."""

from __future__ import annotations

from keyboard_app.engine.errors import ModelError


class PersonalStoreError(ModelError):
    """The store of learned words could not be read, written, imported or exported; the message
    is for a person and says what was kept."""
