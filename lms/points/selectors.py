"""Reads of the points ledger: a member's day, history and rank; the branch and cross-branch leaderboards; the
rows of the reports and exports. Leaderboards add up ``PointTotal`` (one row per member and month, and per
member and year) in SQL, grouped by org unit, and fold the units into their branches here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, FilteredRelation, Q, Sum
from django.db.models.functions import Coalesce

from lms.org.models import Member, OrgUnit

from .access import BRANCH_KINDS, branch_of
from .models import PointAccount, PointEntry, PointRule, PointTotal, StudyDay


def period_month(month) -> int:
    """``PointTotal.month`` of a period: 1–12 for a month, 0 for the whole year."""
    return int(month or 0)


# ---------------------------------------------------------------- the org tree folded into branches

def unit_branches() -> tuple[dict[int, int], dict[int, OrgUnit]]:
    """({unit id: id of its nearest enclosing branch}, {branch id: branch}) for every unit inside a branch."""
    units = list(OrgUnit.objects.only("id", "path", "depth", "kind", "name").order_by("path"))
    steplen = OrgUnit.steplen
    by_path = {u.path: u for u in units if u.kind in BRANCH_KINDS}
    branches = {u.pk: u for u in by_path.values()}
    mapping = {}
    for u in units:
        for end in range(len(u.path), 0, -steplen):
            found = by_path.get(u.path[:end])
            if found is not None:
                mapping[u.pk] = found.pk
                break
    return mapping, branches


def units_of_branch(branch: OrgUnit) -> list[int]:
    """The units whose members belong to ``branch``: its subtree less any branch nested inside it."""
    inner = list(OrgUnit.objects.filter(path__startswith=branch.path, kind__in=BRANCH_KINDS)
                 .exclude(pk=branch.pk).values_list("path", flat=True))
    ids = []
    for pk, path in OrgUnit.objects.filter(path__startswith=branch.path).values_list("pk", "path"):
        if not any(path.startswith(p) for p in inner):
            ids.append(pk)
    return ids


# ---------------------------------------------------------------- ranking

def rank(rows: list, key) -> list:
    """Sort by ``key`` (descending) and number the rows: equal values share a rank (1, 2, 2, 4)."""
    rows.sort(key=lambda r: key(r), reverse=True)
    previous, current = object(), 0
    for i, row in enumerate(rows, start=1):
        value = key(row)
        if value != previous:
            current, previous = i, value
        row.rank = current
    return rows


@dataclass
class MemberRow:
    member_id: int
    name: str
    employee_no: str
    hidden: bool
    points: int
    rank: int = 0


@dataclass
class BranchRow:
    branch_id: int
    name: str
    members: int = 0
    points: int = 0
    rank: int = 0

    @property
    def ratio(self) -> Fraction:
        return Fraction(self.points, self.members) if self.members else Fraction(0)

    @property
    def average(self) -> float:
        return round(float(self.ratio), 2)


def _totals(year: int, month: int):
    return FilteredRelation("point_totals", condition=Q(point_totals__year=year, point_totals__month=month))


def branch_board(branch: OrgUnit, year: int, month=None) -> list[MemberRow]:
    """The active members of ``branch`` ranked by their points in the year (or the month)."""
    month = period_month(month)
    members = (Member.objects.filter(is_active=True, org_unit_id__in=units_of_branch(branch))
               .annotate(t=_totals(year, month))
               .annotate(pts=Coalesce(Sum("t__points"), 0))
               .values_list("pk", "name", "employee_no", "pts"))
    hidden = set(PointAccount.objects.filter(hide_name=True, member__org_unit__path__startswith=branch.path)
                 .values_list("member_id", flat=True))
    rows = [MemberRow(pk, name, no, pk in hidden, pts) for pk, name, no, pts in members]
    rows.sort(key=lambda r: r.member_id)  # stable order inside a tie, which says nothing about names
    return rank(rows, key=lambda r: r.points)


def branches_board(year: int, month=None) -> list[BranchRow]:
    """Every branch with active members, ranked by points per active member in the year (or month): sum of the
    members' points / number of active members, so small branches compete fairly."""
    month = period_month(month)
    mapping, branches = unit_branches()
    # Two grouped reads instead of one outer join of every member to the period's totals: the members per unit
    # (an index-only count), and the period's totals per unit (only members who earned something).
    heads = (Member.objects.filter(is_active=True).values("org_unit_id").annotate(n=Count("id")).order_by()
             .values_list("org_unit_id", "n"))
    earned = dict(PointTotal.objects.filter(year=year, month=month, member__is_active=True)
                  .values("member__org_unit_id").annotate(pts=Sum("points")).order_by()
                  .values_list("member__org_unit_id", "pts"))
    rows: dict[int, BranchRow] = {}
    for unit_id, n in heads:
        branch_id = mapping.get(unit_id)
        if branch_id is None:
            continue
        row = rows.get(branch_id)
        if row is None:
            row = rows[branch_id] = BranchRow(branch_id, branches[branch_id].name)
        row.members += n
        row.points += earned.get(unit_id) or 0
    ordered = sorted(rows.values(), key=lambda r: branches[r.branch_id].path)
    return rank(ordered, key=lambda r: r.ratio)


# ---------------------------------------------------------------- one member

@dataclass
class RuleToday:
    rule: PointRule
    earned: int
    left: int | None  # None: no daily cap


@dataclass
class Summary:
    today: datetime.date
    today_points: int
    left_today: int | None  # None: some rule has no daily cap
    rules: list[RuleToday] = field(default_factory=list)
    year_points: int = 0
    month_points: int = 0
    balance: int = 0
    study_minutes: int = 0
    branch: OrgUnit | None = None
    branch_rank: int | None = None
    branch_size: int = 0
    branches_rank: int | None = None
    branches_count: int = 0
    hide_name: bool = False


def today_by_rule(member: Member, today: datetime.date) -> list[RuleToday]:
    earned = dict(PointEntry.objects.filter(member=member, date=today).values("rule_id")
                  .annotate(s=Sum("points")).values_list("rule_id", "s"))
    out = []
    for rule in PointRule.objects.filter(active=True):
        if not rule.applies_on(today):
            continue
        got = earned.get(rule.pk, 0)
        out.append(RuleToday(rule, got, max(0, rule.daily_cap - got) if rule.daily_cap else None))
    return out


def member_summary(member: Member, today: datetime.date, *, with_ranks: bool = True) -> Summary:
    rules = today_by_rule(member, today)
    today_points = PointEntry.objects.filter(member=member, date=today).aggregate(s=Sum("points"))["s"] or 0
    left = None if any(r.left is None for r in rules) else sum(r.left for r in rules)
    totals = dict(PointTotal.objects.filter(member=member, year=today.year, month__in=[0, today.month])
                  .values_list("month", "points"))
    balance = PointEntry.objects.filter(member=member).live(today).aggregate(s=Sum("points"))["s"] or 0
    study = StudyDay.objects.filter(member=member, date=today).values_list("seconds", flat=True).first() or 0
    summary = Summary(today=today, today_points=today_points, left_today=left, rules=rules,
                      year_points=totals.get(0, 0), month_points=totals.get(today.month, 0), balance=balance,
                      study_minutes=int(study // 60),
                      hide_name=PointAccount.objects.filter(member=member, hide_name=True).exists())
    summary.branch = branch_of(member)
    if with_ranks and summary.branch is not None:
        board = branch_board(summary.branch, today.year)
        summary.branch_size = len(board)
        summary.branch_rank = next((r.rank for r in board if r.member_id == member.pk), None)
    return summary


def branch_position(branch: OrgUnit, year: int, month=None) -> tuple[BranchRow | None, int]:
    """Where ``branch`` stands on the cross-branch board, and how many branches are on it."""
    board = branches_board(year, month)
    return next((r for r in board if r.branch_id == branch.pk), None), len(board)


def history(member: Member):
    return PointEntry.objects.filter(member=member).select_related("rule").order_by("-date", "-created_at", "-id")


# ---------------------------------------------------------------- reports

def member_report(units, year: int, month=None):
    """Active members of ``units`` (subtrees) with their points in the period, highest first."""
    month = period_month(month)
    q = Q(pk__in=[])
    for unit in units:
        q |= Q(org_unit__path__startswith=unit.path)
    return (Member.objects.filter(q, is_active=True).annotate(t=_totals(year, month))
            .annotate(points=Coalesce(Sum("t__points"), 0)).select_related("org_unit")
            .order_by("-points", "employee_no"))


def branch_report(units, year: int, month=None) -> list[BranchRow]:
    """The cross-branch board limited to branches inside ``units`` (ranks stay those of the whole board)."""
    paths = [u.path for u in units]
    mapping, branches = unit_branches()
    return [r for r in branches_board(year, month)
            if any(branches[r.branch_id].path.startswith(p) for p in paths)]
