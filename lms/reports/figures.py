"""Per-member figures of a report scope, computed set-based (a handful of queries for any scope size).

Speed matters here (the compliance report of 100,000 members must take under 2 s): the querysets are
built with the ORM but their SQL is read with a plain cursor (no per-row model machinery or converters),
hours come back one row per member (sources pivoted with CASE instead of grouping by member and source)
and become exact hundredths, and when the scope holds most of the organization the ledger, roles and
assignments are read without a membership subquery (rows of other members are simply ignored).
"""

import datetime
import gc
from contextlib import contextmanager
from decimal import Decimal

from django.db.models import Case, F, FloatField, Sum, Value, When

from lms.org.models import Member, MemberRole, Role
from lms.records import sources as ledger_sources
from lms.records.models import StudyHourEntry

from . import sources
from .periods import Period
from .requirements import needs_role_dates, period_requirements
from .sql import raw_rows

CORRECTION = ledger_sources.CORRECTION


def earning_sources():
    """The ledger sources whose hours count as earned (lms.records.sources, filled by the crediting apps)."""
    return ledger_sources.earning_sources()
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


_decimals: dict[int, Decimal] = {}


def hours_value(total) -> Decimal:
    """A database sum of hours (float on SQLite, Decimal elsewhere) as an exact two-decimal Decimal."""
    cents = round(total * 100) if total else 0
    value = _decimals.get(cents)
    if value is None:
        value = _decimals[cents] = Decimal(cents).scaleb(-2)
        if len(_decimals) > 100_000:
            _decimals.clear()
    return value


EMPTY: dict = {}


class MemberFigure:
    __slots__ = ("pk", "employee_no", "name", "unit_id", "roles", "required", "earned", "by_source",
                 "overdue", "assigned", "completed")

    def __init__(self, pk, employee_no, name, unit_id):
        self.pk, self.employee_no, self.name, self.unit_id = pk, employee_no, name, unit_id
        self.roles: list[str] = []
        self.required: Decimal | None = None
        self.earned: Decimal = ZERO
        self.by_source: dict[str, Decimal] = EMPTY
        self.overdue: list[str] | tuple = ()
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


def hours_by_member(member_ids, period: Period) -> dict[int, Decimal]:
    """{member_id: net hours of the period} (reversals included). ``member_ids=None``: every member."""
    qs = StudyHourEntry.objects.filter(period.ledger_q())
    if member_ids is not None:
        qs = qs.filter(member_id__in=member_ids)
    rows = qs.order_by().values_list("member_id").annotate(total=Sum("hours", output_field=FloatField()))
    return {member_id: hours_value(total) for member_id, total in raw_rows(rows)}


def hours_by_member_and_source(member_ids, period: Period) -> dict[int, dict[str, Decimal]]:
    """{member_id: {source: hours}}; a reversal is booked against the source of the entry it cancels.

    ``member_ids=None`` aggregates every member (cheaper than filtering when the scope is most of them).
    """
    base = StudyHourEntry.objects.filter(period.ledger_q())
    if member_ids is not None:
        base = base.filter(member_id__in=member_ids)
    keys = [s.code for s in earning_sources()]
    pivot = {f"h_{code}": Sum(Case(When(source=code, then=F("hours")), default=Value(0),
                                   output_field=FloatField()), output_field=FloatField())
             for code in keys}
    originals = (base.exclude(source=CORRECTION).order_by().values_list("member_id")
                 .annotate(**pivot).values_list("member_id", *pivot))
    result: dict[int, dict[str, Decimal]] = {}
    for member_id, *totals in raw_rows(originals):
        result[member_id] = {k: hours_value(t) for k, t in zip(keys, totals, strict=True) if t}
    corrections = (base.filter(source=CORRECTION).order_by().values_list("member_id", "reverses__source")
                   .annotate(total=Sum("hours", output_field=FloatField())))
    for member_id, source, total in raw_rows(corrections):
        per_source = result.setdefault(member_id, {})
        key = source or CORRECTION
        per_source[key] = per_source.get(key, ZERO) + hours_value(total)
    return result


@contextmanager
def _gc_paused():
    """Building 100k small objects makes the cyclic GC rescan them over and over (about a third of the
    time); nothing here creates cycles, so collection waits until the figures are built."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def member_figures(scope, period: Period, today: datetime.date, *, with_sources: bool = True,
                   with_counts: bool = True) -> list[MemberFigure]:
    """Figures of every active member in scope, ordered by unit and employee number.

    ``with_sources``: hours per source (else only the total); ``with_counts``: assignments due in the period
    and how many are completed (overdue assignments are always read).
    """
    with _gc_paused():
        return _member_figures(scope, period, today, with_sources=with_sources, with_counts=with_counts)


def _member_figures(scope, period: Period, today: datetime.date, *, with_sources: bool,
                    with_counts: bool) -> list[MemberFigure]:
    members_qs = (scope.members().filter(is_active=True)
                  .order_by("org_unit__path", "employee_no")
                  .values_list("pk", "employee_no", "name", "org_unit_id", "org_unit__path"))
    figures: dict[int, MemberFigure] = {}
    facts: dict[int, tuple] = {}  # member → (unit path, role codes or {code: gained on}); see requirements
    for pk, employee_no, name, unit_id, path in raw_rows(members_qs):
        fig = figures[pk] = MemberFigure(pk, employee_no, name, unit_id)
        facts[pk] = (path, fig.roles)  # the same list: filled by the roles loop below
    if not figures:
        return []
    # Filtering by a subquery of most of the members costs more than reading everyone's rows. "Most" is
    # decided by counting at most twice the scope's members, not the whole table: on PostgreSQL a full
    # count of a million members takes longer than the whole report of a branch.
    bound = len(figures) * 2
    member_ids = None if Member.objects.order_by()[:bound].count() < bound else scope.members().filter(
        is_active=True).values("pk")

    role_rows = MemberRole.objects.all()
    if member_ids is not None:
        role_rows = role_rows.filter(member_id__in=member_ids)
    role_rows = role_rows.order_by("member_id", "role_id")
    codes = dict(Role.objects.values_list("pk", "code"))
    if needs_role_dates(period):
        for member_id, role_id, gained in raw_rows(role_rows.values_list("member_id", "role_id", "gained_on")):
            fig = figures.get(member_id)
            if fig is not None:
                fig.roles.append(codes[role_id])
                path, held = facts[member_id]
                if isinstance(held, list):
                    held = {}
                    facts[member_id] = (path, held)
                held[codes[role_id]] = gained
    else:
        get = figures.get
        for member_id, role_id in raw_rows(role_rows.values_list("member_id", "role_id")):
            fig = get(member_id)
            if fig is not None:
                fig.roles.append(codes[role_id])

    for member_id, required in period_requirements(list(figures) if member_ids is None else member_ids,
                                                   period, facts).items():
        fig = figures.get(member_id)
        if fig is not None:
            fig.required = required
    del facts

    if with_sources:
        for member_id, per_source in hours_by_member_and_source(member_ids, period).items():
            fig = figures.get(member_id)
            if fig is not None:
                fig.by_source = per_source
                fig.earned = sum(per_source.values(), ZERO)
    else:
        for member_id, earned in hours_by_member(member_ids, period).items():
            fig = figures.get(member_id)
            if fig is not None:
                fig.earned = earned

    cutoff = min(today, period.end + datetime.timedelta(days=1))
    for member_id, titles in sources.overdue_by_member(member_ids, cutoff).items():
        fig = figures.get(member_id)
        if fig is not None:
            fig.overdue = titles
    if with_counts:
        for member_id, (assigned, completed) in sources.assignment_counts_by_member(member_ids, period).items():
            fig = figures.get(member_id)
            if fig is not None:
                fig.assigned, fig.completed = assigned, completed
    return list(figures.values())


def rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))
