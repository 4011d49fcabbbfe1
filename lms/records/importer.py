"""Offline training records from CSV/XLSX into the ledger, all-or-nothing.

Which rows are the same record:

* Without a ``record_id`` a row *is* its values. Rows that differ in any column (say two sessions of one
  training on one day, with different hours) are separate records and separate credits; rows equal in every
  column are duplicates and are reported as errors. A row keeps the reference earlier versions of this importer
  gave it (``reference_for``: employee_no, title, date, kind) unless that reference is already taken by a
  record with other hours; then it gets ``session_reference_for``, which adds the hours. Re-importing a file
  therefore credits nothing twice, whatever the order of its rows.
* With a ``record_id`` (HR's own key for the record) the row is identified by it: its credit has the reference
  ``import:rid:<record_id>``, later versions ``import:rid:<record_id>:2``, ``:3``… The same record_id with the
  same values changes nothing; with other values (hours, title, date, kind, even employee_no) the current
  credit is reversed ("corrected by re-import") and the new values are credited under the next version.
"""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.common.parsing import parse_date, parse_decimal
from lms.common.tabular import ImportReport, RowError, TabularError, load_import_rows
from lms.org.models import Member

from . import ledger, sources
from .models import StudyHourEntry

REQUIRED = ["employee_no", "title", "date", "hours"]
ALIASES = {"工号": "employee_no", "培训名称": "title", "标题": "title", "名称": "title", "日期": "date",
           "培训日期": "date", "学时": "hours", "类型": "kind", "形式": "kind",
           "记录编号": "record_id", "记录id": "record_id", "记录号": "record_id", "培训记录编号": "record_id"}
KINDS = {
    "offline": sources.OFFLINE, "线下": sources.OFFLINE,
    "线下培训": sources.OFFLINE, "面授": sources.OFFLINE,
    "live": sources.LIVE, "直播": sources.LIVE,
    "现场": sources.LIVE, "live_session": sources.LIVE,
}
MAX_HOURS_PER_RECORD = Decimal(100)
MAX_RECORD_ID_LENGTH = 64
RECORD_ID_PREFIX = "import:rid:"


def reference_for(employee_no: str, title: str, date, source: str) -> str:
    """The reference of a record without record_id (unchanged since the first version of the importer)."""
    digest = hashlib.sha1(f"{employee_no}|{title}|{date.isoformat()}|{source}".encode()).hexdigest()[:20]
    return f"import:{digest}"


def session_reference_for(employee_no: str, title: str, date, source: str, hours) -> str:
    """The reference of a further same-day record of one training that differs from the first in its hours."""
    hours = Decimal(str(hours)).quantize(Decimal("0.01"))
    digest = hashlib.sha1(f"{employee_no}|{title}|{date.isoformat()}|{source}|{hours}".encode()).hexdigest()[:20]
    return f"import:{digest}"


def record_reference_for(record_id: str, version: int = 1) -> str:
    base = f"{RECORD_ID_PREFIX}{record_id}"
    return base if version == 1 else f"{base}:{version}"


def _record_version(reference: str, record_id: str) -> int | None:
    """1, 2, … when reference is a version of record_id's credit; None otherwise (e.g. another record_id)."""
    base = record_reference_for(record_id)
    if reference == base:
        return 1
    rest = reference[len(base) + 1:]
    if reference.startswith(base + ":") and rest.isdigit():
        return int(rest)
    return None


@dataclass(frozen=True)
class _Record:
    line: int
    member: Member
    employee_no: str
    record_id: str
    title: str
    date: datetime.date
    hours: Decimal
    source: str

    @property
    def values(self) -> tuple:
        return self.member.pk, self.title, self.date, self.hours, self.source

    def matches(self, entry: StudyHourEntry) -> bool:
        return (entry.member_id, entry.title, entry.date, entry.hours, entry.source) == self.values


class _Conflict(Exception):
    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line, self.reason = line, reason


def import_training_records(data: bytes, filename: str, *, created_by=None, dry_run: bool = False) -> ImportReport:
    report = ImportReport()
    try:
        rows = load_import_rows(data, filename, ALIASES, REQUIRED)
    except TabularError as exc:
        report.errors.append(RowError(1, str(exc)))
        return report
    members = {m.employee_no: m for m in Member.objects.filter(
        employee_no__in={r.get("employee_no", "").strip() for _line, r in rows})}
    seen: dict[tuple, int] = {}
    by_record_id: dict[str, _Record] = {}
    conflicting: set[int] = set()
    valid: list[_Record] = []
    today = timezone.localdate()
    for line, row in rows:
        errs = []
        emp, title = row.get("employee_no", "").strip(), row.get("title", "").strip()
        member = members.get(emp)
        if not emp:
            errs.append(_("employee_no is required"))
        elif member is None:
            errs.append(_("no member with employee_no %(v)s") % {"v": emp})
        elif not member.is_active:
            errs.append(_("member %(v)s is inactive") % {"v": emp})
        if not title:
            errs.append(_("title is required"))
        elif len(title) > 200:
            errs.append(_("title is longer than 200 characters"))
        date = None
        try:
            date = parse_date(row.get("date", ""))
            if date is None:
                errs.append(_("date is required"))
            elif date > today:
                errs.append(_("date %(v)s is in the future") % {"v": date.isoformat()})
        except ValueError:
            errs.append(_("date %(v)s is not a date (use YYYY-MM-DD)") % {"v": row.get("date", "")})
        hours = None
        try:
            hours = parse_decimal(row.get("hours", ""))
            if hours <= 0 or hours > MAX_HOURS_PER_RECORD:
                errs.append(_("hours must be more than 0 and at most %(max)s") % {"max": MAX_HOURS_PER_RECORD})
            elif hours != hours.quantize(Decimal("0.01")):
                errs.append(_("hours may have at most two decimals"))
        except ValueError:
            errs.append(_("hours %(v)s is not a number") % {"v": row.get("hours", "")})
        kind_text = (row.get("kind") or "offline").strip().lower()
        source = KINDS.get(kind_text)
        if source is None:
            errs.append(_("kind %(v)s is not one of: offline, live") % {"v": kind_text})
        record_id = (row.get("record_id") or "").strip()
        if len(record_id) > MAX_RECORD_ID_LENGTH:
            errs.append(_("record_id is longer than %(max)d characters") % {"max": MAX_RECORD_ID_LENGTH})
        elif ":" in record_id or not record_id.isprintable():
            errs.append(_("record_id %(v)s may not contain “:” or control characters") % {"v": record_id})
        if not errs:
            record = _Record(line, member, emp, record_id, title, date, hours, source)
            first = by_record_id.get(record_id) if record_id else None
            if record_id and first is None:
                by_record_id[record_id] = record
                valid.append(record)
            elif record_id and first.values != record.values:
                errs.append(_("record_id %(v)s is also on line %(other)d with different values")
                            % {"v": record_id, "other": first.line})
                if first.line not in conflicting:
                    conflicting.add(first.line)
                    report.errors.append(RowError(first.line, _(
                        "record_id %(v)s is also on line %(other)d with different values")
                        % {"v": record_id, "other": line}))
            elif record_id:
                errs.append(_("duplicate of line %(first)d") % {"first": first.line})
            elif record.values in seen:
                errs.append(_("duplicate of line %(first)d") % {"first": seen[record.values]})
            else:
                seen[record.values] = line
                valid.append(record)
        report.errors.extend(RowError(line, e) for e in errs)
    report.errors.sort(key=lambda e: e.line)
    if report.errors or dry_run:
        return report
    fresh: set[int] = set()  # entries credited by this import: never taken for an earlier import of a row
    try:
        with transaction.atomic():
            for record in valid:
                write = _write_by_record_id if record.record_id else _write_by_values
                outcome = write(record, created_by, fresh)
                setattr(report, outcome, getattr(report, outcome) + 1)
    except _Conflict as exc:
        # Another import changed the same record meanwhile; everything above was rolled back.
        report.created = report.updated = report.unchanged = 0
        report.errors.append(RowError(exc.line, exc.reason))
    return report


def _credit(record: _Record, reference: str, created_by, fresh: set[int]) -> tuple[StudyHourEntry, bool]:
    entry, created = ledger.credit(record.member, source=record.source, reference=reference, title=record.title,
                                   hours=record.hours, date=record.date, created_by=created_by)
    if created:
        fresh.add(entry.pk)
    return entry, created


def _write_by_values(record: _Record, created_by, fresh: set[int]) -> str:
    """Credit a row without record_id once; the first record of a training-day keeps the historic reference."""
    for reference in (reference_for(record.employee_no, record.title, record.date, record.source),
                      session_reference_for(record.employee_no, record.title, record.date, record.source,
                                            record.hours)):
        entry, created = _credit(record, reference, created_by, fresh)
        if created:
            return "created"
        if entry.hours == record.hours:
            return "unchanged"
    return "unchanged"  # not reached: the session reference includes the hours


def _write_by_record_id(record: _Record, created_by, fresh: set[int]) -> str:
    """Bring record_id's credit in line with the row: nothing, a first credit, or reverse and re-credit."""
    candidates = StudyHourEntry.objects.select_for_update().filter(
        reference__startswith=record_reference_for(record.record_id), reverses__isnull=True)
    # startswith is case-insensitive on SQLite and also matches longer record_ids: filter exactly here.
    history = sorted(((version, entry) for entry in candidates
                      if (version := _record_version(entry.reference, record.record_id)) is not None),
                     key=lambda item: (item[0], item[1].pk))
    try:
        if history:
            version, latest = history[-1]
            if record.matches(latest):
                return "unchanged"
            if not StudyHourEntry.objects.filter(reverses=latest).exists():
                ledger.reverse(latest, created_by=created_by, reason=_(
                    "corrected by re-import (record_id %(v)s)") % {"v": record.record_id})
            version, outcome = version + 1, "updated"
        else:
            version, outcome = 1, "created"
            earlier = _imported_without_record_id(record, fresh)
            if earlier is not None:
                # Imported before under its values; move it under the record_id so later corrections find it.
                ledger.reverse(earlier, created_by=created_by, reason=_(
                    "recorded again under record_id %(v)s by import") % {"v": record.record_id})
                outcome = "unchanged"
    except ledger.CorrectionError as exc:
        raise _changed_meanwhile(record) from exc
    entry, created = _credit(record, record_reference_for(record.record_id, version), created_by, fresh)
    if not created:
        if outcome == "created" and record.matches(entry):
            return "unchanged"  # a concurrent import of the same row won
        raise _changed_meanwhile(record)
    return outcome


def _changed_meanwhile(record: _Record) -> _Conflict:
    return _Conflict(record.line, _(
        "record_id %(v)s was changed by another import at the same time; nothing was imported, try again")
        % {"v": record.record_id})


def _imported_without_record_id(record: _Record, fresh: set[int]) -> StudyHourEntry | None:
    references = [reference_for(record.employee_no, record.title, record.date, record.source),
                  session_reference_for(record.employee_no, record.title, record.date, record.source, record.hours)]
    return StudyHourEntry.objects.filter(
        member=record.member, source=record.source, reference__in=references, hours=record.hours,
        reverses__isnull=True, reversed_by__isnull=True,
    ).exclude(pk__in=fresh).first()
