"""The one error class meant to be shown to the user."""


class ModelError(Exception):
    """Something is wrong with a model or a request to it; the message is written for a person."""
