"""Per-member figures of a report scope, computed set-based (a handful of queries for any scope size)."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from lms.org.models import Member, MemberRole
from lms.records.models import StudyHourEntry

from . import sources
from .periods import Period
from .requirements import period_requirements

Source = StudyHourEntry.Source
EARNING_SOURCES = [Source.COURSE, Source.LESSON, Source.QUIZ, Source.LIVE, Source.OFFLINE]
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


class MemberFigure:
    __slots__ = ("pk", "employee_no", "name", "unit_id", "roles", "required", "earned", "by_source",
                 "overdue", "assigned", "completed")

    def __init__(self, pk, employee_no, name, unit_id):
        self.pk, self.employee_no, self.name, self.unit_id = pk, employee_no, name, unit_id
        self.roles: list[str] = []
        self.required: Decimal | None = None
        self.earned: Decimal = ZERO
        self.by_source: dict[str, Decimal] = {}
        self.overdue: list[str] = []
        self.assigned = self.completed = 0

    @property
    def compliant(self) -> bool | None:
        """None when no requirement applies."""
        if self.required is None:
            return None
        return self.earned >= self.required

    @property
    def shortfall(self) -> Decimal:
        if self.required is None:
            return ZERO
        return max(ZERO, self.required - self.earned)


def hours_by_member_and_source(member_ids, period: Period) -> dict[int, dict[str, Decimal]]:
    """{member_id: {source: hours}}; a reversal is booked against the source of the entry it cancels.

    ``member_ids=None`` aggregates every member (cheaper than filtering when the scope is most of them).
    """
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    base = StudyHourEntry.objects.filter(period.ledger_q())
    if member_ids is not None:
        base = base.filter(member_id__in=member_ids)
    originals = (base.exclude(source=Source.CORRECTION).order_by().values_list("member_id", "source")
                 .annotate(total=Sum("hours")))
    for member_id, source, total in originals.iterator(chunk_size=10_000):
        result[member_id][source] = Decimal(total or 0)
    corrections = (base.filter(source=Source.CORRECTION).order_by()
                   .values_list("member_id", "reverses__source").annotate(total=Sum("hours")))
    for member_id, source, total in corrections:
        key = source or Source.CORRECTION
        result[member_id][key] = result[member_id].get(key, ZERO) + Decimal(total or 0)
    return result


def member_figures(scope, period: Period, today: datetime.date, *, with_sources: bool = True,
                   with_assignments: bool = True) -> list[MemberFigure]:
    """Figures of every active member in scope, ordered by unit and employee number."""
    member_ids = scope.members().filter(is_active=True).values("pk")
    members_qs = (scope.members().filter(is_active=True)
                  .order_by("org_unit__path", "employee_no")
                  .values_list("pk", "employee_no", "name", "org_unit_id", "org_unit__path"))
    figures: dict[int, MemberFigure] = {}
    facts: dict[int, tuple[str, dict]] = {}
    for pk, employee_no, name, unit_id, path in members_qs.iterator(chunk_size=10_000):
        figures[pk] = MemberFigure(pk, employee_no, name, unit_id)
        facts[pk] = (path, {})
    if not figures:
        return []

    role_rows = MemberRole.objects.filter(member_id__in=member_ids).order_by("member_id", "role_id").values_list(
        "member_id", "role__code", "gained_on")
    for member_id, code, gained in role_rows.iterator(chunk_size=10_000):
        fig = figures.get(member_id)
        if fig is not None:
            fig.roles.append(code)
            facts[member_id][1][code] = gained

    for member_id, required in period_requirements(member_ids, period, facts).items():
        fig = figures.get(member_id)
        if fig is not None:
            fig.required = required
    del facts

    # Filtering the ledger by a subquery of most of the members costs more than summing everyone.
    ledger_ids = None if len(figures) * 2 > Member.objects.count() else member_ids
    for member_id, per_source in hours_by_member_and_source(ledger_ids, period).items():
        fig = figures.get(member_id)
        if fig is None:
            continue
        fig.by_source = {k: v.quantize(CENT) for k, v in per_source.items()}
        fig.earned = sum(per_source.values(), ZERO).quantize(CENT)

    if with_assignments:
        cutoff = min(today, period.end + datetime.timedelta(days=1))
        for member_id, titles in sources.overdue_by_member(member_ids, cutoff).items():
            fig = figures.get(member_id)
            if fig is not None:
                fig.overdue = titles
        for member_id, (assigned, completed) in sources.assignment_counts_by_member(member_ids, period).items():
            fig = figures.get(member_id)
            if fig is not None:
                fig.assigned, fig.completed = assigned, completed
    return list(figures.values())


def rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))
