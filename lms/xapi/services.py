"""The LRS's public surface for the rest of the platform."""

from __future__ import annotations


def store_statements(statements: list[dict], *, authority: dict | None = None) -> list[str]:
    """Validate and store statements written by the platform itself (its own authority unless given);
    returns their ids. Raises ``lms.xapi.errors.XapiError`` for an invalid statement. Idempotent by id: a
    statement whose id is already stored with the same content is not stored again."""
    raise NotImplementedError
