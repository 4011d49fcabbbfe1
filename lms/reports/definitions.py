"""The built-in report definitions: ledger lines, hours summary, compliance, branch ledger, course progress."""

import datetime
import time
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from lms.org.models import Post, Role
from lms.records import sources as ledger_sources
from lms.records.models import StudyHourEntry

from . import access
from .figures import ZERO, earning_sources, hours_value, rate
from .registry import Column, Report, ReportRun, register
from .sql import as_date, as_local_datetime, raw_rows
from .units import UnitIndex

_labels: dict[tuple[str, str], str] = {}


def _source_label(code):
    key = (get_language() or "", code or "")
    label = _labels.get(key)
    if label is None:
        label = _labels[key] = ledger_sources.label(code)
    return label


def _yes_no(value):
    if value is None:
        return _("n/a")
    return _("Yes") if value else _("No")


_role_names: dict[str, str] = {}


def _roles_label(codes):
    if not _role_names or any(c not in _role_names for c in codes):
        _role_names.update(dict(Role.objects.values_list("code", "name")))
    return "、".join(_role_names.get(c, c) for c in codes)


_post_names: dict[str, tuple[str, str]] = {}
_post_names_read = [0.0]
POST_NAMES_TTL = 60  # seconds: HR renames posts in the admin; a long-running worker reads the names again


def _post_label(code):
    """A post code as its name in the report's language (the Chinese name when there is no English one)."""
    if not code:
        return ""
    now = time.monotonic()
    if code not in _post_names or now - _post_names_read[0] > POST_NAMES_TTL:
        _post_names.clear()
        _post_names.update({c: (n, e) for c, n, e in Post.objects.values_list("code", "name", "name_en")})
        _post_names_read[0] = now
    name, name_en = _post_names.get(code, (code, ""))
    return name_en if name_en and (get_language() or "").startswith("en") else name


def _post_codes(run: ReportRun) -> dict[int, str]:
    """{member id: post code} of the members in scope who hold a post (one query)."""
    return dict(run.scope.members().filter(is_active=True, post__isnull=False).order_by()
                .values_list("pk", "post__code"))


def _post_column():
    return Column("post", pgettext_lazy("report column", "Post"), display=_post_label)


def _enrollment_status(code):
    from lms.progress.models import Enrollment

    try:
        return str(Enrollment.Status(code).label)
    except ValueError:
        return code or ""



def _member_columns():
    return [
        Column("employee_no", pgettext_lazy("report column", "Employee number")),
        Column("name", pgettext_lazy("report column", "Name")),
        Column("org_unit", pgettext_lazy("report column", "Org unit")),
        Column("branch", pgettext_lazy("report column", "Branch")),
    ]


class TrainingRecords(Report):
    name = "training_records"
    title = gettext_lazy("Training records")
    description = gettext_lazy("One line per study-hour ledger entry, corrections included.")
    row_per_record = True

    def columns(self):
        return [
            Column("entry", pgettext_lazy("report column", "Entry"), "number"),
            Column("date", pgettext_lazy("report column", "Date"), "date"),
            *_member_columns(),
            Column("source", pgettext_lazy("report column", "Source"), display=_source_label),
            Column("title", pgettext_lazy("report column", "Title")),
            Column("reference", pgettext_lazy("report column", "Reference")),
            Column("hours", pgettext_lazy("report column", "Hours"), "number"),
            Column("reverses", pgettext_lazy("report column", "Reverses entry"), "number"),
            Column("reason", pgettext_lazy("report column", "Reason")),
            Column("recorded_at", pgettext_lazy("report column", "Recorded at"), "datetime"),
        ]

    def queryset(self, run: ReportRun):
        qs = StudyHourEntry.objects.filter(run.period.ledger_q())
        if not run.scope.everything:
            qs = qs.filter(member__in=run.scope.member_ids())
        return qs

    def count(self, run):
        return self.queryset(run).count()

    def rows(self, run, offset: int = 0, limit: int | None = None):
        units = UnitIndex(None if run.scope.everything else run.scope.units)
        qs = (self.queryset(run).order_by("member__org_unit__path", "member__employee_no", "date", "id")
              .values_list("id", "date", "member__employee_no", "member__name", "member__org_unit_id", "source",
                           "title", "reference", "hours", "reverses_id", "reason", "created_at"))
        if offset or limit is not None:
            qs = qs[offset:offset + limit if limit is not None else None]
        tz = timezone.get_current_timezone()
        full_name, branch_of = units.full_name, units.branch_of
        # Millions of rows: read the cursor directly and convert the few typed columns here.
        for (pk, day, emp, name, unit_id, source, title, ref, hours, reverses, reason,
             created) in raw_rows(qs, chunk=5000):
            yield [pk, as_date(day), emp, name, full_name(unit_id),
                   full_name(branch_of(unit_id)) if unit_id in units else "", source, title, ref,
                   hours_value(hours), reverses, reason, as_local_datetime(created, tz)]

    def page(self, run, offset, limit):
        return self.rows(run, offset, limit)


class HoursSummary(Report):
    name = "hours_summary"
    title = gettext_lazy("Hours summary")
    description = gettext_lazy("One line per member: required and earned hours, hours by source, compliance.")

    def columns(self):
        return [
            *_member_columns(),
            Column("roles", pgettext_lazy("report column", "Roles"), display=_roles_label),
            _post_column(),
            Column("required", pgettext_lazy("report column", "Required hours"), "number"),
            Column("earned", pgettext_lazy("report column", "Earned hours"), "number"),
            *[Column(f"hours_{s.code}", s.label, "number") for s in earning_sources()],
            Column("compliant", pgettext_lazy("report column", "Compliant"), display=_yes_no),
        ]

    def rows(self, run):
        units = UnitIndex(None if run.scope.everything else run.scope.units)
        codes = [s.code for s in earning_sources()]
        posts = _post_codes(run)
        for fig in run.member_figures(sources=True):
            yield [fig.employee_no, fig.name, units.full_name(fig.unit_id),
                   units.full_name(units.branch_of(fig.unit_id)), fig.roles, posts.get(fig.pk, ""), fig.required,
                   fig.earned,
                   *[fig.by_source.get(code, ZERO) for code in codes], fig.compliant]

    def chart(self, run):
        return branch_chart(run)


class Compliance(Report):
    name = "compliance"
    title = gettext_lazy("Compliance")
    description = gettext_lazy("Members below their requirement or with overdue assignments, with the shortfall.")

    def columns(self):
        return [
            *_member_columns(),
            _post_column(),
            Column("required", pgettext_lazy("report column", "Required hours"), "number"),
            Column("earned", pgettext_lazy("report column", "Earned hours"), "number"),
            Column("shortfall", pgettext_lazy("report column", "Shortfall"), "number"),
            Column("overdue", pgettext_lazy("report column", "Overdue assignments"), "number"),
            Column("overdue_courses", pgettext_lazy("report column", "Overdue courses"),
                   display=lambda v: "；".join(v)),
        ]

    def rows(self, run):
        units = UnitIndex(None if run.scope.everything else run.scope.units)
        posts = _post_codes(run)
        for fig in run.member_figures():
            if fig.compliant is False or fig.overdue:
                yield [fig.employee_no, fig.name, units.full_name(fig.unit_id),
                       units.full_name(units.branch_of(fig.unit_id)), posts.get(fig.pk, ""), fig.required,
                       fig.earned, fig.shortfall,
                       len(fig.overdue), fig.overdue]

    def chart(self, run):
        return branch_chart(run)


@dataclass
class BranchFigure:
    unit_id: int
    members: int = 0
    with_requirement: int = 0
    compliant: int = 0
    hours: Decimal = ZERO
    assigned: int = 0
    completed: int = 0
    overdue: int = 0

    @property
    def average(self) -> Decimal:
        return (self.hours / self.members).quantize(Decimal("0.01")) if self.members else ZERO


def branch_figures(run: ReportRun, units: UnitIndex, counts: bool = True) -> list[BranchFigure]:
    branches: dict[int, BranchFigure] = {}
    roots = None if run.scope.everything else run.scope.units
    for pk in units.branches_under(roots if roots is not None else list(_all_roots())):
        branches[pk] = BranchFigure(pk)
    for fig in run.member_figures(counts=counts):
        branch_id = units.branch_of(fig.unit_id)
        row = branches.get(branch_id)
        if row is None:
            row = branches[branch_id] = BranchFigure(branch_id)
        row.members += 1
        row.hours += fig.earned
        if fig.required is not None:
            row.with_requirement += 1
            row.compliant += 1 if fig.compliant else 0
        row.assigned += fig.assigned
        row.completed += fig.completed
        row.overdue += len(fig.overdue)
    return sorted(branches.values(), key=lambda b: units.path(b.unit_id))


def _all_roots():
    from lms.org.models import OrgUnit

    return OrgUnit.get_root_nodes()


def branch_chart(run: ReportRun) -> list[dict]:
    units = UnitIndex(None if run.scope.everything else run.scope.units)
    return [{"branch": units.full_name(b.unit_id), "short": units.name(b.unit_id), "members": b.members,
             "average_hours": b.average, "compliance_rate": rate(b.compliant, b.with_requirement)}
            for b in branch_figures(run, units, counts=False) if b.members]


class BranchLedger(Report):
    name = "branch_ledger"
    title = gettext_lazy("Branch ledger")
    description = gettext_lazy("Per branch: members, average hours, completion rate of required courses, overdue.")

    def columns(self):
        return [
            Column("branch", pgettext_lazy("branch ledger column", "Branch")),
            Column("members", pgettext_lazy("report column", "Members"), "number"),
            Column("with_requirement", pgettext_lazy("report column", "Members with a requirement"), "number"),
            Column("compliant", pgettext_lazy("report column", "Compliant members"), "number"),
            Column("compliance_rate", pgettext_lazy("report column", "Compliance rate (%)"), "number"),
            Column("total_hours", pgettext_lazy("report column", "Total hours"), "number"),
            Column("average_hours", pgettext_lazy("report column", "Average hours"), "number"),
            Column("assigned", pgettext_lazy("report column", "Required courses assigned"), "number"),
            Column("completed", pgettext_lazy("report column", "Required courses completed"), "number"),
            Column("completion_rate", pgettext_lazy("report column", "Completion rate (%)"), "number"),
            Column("overdue", pgettext_lazy("report column", "Overdue assignments"), "number"),
        ]

    def count(self, run):
        return 0  # one line per branch: always small

    def rows(self, run):
        units = UnitIndex(None if run.scope.everything else run.scope.units)
        for b in branch_figures(run, units):
            yield [units.full_name(b.unit_id), b.members, b.with_requirement, b.compliant,
                   rate(b.compliant, b.with_requirement), b.hours.quantize(Decimal("0.01")), b.average,
                   b.assigned, b.completed, rate(b.completed, b.assigned), b.overdue]

    def chart(self, run):
        return branch_chart(run)


class CourseProgress(Report):
    name = "course_progress"
    title = gettext_lazy("Course progress")
    description = gettext_lazy("Learners' progress in courses: trainers see their own courses.")
    row_per_record = True

    def allowed(self, user):
        return access.can_use_reports(user) or access.is_trainer(user)

    def scope_for(self, user, org=None, role="", post=""):
        return access.trainer_scope(user, org=org, role=role, post=post)

    def columns(self):
        return [
            Column("course", pgettext_lazy("report column", "Course")),
            *_member_columns(),
            Column("status", pgettext_lazy("report column", "Status"), display=_enrollment_status),
            Column("percent", pgettext_lazy("report column", "Progress (%)"), "number"),
            Column("enrolled_at", pgettext_lazy("report column", "Enrolled at"), "date"),
            Column("completed_at", pgettext_lazy("report column", "Completed at"), "date"),
        ]

    def queryset(self, run):
        from lms.progress.models import Enrollment

        scope = run.scope
        q = Q(pk__in=[])
        if scope.courses_of is not None:
            q |= Q(course__trainers=scope.courses_of)
        if scope.units:
            q |= access.units_q(scope.units, prefix="member__org_unit__")
        qs = Enrollment.objects.filter(q)
        unit = scope.extra.get("org")
        if unit is not None:
            qs = qs.filter(member__org_unit__path__startswith=unit.path)
        if scope.role:
            qs = qs.filter(member__member_roles__role__code=scope.role)
        if scope.post:
            qs = qs.filter(member__post__code=scope.post)
        start = datetime.datetime.combine(run.period.start, datetime.time.min, tzinfo=timezone.get_current_timezone())
        end = datetime.datetime.combine(run.period.end, datetime.time.max, tzinfo=timezone.get_current_timezone())
        qs = qs.filter(enrolled_at__lte=end).filter(Q(completed_at__isnull=True) | Q(completed_at__gte=start))
        return qs.distinct()

    def count(self, run):
        return self.queryset(run).count()

    def rows(self, run, offset: int = 0, limit: int | None = None):
        units = UnitIndex()
        qs = (self.queryset(run).order_by("course__title", "member__org_unit__path", "member__employee_no")
              .values_list("course__title", "member__employee_no", "member__name", "member__org_unit_id", "status",
                           "percent", "enrolled_at", "completed_at"))
        if offset or limit is not None:
            qs = qs[offset:offset + limit if limit is not None else None]
        for title, emp, name, unit_id, status, percent, enrolled, completed in qs.iterator(chunk_size=5000):
            yield [title, emp, name, units.full_name(unit_id), units.full_name(units.branch_of(unit_id)),
                   status, percent, timezone.localdate(enrolled) if enrolled else None,
                   timezone.localdate(completed) if completed else None]

    def page(self, run, offset, limit):
        return self.rows(run, offset, limit)


for _report in (TrainingRecords(), HoursSummary(), Compliance(), BranchLedger(), CourseProgress()):
    register(_report)
