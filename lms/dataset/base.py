"""What every entity of the standard provides, the export scope and the state an import carries between files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Q

from lms.org.models import OrgUnit

from .standard import Field

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class DatasetConflict(Exception):
    """A row cannot be applied to the site as it is now (found while applying: everything is rolled back)."""

    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field, self.reason = field, reason


@dataclass
class ExportScope:
    """Everything (``units`` None) or the subtrees of ``units`` (HR's or a secretary's scope, ``--scope``)."""

    units: list[OrgUnit] | None = None

    @property
    def everything(self) -> bool:
        return self.units is None

    def q(self, prefix: str) -> Q:
        """Rows whose org unit (reached through ``prefix``, e.g. ``member__org_unit__``) lies in the scope."""
        if self.units is None:
            return Q()
        q = Q(pk__in=[])
        for unit in self.units:
            q |= Q(**{f"{prefix}path__startswith": unit.path})
        return q

    def describe(self) -> dict:
        if self.units is None:
            return {"all": True, "units": []}
        return {"all": False, "units": [unit_id(u) for u in self.units]}


def unit_id(unit: OrgUnit) -> str:
    """A unit's stable identifier: its code, or ``path:`` and its names from the root when it has none."""
    return unit.code or "path:" + unit.full_name


class Entity:
    """One entity of the standard: one ``<name>.jsonl`` file."""

    name = ""
    fields: list[Field] = []
    cacheable = True  # False where applying one row moves others (tree paths): found afresh each time

    def key(self, row: dict):
        """What makes a line unique in its file (the entity's identifier)."""
        return row["id"]

    def export(self, scope: ExportScope) -> Iterator[dict]:
        raise NotImplementedError

    def check(self, row: dict, ctx: ImportContext) -> list[tuple[str, str]]:
        """Rules beyond one value's type: (field, reason) for each problem with the site as it is."""
        return []

    def find(self, ident: str, ctx: ImportContext):
        """The local object that ``ident`` names, or None."""
        return None

    def apply(self, row: dict, ctx: ImportContext) -> str:
        raise NotImplementedError


@dataclass
class ImportContext:
    """Rows of the dataset by entity and id (validated), and local objects found or made while applying."""

    rows: dict[str, dict] = field(default_factory=dict)  # entity name → {id: row}
    entities: dict[str, Entity] = field(default_factory=dict)
    found: dict[tuple[str, str], object] = field(default_factory=dict)
    cache: dict = field(default_factory=dict)
    refs: object = None  # keys.ReferenceMap of this import (set by the importer)

    def codes(self, entity: str, model) -> set[str]:
        """A code list that is data (roles, posts, activity kinds): the dataset's codes and the site's."""
        if entity not in self.cache:
            self.cache[entity] = set(self.rows.get(entity, {})) | set(model.objects.values_list("code", flat=True))
        return self.cache[entity]

    def in_dataset(self, entity: str, ident) -> bool:
        return ident in self.rows.get(entity, {})

    def local(self, entity: str, ident):
        """The local object for ``ident`` (cached: an import refers to the same unit or course many times)."""
        if ident is None:
            return None
        key = (entity, ident)
        if not self.entities[entity].cacheable or self.found.get(key) is None:
            self.found[key] = self.entities[entity].find(ident, self)
        return self.found[key]

    def remember(self, entity: str, ident, obj) -> None:
        self.found[(entity, ident)] = obj

    def exists(self, entity: str, ident) -> bool:
        return self.in_dataset(entity, ident) or self.local(entity, ident) is not None
