"""The report framework and the registry of report definitions.

A report yields rows of raw values (numbers, dates, codes) in column order; exports turn them into the chosen
language through each column's display. Definitions register themselves (``register``): the built-in ones in
``lms.reports.definitions``; a feature app's report goes in a module of its own there, reading the feature
app's data through that app's ``services`` (reports sits above the feature apps).
"""

import datetime
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils import timezone

from . import access
from .figures import member_figures
from .periods import Period

# Column headers use the "report column" context, so other apps' catalogues cannot change them.


@dataclass
class Column:
    key: str
    label: object  # lazy translation
    kind: str = "text"  # text | number | date | datetime
    display: Callable | None = None

    def show(self, value):
        if self.display is not None:
            return self.display(value)
        return value


@dataclass
class ReportRun:
    """One execution of a report: what, for whom, over which scope and period."""

    report: "Report"
    scope: access.ReportScope
    period: Period
    today: datetime.date = field(default_factory=timezone.localdate)
    user: object = None

    _figures: list | None = field(default=None, repr=False)
    _figure_flags: tuple = field(default=(False, False), repr=False)

    def rows(self) -> Iterator[list]:
        return self.report.rows(self)

    def member_figures(self, *, sources: bool = False, counts: bool = False):
        """Per-member figures, computed once per run (rows and chart share them)."""
        have_sources, have_counts = self._figure_flags
        if self._figures is None or (sources and not have_sources) or (counts and not have_counts):
            flags = (sources or have_sources, counts or have_counts)
            self._figures = member_figures(self.scope, self.period, self.today, with_sources=flags[0],
                                           with_counts=flags[1])
            self._figure_flags = flags
        return self._figures

    def count(self) -> int:
        return self.report.count(self)

    @property
    def columns(self) -> list[Column]:
        return self.report.columns()

    def params(self) -> dict:
        params = dict(self.period.to_params())
        if self.scope.everything:
            pass
        elif len(self.scope.units) == 1:
            params["org"] = self.scope.units[0].pk
        if self.scope.role:
            params["role"] = self.scope.role
        if self.scope.post:
            params["post"] = self.scope.post
        return params

    def filename(self, ext: str) -> str:
        unit = "" if self.scope.everything or len(self.scope.units) != 1 else f"-{self.scope.units[0].pk}"
        return f"{self.report.name}-{self.period.slug()}{unit}.{ext}"


class Report:
    name = ""
    title = ""
    description = ""
    row_per_record = False  # count() is the exact number of rows

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def scope_for(self, user, org=None, role="", post="") -> access.ReportScope:
        return access.report_scope(user, org=org, role=role, post=post)

    def allowed(self, user) -> bool:
        return access.can_use_reports(user)

    def rows(self, run: ReportRun) -> Iterator[list]:
        raise NotImplementedError

    def count(self, run: ReportRun) -> int:
        return run.scope.members().filter(is_active=True).count()

    def chart(self, run: ReportRun) -> list[dict] | None:
        return None

    def page(self, run: ReportRun, offset: int, limit: int) -> Iterator[list]:
        """Rows offset..offset+limit (reports with one row per record slice in SQL)."""
        return itertools.islice(self.rows(run), offset, offset + limit)



REPORTS: dict[str, Report] = {}


def register(report: Report) -> Report:
    """Add a report definition (idempotent by name: a re-import replaces it, order is kept)."""
    if not report.name:
        raise ValueError("A report needs a name")
    REPORTS[report.name] = report
    return report


def get_report(name: str) -> Report | None:
    return REPORTS.get(name)


def available_reports(user) -> list[Report]:
    return [r for r in REPORTS.values() if r.allowed(user)]
