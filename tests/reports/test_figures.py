"""Report figures against hand-computed values (see conftest for the data)."""

import datetime
from decimal import Decimal

import pytest

from lms.reports import services
from lms.reports.periods import PeriodError, parse_period
from tests.reports.conftest import YEAR

D = Decimal
TODAY = datetime.date(2026, 11, 21)


def run_rows(user, name, **params):
    run = services.build_run(user, name, {k: str(v) for k, v in params.items()}, today=TODAY)
    keys = [c.key for c in run.columns]
    return [dict(zip(keys, row, strict=True)) for row in run.rows()]


def by_emp(rows):
    return {r["employee_no"]: r for r in rows}


def test_hours_summary_whole_year(world):
    rows = by_emp(run_rows(world["hr"].user, "hours_summary", year=YEAR))
    assert set(rows) == {"H001", "M-S1", "M002", "M001", "M-S2", "M003", "T001", "A001"}
    m1 = rows["M001"]
    assert (m1["required"], m1["earned"]) == (D("32.00"), D("25.50"))
    assert (m1["hours_course"], m1["hours_lesson"], m1["hours_quiz"], m1["hours_live"], m1["hours_offline"]) == (
        D("10"), D("2.5"), D("1"), D("4"), D("8"))
    assert m1["compliant"] is False
    assert m1["org_unit"] == "公司党委/第一党支部/第一党小组"
    assert m1["branch"] == "公司党委/第一党支部"
    # The reversed offline entry nets to zero under its own source, not as a separate "correction".
    m2 = rows["M002"]
    assert (m2["earned"], m2["hours_course"], m2["hours_offline"]) == (D("20.00"), D("20"), D("0"))
    assert rows["M-S1"]["required"] == D("56.00") and rows["M-S1"]["compliant"] is True
    assert rows["M003"]["compliant"] is True
    assert rows["H001"]["required"] is None and rows["H001"]["compliant"] is None
    assert rows["A001"]["earned"] == D("0.00")
    assert set(rows["M-S1"]["roles"]) == {"member", "branch_secretary"}


def test_hours_summary_quarter_and_ranges(world):
    q1 = by_emp(run_rows(world["hr"].user, "hours_summary", year=YEAR, quarter=1))
    assert (q1["M001"]["required"], q1["M001"]["earned"]) == (D("8.00"), D("12.50"))
    # m2's offline entry of 20 March was reversed in 2026: the reversal counts in Q1 2025 where the entry was.
    assert q1["M002"]["earned"] == D("20.00") and q1["M002"]["hours_offline"] == D("0")
    assert q1["M-S1"]["required"] == D("14.00") and q1["M-S1"]["earned"] == D("0.00")
    month = by_emp(run_rows(world["hr"].user, "hours_summary", start="2025-01-01", end="2025-01-31"))
    assert month["M001"]["required"] == D("2.67") and month["M002"]["earned"] == D("20.00")
    half = by_emp(run_rows(world["hr"].user, "hours_summary", start="2025-01-01", end="2025-01-15"))
    assert half["M001"]["required"] == D("1.32")  # 32 * 15/365
    # A range over the year boundary: 2024-12 (1/12 of 2024) + 2025-01 (1/12 of 2025).
    span = by_emp(run_rows(world["hr"].user, "hours_summary", start="2024-12-01", end="2025-01-31"))
    assert span["M001"]["earned"] == D("99.00") and span["M001"]["required"] == D("5.33")


def test_compliance_lists_shortfall_and_overdue(world):
    rows = run_rows(world["hr"].user, "compliance", year=YEAR)
    assert [r["employee_no"] for r in rows] == ["M002", "M001", "M003"]  # tree order, then employee number
    got = by_emp(rows)
    assert (got["M001"]["shortfall"], got["M001"]["overdue"]) == (D("6.50"), 0)
    assert (got["M002"]["shortfall"], got["M002"]["overdue"], got["M002"]["overdue_courses"]) == (
        D("12.00"), 1, ["必修课A"])
    assert (got["M003"]["shortfall"], got["M003"]["overdue"]) == (D("0.00"), 1)  # hours fine, course overdue


def test_compliance_of_one_branch_and_role(world):
    rows = run_rows(world["hr"].user, "compliance", year=YEAR, org=world["b2"].pk)
    assert [r["employee_no"] for r in rows] == ["M003"]
    rows = run_rows(world["hr"].user, "compliance", year=YEAR, role="branch_secretary")
    assert rows == []
    rows = run_rows(world["sec1"].user, "compliance", year=YEAR)
    assert [r["employee_no"] for r in rows] == ["M002", "M001"]


def test_branch_ledger(world):
    rows = {r["branch"]: r for r in run_rows(world["hr"].user, "branch_ledger", year=YEAR)}
    b1 = rows["公司党委/第一党支部"]
    assert (b1["members"], b1["with_requirement"], b1["compliant"], b1["compliance_rate"]) == (3, 3, 1, D("33.3"))
    assert (b1["total_hours"], b1["average_hours"]) == (D("105.50"), D("35.17"))
    assert (b1["assigned"], b1["completed"], b1["completion_rate"], b1["overdue"]) == (3, 2, D("66.7"), 1)
    b2 = rows["公司党委/第二党支部"]
    assert (b2["members"], b2["with_requirement"], b2["compliant"], b2["compliance_rate"]) == (4, 2, 2, D("100.0"))
    assert (b2["total_hours"], b2["average_hours"]) == (D("96.00"), D("24.00"))
    assert (b2["assigned"], b2["completed"], b2["completion_rate"], b2["overdue"]) == (2, 1, D("50.0"), 1)
    top = rows["公司党委"]  # HR sits directly in the committee
    assert (top["members"], top["compliance_rate"], top["completion_rate"]) == (1, None, None)
    assert list(rows) == ["公司党委", "公司党委/第一党支部", "公司党委/第二党支部"]


def test_training_records_lines(world):
    rows = run_rows(world["sec1"].user, "training_records", year=YEAR)
    assert len(rows) == 10  # m1 5, m2 2 + 1 reversal, sec1 2
    reversal = next(r for r in rows if r["source"] == "correction")
    assert (reversal["hours"], reversal["reverses"], reversal["reason"]) == (D("-14.00"), world["wrong"].pk, "重复录入")
    assert sum(r["hours"] for r in rows) == D("105.50")
    assert {r["employee_no"] for r in rows} == {"M001", "M002", "M-S1"}
    q2 = run_rows(world["hr"].user, "training_records", year=YEAR, quarter=2)
    assert sorted((r["employee_no"], r["hours"]) for r in q2) == [
        ("M-S1", D("30.00")), ("M001", D("1.00")), ("M003", D("40.00"))]


def test_course_progress_for_trainer_is_own_courses_only(world):
    from lms.progress import services

    other = __import__("tests.factories", fromlist=["make_course"]).make_course("别人的课")
    services.enroll(world["m1"], world["course_a"])
    services.enroll(world["m3"], other)
    rows = run_rows(world["trainer"].user, "course_progress", year=TODAY.year)
    assert [(r["course"], r["employee_no"]) for r in rows] == [("必修课A", "M001")]


@pytest.mark.parametrize("params,message", [
    ({"year": "abc"}, "whole number"),
    ({"quarter": "5"}, "between"),
    ({"start": "2025-02-01"}, "both start and end"),
    ({"start": "2025-02-01", "end": "2025-01-01"}, "after its end"),
    ({"start": "2025-13-01", "end": "2025-12-01"}, "not a date"),
    ({"quarter": "1", "month": "2"}, "not both"),
])
def test_bad_periods_are_refused_clearly(params, message):
    from django.utils import translation

    with translation.override("en"), pytest.raises(PeriodError, match=message):
        parse_period(params, TODAY)


def test_period_fractions():
    q = parse_period({"year": "2025", "quarter": "2"}, TODAY)
    assert (q.start, q.end, q.fraction(2025)) == (datetime.date(2025, 4, 1), datetime.date(2025, 6, 30), D("0.25"))
    assert parse_period({}, TODAY).full_years == (2026, 2026)
    r = parse_period({"start": "2024-03-01", "end": "2024-03-10"}, TODAY)
    assert r.fraction(2024) == D(10) / D(366)


def test_bulk_requirements_match_the_training_plan_provider(world, settings):
    """The set-based computation answers what lms.training's per-member provider answers."""
    from lms.reports.requirements import requirements_bulk
    from lms.training.requirements import plan_requirement
    from tests.training.factories import plan_with, rule

    settings.LMS_HOUR_REQUIREMENT_PROVIDER = "lms.training.requirements.PLAN"
    year = datetime.date.today().year
    plan = plan_with(
        rule("党员", roles=["member"], hours=30, due=datetime.date(year, 12, 31)),
        rule("书记", roles=["branch_secretary"], hours=50, due=datetime.date(year, 12, 31)),
        rule("第二支部全员", unit=world["b2"], hours=40, due=datetime.date(year, 12, 31)),
        rule("新积极分子", roles=["activist"], new_only=True, hours=12, due=datetime.date(year, 12, 31)),
        year=year,
    )
    members = [world[k] for k in ("hr", "sec1", "m1", "m2", "sec2", "m3", "trainer", "activist")]
    expected = {m.pk: plan_requirement(m, year) for m in members}
    expected = {k: v for k, v in expected.items() if v is not None}
    got = requirements_bulk([m.pk for m in members], year)
    assert got == expected
    assert got[world["sec2"].pk] == D(50) and got[world["trainer"].pk] == D(40) and world["hr"].pk not in got
    assert got[world["activist"].pk] == D(40)  # in 第二党支部: the unit rule beats the induction rule
    rows = by_emp(run_rows(world["hr"].user, "hours_summary", year=year))
    assert rows["T001"]["required"] == D("40.00") and rows["M001"]["required"] == D("30.00")
    plan.is_active = False
    plan.save()
    assert requirements_bulk([m.pk for m in members], year) == {}
