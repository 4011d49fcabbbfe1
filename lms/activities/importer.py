"""Attendance from a file (CSV or XLSX: employee number, status, note) — a sign-in sheet on paper, or the
attendance list a broadcast platform exports. All or nothing: a file with an error writes nothing. Set-based,
so an organization-wide session of a hundred thousand members imports in seconds."""

from __future__ import annotations

from django.db import transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.common.tabular import ImportReport, RowError, TabularError, load_import_rows
from lms.org.models import Member
from lms.records import services as ledger
from lms.records.models import StudyHourEntry

from . import signals
from .attendance import ATTENDED, SOURCE, AttendanceError, _credit, mark, reference
from .models import Activity, Attendance
from .rules import rule_for

ALIASES = {"工号": "employee_no", "员工编号": "employee_no", "状态": "status", "出勤": "status", "备注": "note",
           "说明": "note", "employee_number": "employee_no"}
STATUS_WORDS = {
    "present": Attendance.Status.PRESENT, "出席": Attendance.Status.PRESENT, "到会": Attendance.Status.PRESENT,
    "签到": Attendance.Status.PRESENT, "late": Attendance.Status.LATE, "迟到": Attendance.Status.LATE,
    "leave": Attendance.Status.LEAVE, "请假": Attendance.Status.LEAVE, "absent": Attendance.Status.ABSENT,
    "缺席": Attendance.Status.ABSENT,
}
CHUNK = 5000


def import_attendance(activity: Activity, data: bytes, filename: str, *, dry_run: bool = False,
                      created_by=None) -> ImportReport:
    report = ImportReport()
    if activity.status == Activity.Status.CANCELLED:
        report.errors.append(RowError(1, _("This activity was cancelled.")))
        return report
    try:
        rows = load_import_rows(data, filename, ALIASES, ["employee_no", "status"])
    except TabularError as exc:
        report.errors.append(RowError(1, str(exc)))
        return report
    numbers = list({r["employee_no"] for _line, r in rows if r.get("employee_no")})
    members: dict[str, int] = {}
    for start in range(0, len(numbers), CHUNK):
        members.update(Member.objects.filter(employee_no__in=numbers[start:start + CHUNK], is_active=True)
                       .values_list("employee_no", "pk"))
    wanted: dict[int, tuple[str, str]] = {}
    for line, row in rows:
        member_id = members.get(row.get("employee_no", ""))
        status = STATUS_WORDS.get((row.get("status") or "").strip().lower())
        note = (row.get("note") or "").strip()[:200]
        if member_id is None:
            report.errors.append(RowError(line, _("No active member with employee number “%(no)s”.") % {
                "no": row.get("employee_no", "")}))
        elif status is None:
            report.errors.append(RowError(line, _("Unknown status “%(s)s”: present, late, leave or absent.") % {
                "s": row.get("status", "")}))
        elif status == Attendance.Status.LEAVE and not note:
            report.errors.append(RowError(line, _("Excused leave needs a reason in the note column.")))
        elif member_id in wanted:
            report.errors.append(RowError(line, _("The member is listed twice.")))
        else:
            wanted[member_id] = (status, note)
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        _apply(activity, wanted, report, created_by)
    return report


def _apply(activity: Activity, wanted: dict[int, tuple[str, str]], report: ImportReport, created_by) -> None:
    """Set-based: the rows are compared in memory, then written by one UPDATE per (status, note, newly attended)
    group and chunk — Django's bulk_update builds a CASE per row, far too slow for a hundred thousand."""
    rows = Attendance.objects.filter(activity=activity).select_for_update()
    if len(wanted) <= CHUNK:
        rows = rows.filter(member_id__in=list(wanted))
    current = {m: (status, note) for m, status, note in rows.values_list("member_id", "status", "note")}
    now = timezone.now()
    new, undo, to_credit = [], [], []
    groups: dict[tuple[str, str, bool], list[int]] = {}
    for member_id, (status, note) in wanted.items():
        old, old_note = current.get(member_id, (None, ""))
        if old is None:
            new.append(Attendance(activity=activity, member_id=member_id, status=status, note=note, is_guest=True,
                                  method=Attendance.Method.IMPORT if status in ATTENDED else "",
                                  signed_in_at=activity.starts_at if status in ATTENDED else None))
            if status in ATTENDED:
                to_credit.append(member_id)
            continue
        if old in ATTENDED and status not in ATTENDED:
            undo.append((member_id, status, note))  # a reversal: rare, through the one-by-one path
            continue
        if old == status and old_note == note:
            report.unchanged += 1
            continue
        newly = status in ATTENDED and old not in ATTENDED
        if newly:
            to_credit.append(member_id)
        groups.setdefault((status, note, newly), []).append(member_id)
    Attendance.objects.bulk_create(new, batch_size=2000)
    updated = 0
    for (status, note, newly), members in groups.items():
        fields = {"status": status, "note": note, "updated_at": now}
        if newly:
            fields.update(method=Attendance.Method.IMPORT,
                          signed_in_at=Coalesce("signed_in_at", Value(activity.starts_at)))
        for start in range(0, len(members), CHUNK):
            chunk = members[start:start + CHUNK]
            updated += Attendance.objects.filter(activity=activity, member_id__in=chunk).update(**fields)
    report.updated += updated + len(undo)
    report.created += len(new)
    changed = [a.member_id for a in new] + [m for members in groups.values() for m in members]
    if changed:
        signals.attendance_bulk_changed.send(sender=Attendance, activity_id=activity.pk, member_ids=changed)
    for member_id, status, note in undo:
        try:
            mark(activity, Member(pk=member_id), status, by=created_by, note=note)
        except AttendanceError as exc:  # cannot happen for validated rows; keep the message if it does
            report.errors.append(RowError(0, exc.message))
    _credit_bulk(activity, to_credit, created_by)


def _credit_bulk(activity: Activity, member_ids: list[int], created_by) -> None:
    rule = rule_for(activity.kind, timezone.localtime(activity.starts_at).year)
    if rule.credited_hours <= 0 or not member_ids:
        return
    # Members whose earlier credit for this activity was reversed need a fresh reference: the one-by-one path.
    entries = ledger.credit_many(member_ids, source=SOURCE, reference=reference(activity.pk),
                                 title=activity.title, hours=rule.credited_hours,
                                 date=timezone.localtime(activity.starts_at).date(), created_by=created_by)
    ids = list(entries)
    spent: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        spent.update(StudyHourEntry.objects.filter(reverses_id__in=[entries[m] for m in chunk])
                     .values_list("member_id", flat=True))
    ref = reference(activity.pk)
    entry_of_member = StudyHourEntry.objects.filter(member_id=OuterRef("member_id"), source=SOURCE, reference=ref,
                                                    reverses__isnull=True).values("pk")[:1]
    fresh = [m for m in ids if m not in spent]
    for start in range(0, len(fresh), CHUNK):
        Attendance.objects.filter(activity=activity, member_id__in=fresh[start:start + CHUNK]).update(
            credit_entry_id=Subquery(entry_of_member))
    for att in Attendance.objects.filter(activity=activity, member_id__in=list(spent)):
        _credit(att, activity, created_by=created_by)  # an earlier credit was reversed: the next reference number
        att.save(update_fields=["credit_entry_id"])
