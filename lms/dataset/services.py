"""The dataset app's public actions: write a dataset of a scope, read one back, and whose scope a user exports."""

from __future__ import annotations

from lms.org import scope as org_scope
from lms.org.models import OrgUnit

from .base import ExportScope
from .exporter import write_dataset
from .importer import DatasetError, ImportResult, import_dataset
from .registry import BY_NAME


def scope_of_units(units: list[OrgUnit] | None) -> ExportScope:
    return ExportScope(units=list(units) if units is not None else None)


def scope_for_user(user) -> ExportScope | None:
    """HR's export scope (the units they oversee; a superuser: everything), or None for anyone else."""
    if getattr(user, "is_superuser", False):
        return ExportScope()
    if not org_scope.is_hr(user):
        return None
    units = org_scope.managed_units(user)
    return ExportScope(units=units) if units else None


def find_unit(ident: str) -> OrgUnit | None:
    """The unit a dataset identifier names here: a unit code, or ``path:`` and the names from the root."""
    return BY_NAME["org_units"].find(ident, None)


def export_dataset(out, scope: ExportScope | None = None) -> dict:
    """Write the dataset of ``scope`` (everything when None) into the binary file ``out``; returns the manifest."""
    return write_dataset(out, scope or ExportScope())


__all__ = ["DatasetError", "ExportScope", "ImportResult", "export_dataset", "find_unit", "import_dataset",
           "scope_for_user", "scope_of_units"]
