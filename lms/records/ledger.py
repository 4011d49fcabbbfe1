"""Writing to the ledger. Everything that grants study hours goes through here."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import signals, sources
from .models import StudyHourEntry


def credit(member, *, source: str, reference: str, title: str, hours, date: datetime.date | None = None,
           created_by=None) -> tuple[StudyHourEntry | None, bool]:
    """Credit hours once per (member, source, reference).

    Returns (entry, created). A second call for the same reference — a retry,
    a double click, a concurrent request — returns the existing entry.
    """
    hours = Decimal(str(hours)).quantize(Decimal("0.01"))
    if hours <= 0:
        return None, False
    if not reference:
        raise ValueError("a credit needs a reference so it can be recorded exactly once")
    if not sources.is_registered(source) or source == sources.CORRECTION:
        raise ValueError(f"{source!r} is not a registered ledger source (lms.records.sources.register)")
    date = date or timezone.localdate()
    existing = StudyHourEntry.objects.filter(
        member=member, source=source, reference=reference, reverses__isnull=True
    ).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            entry = StudyHourEntry.objects.create(
                member=member, source=source, reference=reference, title=title[:200], hours=hours,
                date=date, year=date.year, created_by=created_by,
            )
        return entry, True
    except IntegrityError:
        # Lost a race against a concurrent credit for the same reference.
        return StudyHourEntry.objects.get(
            member=member, source=source, reference=reference, reverses__isnull=True
        ), False


class CorrectionError(ValueError):
    pass


def reverse(entry: StudyHourEntry, *, reason: str, created_by=None, date=None) -> StudyHourEntry:
    """Cancel an entry with a negative one; the original stays visible in the history."""
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionError(_("A correction needs a reason."))
    if entry.is_reversal:
        raise CorrectionError(_("A reversing entry cannot itself be reversed."))
    if StudyHourEntry.objects.filter(reverses=entry).exists():
        raise CorrectionError(_("This entry has already been reversed."))
    date = date or timezone.localdate()
    try:
        with transaction.atomic():
            return StudyHourEntry.objects.create(
                member=entry.member, source=sources.CORRECTION, reference=f"reverses:{entry.pk}",
                title=_("Reversal: %(title)s") % {"title": entry.title}, hours=-entry.hours,
                date=date, year=entry.year, reverses=entry, reason=reason[:300], created_by=created_by,
            )
    except IntegrityError as exc:
        raise CorrectionError(_("This entry has already been reversed.")) from exc


def hours_for_year(member, year: int) -> Decimal:
    return Decimal(StudyHourEntry.objects.filter(member=member, year=year).total_hours())


def credit_many(member_ids, *, source: str, reference: str, title: str, hours, date: datetime.date,
                created_by=None) -> dict[int, int]:
    """Credit the same hours under the same reference to many members at once (an attendance import of an
    organization-wide session): one INSERT per batch, conflicts ignored, so members already credited keep their
    entry. Returns {member_id: entry_id} for every member given."""
    hours = Decimal(str(hours)).quantize(Decimal("0.01"))
    member_ids = list(dict.fromkeys(member_ids))
    if hours <= 0 or not member_ids:
        return {}
    if not reference:
        raise ValueError("a credit needs a reference so it can be recorded exactly once")
    if not sources.is_registered(source) or source == sources.CORRECTION:
        raise ValueError(f"{source!r} is not a registered ledger source (lms.records.sources.register)")
    created_by_id = getattr(created_by, "pk", None)
    with transaction.atomic():
        StudyHourEntry.objects.bulk_create(
            (StudyHourEntry(member_id=m, source=source, reference=reference, title=title[:200], hours=hours,
                            date=date, year=date.year, created_by_id=created_by_id) for m in member_ids),
            batch_size=2000, ignore_conflicts=True)
    out: dict[int, int] = {}
    for start in range(0, len(member_ids), 5000):
        chunk = member_ids[start:start + 5000]
        out.update(StudyHourEntry.objects.filter(member_id__in=chunk, source=source, reference=reference,
                                                 reverses__isnull=True).values_list("member_id", "pk"))
    entry_ids = list(out.values())
    transaction.on_commit(lambda: signals.entries_bulk_created.send(sender=StudyHourEntry, entry_ids=entry_ids))
    return out
