"""Report periods: a year, a quarter, a month or a custom date range.

Annual requirements are spread over a period: a quarter owes a quarter of the
year's hours, a month a twelfth, and a range that does not follow whole months
its share of the year's days.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from lms.common.parsing import parse_date

MAX_RANGE_YEARS = 5


class PeriodError(ValueError):
    """Bad period parameters; the message is meant for the user."""


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    kind: str  # year | quarter | month | range

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def full_years(self) -> tuple[int, int] | None:
        """(first, last) year when the period is made of whole calendar years."""
        if (self.start.month, self.start.day) == (1, 1) and (self.end.month, self.end.day) == (12, 31):
            return self.start.year, self.end.year
        return None

    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))

    def fraction(self, year: int) -> Decimal:
        """Share of ``year``'s requirement that falls in this period."""
        first = max(self.start, datetime.date(year, 1, 1))
        last = min(self.end, datetime.date(year, 12, 31))
        if first > last:
            return Decimal(0)
        if first.day == 1 and last.day == calendar.monthrange(last.year, last.month)[1]:
            months = last.month - first.month + 1
            return Decimal(months) / Decimal(12)
        days_in_year = 366 if calendar.isleap(year) else 365
        return Decimal((last - first).days + 1) / Decimal(days_in_year)

    def ledger_q(self, prefix: str = "") -> Q:
        """Ledger entries of the period; a reversal counts in the period of the entry it cancels."""
        years = self.full_years
        if years:
            if years[0] == years[1]:
                return Q(**{f"{prefix}year": years[0]})
            return Q(**{f"{prefix}year__gte": years[0], f"{prefix}year__lte": years[1]})
        span = (self.start, self.end)
        return (Q(**{f"{prefix}reverses__isnull": True, f"{prefix}date__range": span})
                | Q(**{f"{prefix}reverses__date__range": span}))

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        if self.kind == "year":
            return _("%(year)d") % {"year": self.year}
        if self.kind == "quarter":
            return _("%(year)d Q%(quarter)d") % {"year": self.year, "quarter": (self.start.month - 1) // 3 + 1}
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def slug(self) -> str:
        if self.kind == "year":
            return str(self.year)
        if self.kind == "quarter":
            return f"{self.year}Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    def to_params(self) -> dict:
        if self.kind == "year":
            return {"year": self.year}
        if self.kind == "quarter":
            return {"year": self.year, "quarter": (self.start.month - 1) // 3 + 1}
        if self.kind == "month":
            return {"year": self.year, "month": self.start.month}
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def year_period(year: int) -> Period:
    return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), "year")


def month_period(year: int, month: int) -> Period:
    return Period(datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1]),
                  "month")


def _int(params, key: str, low: int, high: int) -> int | None:
    raw = params.get(key)
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise PeriodError(_("%(field)s must be a whole number.") % {"field": key}) from None
    if not low <= value <= high:
        raise PeriodError(_("%(field)s must be between %(low)d and %(high)d.") % {"field": key, "low": low,
                                                                                  "high": high})
    return value


def parse_period(params, today: datetime.date) -> Period:
    """Read year/quarter/month or start/end from a query dict; defaults to the current year."""
    start_raw, end_raw = (params.get("start") or "").strip(), (params.get("end") or "").strip()
    if start_raw or end_raw:
        if not (start_raw and end_raw):
            raise PeriodError(_("A custom range needs both start and end."))
        try:
            start, end = parse_date(start_raw), parse_date(end_raw)
        except ValueError as exc:
            raise PeriodError(_("%(value)s is not a date (use YYYY-MM-DD).") % {"value": exc}) from None
        if start > end:
            raise PeriodError(_("The start of the range is after its end."))
        if end.year - start.year >= MAX_RANGE_YEARS:
            raise PeriodError(_("A range may span at most %(n)d years.") % {"n": MAX_RANGE_YEARS})
        return Period(start, end, "range")
    year = _int(params, "year", 2000, 2100) or today.year
    quarter = _int(params, "quarter", 1, 4)
    month = _int(params, "month", 1, 12)
    if quarter and month:
        raise PeriodError(_("Give a quarter or a month, not both."))
    if quarter:
        first = 3 * (quarter - 1) + 1
        last = first + 2
        return Period(datetime.date(year, first, 1),
                      datetime.date(year, last, calendar.monthrange(year, last)[1]), "quarter")
    if month:
        return month_period(year, month)
    return year_period(year)
