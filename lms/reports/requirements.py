"""Hours owed over a report's period, from the one requirement provider (lms.records.requirements)."""

from collections import defaultdict
from decimal import Decimal

from lms.records.requirements import load_facts, provider, requirements_for

__all__ = ["load_facts", "needs_role_dates", "period_requirements", "requirements_bulk"]


def needs_role_dates(period) -> bool:
    """Whether requirements depend on when roles were gained (so facts must carry the dates)."""
    return provider().needs_role_dates(period.years())


def requirements_bulk(member_ids, year: int, facts=None) -> dict[int, Decimal]:
    """{member_id: annual requirement}, members without one left out."""
    return requirements_for(member_ids, year, facts)


def period_requirements(member_ids, period, facts=None) -> dict[int, Decimal]:
    """Requirement owed over ``period``: each year's requirement times the period's share of that year."""
    years = [(y, period.fraction(y)) for y in period.years()]
    years = [(y, share) for y, share in years if share]
    cent = Decimal("0.01")
    if len(years) == 1:  # one year: many members share few distinct values
        (year, share), = years
        scaled: dict = {}
        result = {}
        for member_id, hours in requirements_for(member_ids, year, facts).items():
            value = scaled.get(hours)
            if value is None:
                value = scaled[hours] = (Decimal(hours) * share).quantize(cent)
            result[member_id] = value
        return result
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for year, share in years:
        for member_id, hours in requirements_for(member_ids, year, facts).items():
            totals[member_id] += Decimal(hours) * share
    return {mid: total.quantize(cent) for mid, total in totals.items()}
