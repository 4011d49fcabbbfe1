"""Ledger entries: credits and reversals, written through the records app's services on import."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lms.records import services as ledger
from lms.records import sources
from lms.records.models import StudyHourEntry

from .base import CREATED, UNCHANGED, DatasetConflict, Entity, ImportContext
from .keys import REVERSAL, ReferenceMap, credit_id, stable_reference
from .standard import DATE, DATETIME, DECIMAL_HOURS, ENUM, INTEGER, REF, STRING, Field, write_datetime, write_decimal


class LedgerEntries(Entity):
    name = "ledger_entries"
    fields = [Field("id", STRING, max_length=300), Field("member", REF, ref="members"),
              Field("source", ENUM, codes=lambda ctx: [s.code for s in sources.all_sources()]),
              Field("reference", STRING, required=False, max_length=120), Field("title", STRING, max_length=200),
              Field("date", DATE), Field("year", INTEGER), Field("hours", DECIMAL_HOURS),
              Field("reverses", REF, required=False, ref="ledger_entries"),
              Field("reason", STRING, required=False, max_length=300),
              Field("recorded_at", DATETIME, required=False, export_only=True)]

    def export(self, scope):
        refs = ReferenceMap()
        ids: dict[int, str] = {}
        qs = (StudyHourEntry.objects.filter(scope.q("member__org_unit__")).select_related("member")
              .order_by("id"))  # an original always comes before its reversal
        for e in qs.iterator(chunk_size=5000):
            if e.reverses_id:
                original = ids.get(e.reverses_id) or _original_id(e, refs)
                ident, reference = original + REVERSAL, None
            else:
                reference = stable_reference(e, refs)
                ident = credit_id(e.member.employee_no, e.source, reference)
            ids[e.pk] = ident
            yield {"id": ident, "member": e.member.employee_no, "source": e.source, "reference": reference,
                   "title": e.title, "date": e.date.isoformat(), "year": e.year, "hours": write_decimal(e.hours),
                   "reverses": ident[:-len(REVERSAL)] if e.reverses_id else None, "reason": e.reason or None,
                   "recorded_at": write_datetime(e.created_at)}

    def check(self, row, ctx: ImportContext):
        if row["reverses"]:
            return self._check_reversal(row, ctx)
        problems = []
        if row["source"] == sources.CORRECTION:
            problems.append(("source", _("a correction must name the entry it reverses")))
        if not row["reference"]:
            problems.append(("reference", _("a credit needs a reference")))
        elif row["id"] != credit_id(row["member"], row["source"], row["reference"]):
            problems.append(("id", _("must be member|source|reference")))
        if row["hours"] <= 0:
            problems.append(("hours", _("a credit must be more than 0 hours")))
        if row["year"] != row["date"].year:
            problems.append(("year", _("must be the year of the date")))
        if not problems:
            existing = self.find(row["id"], ctx)
            if existing is not None and (existing.hours != row["hours"] or existing.date != row["date"]):
                problems.append(("hours", _("this entry is already in the ledger with other hours or another "
                                            "date; the ledger is append-only: reverse it there first")))
        return problems

    def _check_reversal(self, row, ctx):
        problems = []
        if row["source"] != sources.CORRECTION:
            problems.append(("source", _("an entry that reverses another has the source correction")))
        if row["id"] != row["reverses"] + REVERSAL:
            problems.append(("id", _("must be the reversed entry's id followed by |reversal")))
        if not (row["reason"] or "").strip():
            problems.append(("reason", _("a reversal needs a reason")))
        original = ctx.rows[self.name].get(row["reverses"])
        if original is not None and original["_line"] > row["_line"]:
            problems.append(("reverses", _("the reversed entry must come before its reversal")))
        hours = original["hours"] if original is not None else getattr(self.find(row["reverses"], ctx), "hours",
                                                                         None)
        if original is not None and original.get("reverses"):
            problems.append(("reverses", _("a reversal cannot itself be reversed")))
        elif hours is not None and row["hours"] != -hours:
            problems.append(("hours", _("must be the reversed entry's hours with a minus sign")))
        if original is not None and original["member"] != row["member"]:
            problems.append(("member", _("must be the member of the reversed entry")))
        return problems

    def find(self, ident, ctx: ImportContext):
        if ident.endswith(REVERSAL):
            original = self.find(ident[:-len(REVERSAL)], ctx)
            return StudyHourEntry.objects.filter(reverses=original).first() if original is not None else None
        parts = ident.split("|", 2)
        if len(parts) != 3:
            return None
        employee_no, source, reference = parts
        mine = StudyHourEntry.objects.filter(member__employee_no=employee_no, source=source, reverses__isnull=True)
        found = mine.filter(reference=ctx.refs.into(source, reference)).first()
        if found is None and reference.startswith("legacy:") and reference[7:].isdigit():
            # Back home: the entry that had no reference when it was exported.
            found = mine.filter(pk=int(reference[7:]), reference="").first()
        return found

    def apply(self, row, ctx: ImportContext):
        existing = ctx.local(self.name, row["id"])
        if existing is not None:
            if existing.hours != row["hours"] or existing.date != row["date"]:
                raise DatasetConflict("hours", _("this entry is already in the ledger with other hours or another "
                                                 "date; the ledger is append-only: reverse it there first"))
            return UNCHANGED
        member = ctx.local("members", row["member"])
        if row["reverses"]:
            original = ctx.local(self.name, row["reverses"])
            entry = ledger.reverse(original, reason=row["reason"], date=row["date"])
        else:
            entry, _created = ledger.credit(member, source=row["source"],
                                            reference=ctx.refs.into(row["source"], row["reference"]),
                                            title=row["title"], hours=row["hours"], date=row["date"])
        ctx.remember(self.name, row["id"], entry)
        return CREATED


def _original_id(entry: StudyHourEntry, refs: ReferenceMap) -> str:
    # The reversed entry lies outside this export's rows (only in a partial export): its id all the same.
    original = StudyHourEntry.objects.select_related("member").get(pk=entry.reverses_id)
    return credit_id(original.member.employee_no, original.source, stable_reference(original, refs))
