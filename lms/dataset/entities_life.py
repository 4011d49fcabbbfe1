"""Organizational life: activity kinds (a code list that is data), activities and their attendance."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lms.activities.models import Activity, ActivityKind, Attendance
from lms.org.models import Role

from .base import CREATED, UNCHANGED, UPDATED, Entity, ImportContext, unit_id
from .entities_org import _changed, _CodeList
from .keys import activity_id, entry_ids
from .standard import (
    BOOLEAN,
    CODES,
    DATETIME,
    DECIMAL_HOURS,
    ENUM,
    REF,
    STRING,
    TEXT,
    UUID,
    Field,
    write_datetime,
    write_decimal,
)


class ActivityKinds(_CodeList):
    name = "activity_kinds"
    model = ActivityKind
    fields = [Field("code", STRING, max_length=40), Field("name", STRING, max_length=60),
              Field("name_en", STRING, required=False, max_length=60), Field("hours", DECIMAL_HOURS),
              Field("counts_toward_hours", BOOLEAN)]
    names = ("name", "name_en", "hours", "counts_toward_hours")

    def export(self, scope):
        for k in ActivityKind.objects.order_by("order", "code"):
            yield {"code": k.code, "name": k.name, "name_en": k.name_en, "hours": write_decimal(k.hours),
                   "counts_toward_hours": k.counts_toward_hours}

    def check(self, row, ctx):
        problems = super().check(row, ctx)
        if row["hours"] < 0:
            problems.append(("hours", _("must not be negative")))
        return problems


class Activities(Entity):
    name = "activities"
    fields = [Field("id", UUID), Field("unit", REF, ref="org_units"),
              Field("kind", ENUM, codes=lambda ctx: ctx.codes("activity_kinds", ActivityKind)),
              Field("title", STRING, max_length=200), Field("starts_at", DATETIME), Field("ends_at", DATETIME),
              Field("place", STRING, required=False, max_length=200),
              Field("status", ENUM, codes=lambda ctx: Activity.Status.values),
              Field("held_at", DATETIME, required=False), Field("lecturer", STRING, required=False, max_length=100),
              Field("agenda", TEXT, required=False),
              Field("audience", ENUM, codes=lambda ctx: Activity.Audience.values),
              Field("audience_roles", CODES, codes=lambda ctx: ctx.codes("roles", Role)),
              Field("guests_allowed", BOOLEAN)]
    texts = ("place", "lecturer", "agenda")

    def export(self, scope):
        qs = Activity.objects.filter(scope.q("unit__")).select_related("unit", "kind").order_by("starts_at", "id")
        for a in qs.iterator(chunk_size=2000):
            unit = unit_id(a.unit)
            yield {"id": activity_id(unit, a.kind.code, a.starts_at, a.title), "unit": unit, "kind": a.kind.code,
                   "title": a.title, "starts_at": write_datetime(a.starts_at), "ends_at": write_datetime(a.ends_at),
                   "place": a.place, "status": a.status, "held_at": write_datetime(a.held_at),
                   "lecturer": a.lecturer, "agenda": a.agenda, "audience": a.audience,
                   "audience_roles": [c.strip() for c in a.audience_roles.split(",") if c.strip()],
                   "guests_allowed": a.guests_allowed}

    def check(self, row, ctx):
        problems = []
        if row["ends_at"] <= row["starts_at"]:
            problems.append(("ends_at", _("must be after starts_at")))
        if row["id"] != activity_id(row["unit"], row["kind"], row["starts_at"], row["title"]):
            problems.append(("id", _("does not match unit, kind, starts_at and title (see the standard)")))
        unit, kind = ctx.local("org_units", row["unit"]), ctx.local("activity_kinds", row["kind"])
        if unit is not None and kind is not None:
            pk = Activity.objects.filter(unit=unit, kind=kind, starts_at=row["starts_at"],
                                         title=row["title"]).values_list("pk", flat=True).first()
            if pk:
                ctx.refs.activities[row["id"]] = pk  # so the ledger's references to it are checked as local
        return problems

    def apply(self, row, ctx: ImportContext):
        unit = ctx.local("org_units", row["unit"])
        kind = ctx.local("activity_kinds", row["kind"])
        values = {"ends_at": row["ends_at"], "status": row["status"], "held_at": row["held_at"],
                  "audience": row["audience"], "audience_roles": ",".join(row["audience_roles"]),
                  "guests_allowed": row["guests_allowed"], **{k: row[k] or "" for k in self.texts}}
        obj = Activity.objects.filter(unit=unit, kind=kind, starts_at=row["starts_at"], title=row["title"]).first()
        if obj is None:
            obj = Activity.objects.create(unit=unit, kind=kind, starts_at=row["starts_at"], title=row["title"],
                                          **values)
            outcome = CREATED
        elif _changed(obj, values):
            obj.save()
            outcome = UPDATED
        else:
            outcome = UNCHANGED
        ctx.remember(self.name, row["id"], obj)
        ctx.refs.activities[row["id"]] = obj.pk  # ledger references to this activity resolve to it
        return outcome


class AttendanceEntity(Entity):
    name = "attendance"
    fields = [Field("activity", REF, ref="activities"), Field("member", REF, ref="members"),
              Field("status", ENUM, codes=lambda ctx: Attendance.Status.values),
              Field("method", ENUM, required=False, codes=lambda ctx: Attendance.Method.values),
              Field("signed_in_at", DATETIME, required=False), Field("is_guest", BOOLEAN),
              Field("note", STRING, required=False, max_length=200),
              Field("credit_entry", REF, required=False, ref="ledger_entries")]

    def key(self, row):
        return (row["activity"], row["member"])

    def export(self, scope):
        qs = (Attendance.objects.filter(scope.q("member__org_unit__"), scope.q("activity__unit__"))
              .select_related("member", "activity__unit", "activity__kind").order_by("activity__starts_at",
                                                                                     "activity_id", "member_id"))
        rows = list(qs)
        credits = entry_ids([a.credit_entry_id for a in rows if a.credit_entry_id])
        for a in rows:
            act = a.activity
            yield {"activity": activity_id(unit_id(act.unit), act.kind.code, act.starts_at, act.title),
                   "member": a.member.employee_no, "status": a.status, "method": a.method or None,
                   "signed_in_at": write_datetime(a.signed_in_at), "is_guest": a.is_guest, "note": a.note,
                   "credit_entry": credits.get(a.credit_entry_id)}

    def check(self, row, ctx):
        if not ctx.in_dataset("activities", row["activity"]):
            return [("activity", _("must name an activity of this dataset"))]
        return []

    def apply(self, row, ctx: ImportContext):
        activity, member = ctx.local("activities", row["activity"]), ctx.local("members", row["member"])
        values = {"status": row["status"], "method": row["method"] or "", "signed_in_at": row["signed_in_at"],
                  "is_guest": row["is_guest"], "note": row["note"] or ""}
        obj = Attendance.objects.filter(activity=activity, member=member).first()
        outcome = UNCHANGED
        if obj is None:
            obj = Attendance.objects.create(activity=activity, member=member, **values)
            outcome = CREATED
        elif _changed(obj, values):
            obj.save()
            outcome = UPDATED
        if row["credit_entry"]:
            # The ledger comes later in the standard's order: the link is made once it is there (finish).
            ctx.cache.setdefault("attendance_credit", []).append((obj.pk, row["credit_entry"], outcome))
        return outcome

    def finish(self, ctx: ImportContext) -> int:
        """Links attendance to its ledger credit; returns how many rows changed only by that."""
        changed = 0
        for pk, entry_ident, outcome in ctx.cache.get("attendance_credit", []):
            entry = ctx.local("ledger_entries", entry_ident)
            if entry is not None and Attendance.objects.filter(pk=pk).exclude(credit_entry_id=entry.pk).update(
                    credit_entry_id=entry.pk) and outcome == UNCHANGED:
                changed += 1
        return changed
