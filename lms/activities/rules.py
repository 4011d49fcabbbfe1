"""The year's figures of each activity kind and the windows its required occurrences fall in."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from .models import ActivityKind, KindYearRule, Period

MONTHS_PER_WINDOW = {Period.MONTHLY: 1, Period.QUARTERLY: 3, Period.HALF_YEARLY: 6, Period.YEARLY: 12}


@dataclass(frozen=True)
class KindRule:
    kind_id: int
    code: str
    name: str
    plan_unit: str
    hours: Decimal
    counts_toward_hours: bool
    period: str
    min_count: int
    committee_only: bool

    @property
    def credited_hours(self) -> Decimal:
        return self.hours if self.counts_toward_hours else Decimal("0")


def rules_for(year: int, *, active_only: bool = True) -> list[KindRule]:
    """Every kind's figures for ``year``: the committee's rule for that year where there is one, else the kind's
    defaults."""
    overrides = {r.kind_id: r for r in KindYearRule.objects.filter(year=year)}
    kinds = ActivityKind.objects.filter(active=True) if active_only else ActivityKind.objects.all()
    out = []
    for kind in kinds.order_by("order", "code"):
        rule = overrides.get(kind.pk)
        source = rule or kind
        out.append(KindRule(kind.pk, kind.code, kind.name, kind.plan_unit, source.hours, source.counts_toward_hours,
                            source.period, source.min_count, kind.committee_only))
    return out


def rule_for(kind: ActivityKind, year: int) -> KindRule:
    override = KindYearRule.objects.filter(kind=kind, year=year).first()
    source = override or kind
    return KindRule(kind.pk, kind.code, kind.name, kind.plan_unit, source.hours, source.counts_toward_hours,
                    source.period, source.min_count, kind.committee_only)


def windows(period: str, year: int) -> list[tuple[datetime.date, datetime.date]]:
    """The windows of ``year`` for a frequency: 12 months, 4 quarters, 2 halves, the year; none for ``none``."""
    months = MONTHS_PER_WINDOW.get(period)
    if not months:
        return []
    out = []
    for first in range(1, 13, months):
        last = first + months - 1
        out.append((datetime.date(year, first, 1), datetime.date(year, last, calendar.monthrange(year, last)[1])))
    return out
