"""Organizational-life reports (三会一课): the branch activity ledger (支部台账), plan completion by branch, and
attendance by member and by branch. They read ``lms.activities.selectors`` only: a handful of grouped queries
whatever the number of branches, never one query per branch or member."""

import datetime

from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy

from lms.activities import selectors as org_life
from lms.activities.models import Activity, KindYearRule, Period
from lms.org.models import Member
from lms.org.scope import units_q

from .definitions import _member_columns, _yes_no
from .figures import rate
from .registry import Column, Report, ReportRun, register
from .sql import raw_rows
from .units import UnitIndex

NO_REQUIREMENT = Period.NONE


# -- helpers -----------------------------------------------------------------------------------------------
def _unit_q(run: ReportRun) -> Q:
    """Activities and plan slots (``unit__``) of the units in the run's scope."""
    return Q() if run.scope.everything else units_q(run.scope.units, prefix="unit__")


def _index(run: ReportRun) -> UnitIndex:
    return UnitIndex(None if run.scope.everything else run.scope.units)


def _localized(name: str, name_en: str) -> str:
    return name_en if name_en and (get_language() or "").startswith("en") else name


class _KindName:
    """A kind's name in the active language (kinds are data: Chinese name, optional English name)."""

    def __init__(self, name: str, name_en: str):
        self.name, self.name_en = name, name_en

    def __str__(self):
        return _localized(self.name, self.name_en)


def _kind_display():
    """Code → name in the language of the export (one query per run's columns)."""
    names = {k.code: (k.name, k.name_en) for k in org_life.kinds()}

    def show(code):
        name, name_en = names.get(code, (code or "", ""))
        return _localized(name, name_en)

    return show


def _planned_kinds():
    """Kinds that carry a required frequency, by default or in some year's rule, in the committee's order."""
    ruled = set(KindYearRule.objects.exclude(period=NO_REQUIREMENT).values_list("kind_id", flat=True))
    return [k for k in org_life.kinds() if k.active and (k.period != NO_REQUIREMENT or k.pk in ruled)]


def _held_count(unit_q: Q, start: datetime.date, end: datetime.date) -> int:
    """How many rows ``held_activities`` returns, without reading them (the export size check).
    Local until lms.activities.selectors offers a count."""
    return Activity.objects.filter(unit_q, status=Activity.Status.HELD, starts_at__date__gte=start,
                                   starts_at__date__lte=end).count()


# -- 1. the branch activity ledger --------------------------------------------------------------------------
class OrgLifeLedger(Report):
    name = "org_life_ledger"
    title = gettext_lazy("Branch activity ledger")
    description = gettext_lazy("One line per activity held by a branch: kind, date, lecturer, place, attendance "
                               "and minutes; plan completion is the organizational-life completion report.")
    # The PDF prints one section per branch, signed by its secretary (the layout submitted for inspection).
    pdf_group_by = "branch"
    pdf_signature = True
    pdf_widths = {"kind": 2.2, "date": 2.2, "title": 4.5, "lecturer": 1.8, "place": 2.6, "duration": 1.3,
                  "expected": 1.2, "attended": 1.2, "leave": 1.2, "attendance_rate": 1.4, "has_minutes": 1.4}

    def columns(self):
        return [
            Column("branch", pgettext_lazy("branch ledger column", "Branch")),
            Column("kind", pgettext_lazy("report column", "Kind"), display=_kind_display()),
            Column("date", pgettext_lazy("report column", "Date"), "date"),
            Column("title", pgettext_lazy("report column", "Title")),
            Column("lecturer", pgettext_lazy("report column", "Lecturer")),
            Column("place", pgettext_lazy("report column", "Place")),
            Column("duration", pgettext_lazy("report column", "Duration (minutes)"), "number"),
            Column("expected", pgettext_lazy("report column", "Expected"), "number"),
            Column("attended", pgettext_lazy("report column", "Attended"), "number"),
            Column("leave", pgettext_lazy("report column", "On leave"), "number"),
            Column("attendance_rate", pgettext_lazy("report column", "Attendance rate (%)"), "number"),
            Column("has_minutes", pgettext_lazy("report column", "Minutes recorded"), display=_yes_no),
        ]

    def count(self, run):
        return _held_count(_unit_q(run), run.period.start, run.period.end)

    def rows(self, run):
        units = _index(run)
        held = org_life.held_activities(_unit_q(run), run.period.start, run.period.end)
        # The selector orders by the organizing unit: a party group's meetings would follow all of its branch's
        # own. The ledger lists each branch's activities, its groups' included, in date order.
        branch_of = {a.unit_id: units.branch_of(a.unit_id) if a.unit_id in units else None for a in held}
        sort_path = {u: units.path(b) if b else "" for u, b in branch_of.items()}
        held.sort(key=lambda a: (sort_path[a.unit_id], a.start_ts, a.id))
        for a in held:
            branch = units.full_name(branch_of[a.unit_id])
            yield [branch, a.kind_code, a.day, a.title, a.lecturer, a.place,
                   a.minutes, a.expected, a.attended, a.leave, rate(a.attended, a.expected), a.has_minutes]


# -- 2. 三会一课 completion by branch -------------------------------------------------------------------------
class OrgLifeCompletion(Report):
    name = "org_life_completion"
    title = gettext_lazy("Organizational life completion")
    description = gettext_lazy("Per branch: activities held against the plan for each required kind (a party "
                               "group's meetings count for its branch), overdue plan slots and completion rate.")

    def columns(self):
        per_kind = []
        for kind in _planned_kinds():
            name = _KindName(kind.name, kind.name_en)
            per_kind += [
                Column(f"held_{kind.code}", format_lazy(pgettext_lazy("report column", "{kind}: held"), kind=name),
                       "number"),
                Column(f"required_{kind.code}",
                       format_lazy(pgettext_lazy("report column", "{kind}: required"), kind=name), "number"),
            ]
        return [
            Column("branch", pgettext_lazy("branch ledger column", "Branch")),
            *per_kind,
            Column("held", pgettext_lazy("report column", "Held in total"), "number"),
            Column("required", pgettext_lazy("report column", "Required in total"), "number"),
            Column("overdue", pgettext_lazy("report column", "Overdue plan slots"), "number"),
            Column("completion_rate", pgettext_lazy("report column", "Completion rate (%)"), "number"),
        ]

    def count(self, run):
        return 0  # one line per branch: always small

    def rows(self, run):
        units = _index(run)
        codes = [k.code for k in _planned_kinds()]
        plans = org_life.plan_completion(_unit_q(run), run.period.start, run.period.end, run.today)
        # Every branch in scope has a line (none planned: zeros); slots of party groups count for their branch.
        branches: dict[int, dict] = {pk: {} for pk in units.branches_under(run.scope.units)}
        overdue: dict[int, int] = {}
        for unit_id, plan in plans.items():
            if unit_id not in units:
                continue
            branch = units.branch_of(unit_id)
            by_kind = branches.setdefault(branch, {})
            for code, (held, required) in plan.by_kind.items():
                h, r = by_kind.get(code, (0, 0))
                by_kind[code] = (h + held, r + required)
            overdue[branch] = overdue.get(branch, 0) + plan.overdue
        for branch in sorted(branches, key=units.path):
            by_kind = branches[branch]
            held = sum(h for h, _r in by_kind.values())
            required = sum(r for _h, r in by_kind.values())
            cells = []
            for code in codes:
                cells += list(by_kind.get(code, (0, 0)))
            yield [units.full_name(branch), *cells, held, required, overdue.get(branch, 0), rate(held, required)]


# -- 3. attendance by member and by branch --------------------------------------------------------------------
def _attendance(run: ReportRun) -> dict[int, dict[str, int]]:
    return org_life.attendance_by_member(run.scope.member_q(prefix="member__"), run.period.start, run.period.end)


ZERO_COUNTS = {"expected": 0, "attended": 0, "leave": 0, "absent": 0}


def _count_columns():
    return [
        Column("expected", pgettext_lazy("report column", "Activities expected"), "number"),
        Column("attended", pgettext_lazy("report column", "Activities attended"), "number"),
        Column("leave", pgettext_lazy("report column", "Excused leave"), "number"),
        Column("absent", pgettext_lazy("report column", "Absent"), "number"),
        Column("attendance_rate", pgettext_lazy("report column", "Attendance rate (%)"), "number"),
    ]


class OrgLifeAttendance(Report):
    name = "org_life_attendance"
    title = gettext_lazy("Organizational life attendance")
    description = gettext_lazy("One line per member: activities held that they were expected at, attended, "
                               "excused leave, absences and attendance rate.")

    def columns(self):
        return [*_member_columns(), *_count_columns()]

    def rows(self, run):
        units = _index(run)
        counts = _attendance(run)
        members = (run.scope.members().filter(is_active=True).order_by("org_unit__path", "employee_no")
                   .values_list("pk", "employee_no", "name", "org_unit_id"))
        for pk, employee_no, name, unit_id in raw_rows(members):
            c = counts.get(pk, ZERO_COUNTS)
            yield [employee_no, name, units.full_name(unit_id), units.full_name(units.branch_of(unit_id))
                   if unit_id in units else "", c["expected"], c["attended"], c["leave"], c["absent"],
                   rate(c["attended"], c["expected"])]


class OrgLifeBranchAttendance(Report):
    name = "org_life_branch_attendance"
    title = gettext_lazy("Organizational life attendance by branch")
    description = gettext_lazy("Per branch: members and the totals of the attendance report.")

    def columns(self):
        return [
            Column("branch", pgettext_lazy("branch ledger column", "Branch")),
            Column("members", pgettext_lazy("report column", "Members"), "number"),
            *_count_columns(),
        ]

    def count(self, run):
        return 0  # one line per branch: always small

    def rows(self, run):
        units = _index(run)
        counts = _attendance(run)
        totals: dict[int, list[int]] = {pk: [0, 0, 0, 0, 0] for pk in units.branches_under(run.scope.units)}
        members = Member.objects.filter(run.scope.member_q()).order_by().values_list("pk", "org_unit_id",
                                                                                      "is_active")
        if run.scope.role:
            members = members.distinct()
        for pk, unit_id, active in raw_rows(members):
            c = counts.get(pk)
            if unit_id not in units or (not active and c is None):
                continue
            row = totals.setdefault(units.branch_of(unit_id), [0, 0, 0, 0, 0])
            row[0] += 1 if active else 0
            if c is not None:
                row[1] += c["expected"]
                row[2] += c["attended"]
                row[3] += c["leave"]
                row[4] += c["absent"]
        for branch in sorted(totals, key=units.path):
            members_n, expected, attended, leave, absent = totals[branch]
            yield [units.full_name(branch), members_n, expected, attended, leave, absent, rate(attended, expected)]


for _report in (OrgLifeLedger(), OrgLifeCompletion(), OrgLifeAttendance(), OrgLifeBranchAttendance()):
    register(_report)
