"""The one error a refused package raises."""


class ScormError(ValueError):
    """The package is refused; the message says why (in the user's language)."""
