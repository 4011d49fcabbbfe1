"""The LRS's public surface for the rest of the platform."""

from __future__ import annotations

import copy

from . import conf, statement_store, versions


def platform_authority() -> dict:
    return {"objectType": "Agent", "name": "platform", "account": {"homePage": conf.home_page(), "name": "platform"}}


def store_statements(statements: list[dict], *, authority: dict | None = None) -> list[str]:
    """Validate and store statements written by the platform itself (its own authority unless given);
    returns their ids. Raises ``lms.xapi.errors.XapiError`` for an invalid statement. Idempotent by id: a
    statement whose id is already stored with the same content is not stored again."""
    batch = statement_store.validate_batch(copy.deepcopy(list(statements)), versions.V1)
    return statement_store.store(batch, authority=authority or platform_authority(), version=versions.V1)
