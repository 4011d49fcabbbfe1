"""xAPI statements, as the learning record store keeps them (``lms.xapi``).

The store's model is looked up by name, so this module reads whatever the installed store exposes through the
documented statement fields; statements are written back through the store's own ``store_statements`` (it checks
them and is idempotent by id). A site without a store exports no statements and refuses a dataset that has some.
"""

from __future__ import annotations

import json

from django.apps import apps
from django.utils.translation import gettext as _

from .base import CREATED, UNCHANGED, DatasetConflict, Entity, ImportContext
from .standard import DATETIME, JSON, STRING, UUID, Field, write_datetime

STATEMENT_FIELDS = ("actor", "verb", "object", "result", "context", "timestamp", "stored", "authority", "version")


def statement_model():
    try:
        return apps.get_model("xapi", "Statement")
    except LookupError:
        return None


def _as_json(value):
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def statement_json(obj) -> dict:
    """The statement as stored: its full JSON when the store keeps it whole, else its documented fields."""
    whole = next((getattr(obj, name) for name in ("full_statement", "statement", "data", "raw")
                  if isinstance(getattr(obj, name, None), dict)), None)
    ident = getattr(obj, "statement_id", None) or getattr(obj, "id", None)
    out = {"id": str(ident)}
    for name in STATEMENT_FIELDS:
        value = (whole or {}).get(name) if whole else getattr(obj, name, None)
        if name in ("timestamp", "stored") and hasattr(value, "isoformat"):
            value = write_datetime(value)
        out[name] = _as_json(value) if name not in ("timestamp", "stored", "version") else value
    return out


class Statements(Entity):
    name = "statements"
    fields = [Field("id", UUID), Field("actor", JSON), Field("verb", JSON), Field("object", JSON),
              Field("result", JSON, required=False), Field("context", JSON, required=False),
              Field("timestamp", DATETIME), Field("stored", DATETIME, export_only=True),
              Field("authority", JSON, required=False), Field("version", STRING, required=False, max_length=20)]

    def export(self, scope):
        model = statement_model()
        if model is None:
            return
        qs = model.objects.all()
        if not scope.everything:
            names = {f.name for f in model._meta.get_fields()}
            if "member" not in names:
                return  # a statement's actor is not tied to a unit: only a whole-site export carries them
            qs = qs.filter(scope.q("member__org_unit__"))
        order = "stored" if any(f.name == "stored" for f in model._meta.get_fields()) else "pk"
        for obj in qs.order_by(order).iterator(chunk_size=2000):
            yield statement_json(obj)

    def check(self, row, ctx: ImportContext):
        if statement_model() is None:
            return [("id", _("this site has no learning record store to take statements"))]
        return []

    def find(self, ident, ctx):
        model = statement_model()
        names = {f.name for f in model._meta.get_fields()}
        key = "statement_id" if "statement_id" in names else "id"
        return model.objects.filter(**{key: ident}).first()

    def apply(self, row, ctx: ImportContext):
        if self.find(row["id"], ctx) is not None:
            return UNCHANGED
        from lms.xapi import services as xapi  # noqa: PLC0415 - only a site with a store gets here

        statement = {k: v for k, v in row.items() if not k.startswith("_") and v is not None
                     and k not in ("stored", "authority")}
        statement["timestamp"] = row["timestamp"].isoformat()
        try:
            xapi.store_statements([statement], authority=row.get("authority"))
        except Exception as exc:  # the store's own checks (XapiError and the like): this line is refused
            raise DatasetConflict("id", str(exc) or exc.__class__.__name__) from exc
        return CREATED
