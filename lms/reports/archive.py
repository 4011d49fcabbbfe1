"""A member's education archive (个人教育培训档案) for one year, assembled from the ledger."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from lms.activities import selectors as org_life
from lms.certificates.services import certificates_for
from lms.org.models import Member
from lms.records import sources as ledger_sources
from lms.records.models import StudyHourEntry
from lms.records.requirements import annual_requirement

from . import sources
from .figures import ZERO, earning_sources
from .periods import year_period


@dataclass
class SourceGroup:
    source: str
    label: str
    entries: list = field(default_factory=list)  # originals, each with .reversal (or None)
    hours: Decimal = ZERO  # net of reversals


# Attendance statuses in this app's catalogue, so the archive reads the same whatever the activities app ships.
ATTENDANCE_STATUS = {
    "expected": pgettext_lazy("attendance status", "Expected"),
    "present": pgettext_lazy("attendance status", "Present"),
    "late": pgettext_lazy("attendance status", "Late"),
    "leave": pgettext_lazy("attendance status", "Excused leave"),
    "absent": pgettext_lazy("attendance status", "Absent"),
}


@dataclass
class OrgLifeLine:
    """One activity of the member's organizational life in the archive's period."""

    activity_id: int
    starts_at: datetime.datetime
    kind: str
    title: str
    status: str
    status_label: str
    note: str


@dataclass
class OrgLife:
    """The member's organizational life: counts over activities held (as the attendance report counts them)
    and the activities themselves."""

    lines: list[OrgLifeLine] = field(default_factory=list)
    expected: int = 0
    attended: int = 0
    leave: int = 0
    absent: int = 0


def build_org_life(member: Member, start: datetime.date, end: datetime.date) -> OrgLife:
    lines = [OrgLifeLine(a.activity_id, timezone.localtime(a.starts_at), a.kind_name, a.title, a.status,
                         str(ATTENDANCE_STATUS.get(a.status, a.status_label)), a.note)
             for a in org_life.member_record(member, start, end)]
    counts = org_life.attendance_by_member(Q(member_id=member.pk), start, end).get(member.pk, {})
    return OrgLife(lines, **{k: counts.get(k, 0) for k in ("expected", "attended", "leave", "absent")})


@dataclass
class Archive:
    member: Member
    year: int
    groups: list[SourceGroup]
    corrections: list  # reversing entries with their .reverses loaded
    total: Decimal
    required: Decimal | None
    assignments: list
    quiz_results: list
    generated_at: datetime.datetime
    org_life: OrgLife = field(default_factory=OrgLife)
    certificates: list = field(default_factory=list)  # issued in the year, revoked ones included (marked)

    @property
    def compliant(self) -> bool | None:
        return None if self.required is None else self.total >= self.required

    @property
    def percent(self) -> int | None:
        if not self.required:
            return None
        return max(0, min(100, int(self.total * 100 / self.required)))

    @property
    def shortfall(self) -> Decimal:
        return max(ZERO, (self.required or ZERO) - self.total)


def build_archive(member: Member, year: int) -> Archive:
    entries = list(
        StudyHourEntry.objects.filter(member=member, year=year)
        .select_related("reverses", "created_by").order_by("date", "id")
    )
    reversal_of = {e.reverses_id: e for e in entries if e.reverses_id}
    groups = {s.code: SourceGroup(s.code, str(s.label)) for s in earning_sources()}
    corrections = []
    for entry in entries:
        if entry.reverses_id:
            corrections.append(entry)
            original_source = entry.reverses.source if entry.reverses else ledger_sources.CORRECTION
            group = groups.setdefault(original_source, SourceGroup(original_source, _label(original_source)))
            group.hours += entry.hours
            continue
        entry.reversal = reversal_of.get(entry.pk)
        group = groups.setdefault(entry.source, SourceGroup(entry.source, _label(entry.source)))
        group.entries.append(entry)
        group.hours += entry.hours
    total = sum((e.hours for e in entries), ZERO)
    period = year_period(year)
    return Archive(
        member=member, year=year, groups=list(groups.values()), corrections=corrections,
        total=Decimal(total).quantize(Decimal("0.01")), required=annual_requirement(member, year),
        assignments=sources.member_assignments(member, period),
        quiz_results=sources.member_quiz_results(member, period),
        generated_at=timezone.localtime(),
        org_life=build_org_life(member, period.start, period.end),
        certificates=list(certificates_for(member, year)),
    )


def _label(code: str) -> str:
    return ledger_sources.label(code)


def archive_years(member: Member, today: datetime.date) -> list[int]:
    years = set(StudyHourEntry.objects.filter(member=member).values_list("year", flat=True).distinct())
    years.add(today.year)
    return sorted(years, reverse=True)


def branch_archive_members(user, org):
    """(scope, members) for a branch export; raises access.ReportAccessDenied / ReportInputError."""
    from . import access

    if org in (None, ""):
        raise access.ReportInputError(_("Choose the org unit whose archives to export."))
    scope = access.report_scope(user, org=org)
    members = (Member.objects.filter(scope.member_q(), is_active=True)
               .select_related("org_unit").order_by("org_unit__path", "employee_no"))
    return scope, members


def build_archives(members, year: int):
    """Archives of many members, built one at a time (a generator keeps memory flat)."""
    for member in members.iterator(chunk_size=200):
        yield build_archive(member, year)
