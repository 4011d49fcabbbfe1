"""The learning record store's tables, one module per resource (each owned by the code that serves it)."""

from .clients import LrsClient

__all__ = ["LrsClient"]
