"""Offline training records from CSV/XLSX into the ledger, all-or-nothing."""

import hashlib
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.org.models import Member
from lms.site.parsing import parse_date, parse_decimal
from lms.site.tabular import ImportReport, RowError, TabularError, load_import_rows

from . import ledger
from .models import StudyHourEntry

REQUIRED = ["employee_no", "title", "date", "hours"]
ALIASES = {"工号": "employee_no", "培训名称": "title", "标题": "title", "名称": "title", "日期": "date",
           "培训日期": "date", "学时": "hours", "类型": "kind", "形式": "kind"}
KINDS = {
    "offline": StudyHourEntry.Source.OFFLINE, "线下": StudyHourEntry.Source.OFFLINE,
    "线下培训": StudyHourEntry.Source.OFFLINE, "面授": StudyHourEntry.Source.OFFLINE,
    "live": StudyHourEntry.Source.LIVE, "直播": StudyHourEntry.Source.LIVE,
    "现场": StudyHourEntry.Source.LIVE, "live_session": StudyHourEntry.Source.LIVE,
}
MAX_HOURS_PER_RECORD = Decimal(100)


def reference_for(employee_no: str, title: str, date, source: str) -> str:
    digest = hashlib.sha1(f"{employee_no}|{title}|{date.isoformat()}|{source}".encode()).hexdigest()[:20]
    return f"import:{digest}"


def import_training_records(data: bytes, filename: str, *, created_by=None, dry_run: bool = False) -> ImportReport:
    report = ImportReport()
    try:
        rows = load_import_rows(data, filename, ALIASES, REQUIRED)
    except TabularError as exc:
        report.errors.append(RowError(1, str(exc)))
        return report
    members = {m.employee_no: m for m in Member.objects.filter(
        employee_no__in={r.get("employee_no", "").strip() for _line, r in rows})}
    seen: dict[str, int] = {}
    valid = []
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
        if not errs:
            ref = reference_for(emp, title, date, source)
            if ref in seen:
                errs.append(_("duplicate of line %(first)d") % {"first": seen[ref]})
            else:
                seen[ref] = line
                valid.append({"member": member, "title": title, "date": date, "hours": hours,
                              "source": source, "reference": ref})
        report.errors.extend(RowError(line, e) for e in errs)
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        for row in valid:
            _entry, created = ledger.credit(row["member"], source=row["source"], reference=row["reference"],
                                            title=row["title"], hours=row["hours"], date=row["date"],
                                            created_by=created_by)
            if created:
                report.created += 1
            else:
                report.unchanged += 1
    return report
