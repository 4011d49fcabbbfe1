"""Text that a spreadsheet would run as a formula is exported as text, by every report export path."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command

from lms.catalog.models import CoursePage
from lms.common.tabular import safe_cell
from lms.org.models import Member
from tests.reports.conftest import YEAR, api_for, web_for

EVIL = {"m1": '=HYPERLINK("http://evil","x")', "m2": "@SUM(1)", "m3": "-2+3"}
EVIL_COURSE = "+cmd|' /C calc'!A0"


@pytest.fixture
def evil(world):
    for key, name in EVIL.items():
        Member.objects.filter(pk=world[key].pk).update(name=name)
    CoursePage.objects.filter(pk=world["course_a"].pk).update(title=EVIL_COURSE)
    return world


def _content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def _csv_rows(data: bytes):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _check_csv(rows):
    names = {r[0]: r[1] for r in rows[1:]}
    assert names["M001"] == "'" + EVIL["m1"]
    assert names["M002"] == "'" + EVIL["m2"]
    assert names["M003"] == "'" + EVIL["m3"]
    m3 = next(r for r in rows if r[0] == "M003")
    assert m3[-1] == "'" + EVIL_COURSE


def _check_xlsx(data):
    ws = openpyxl.load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data).worksheets[0]
    cells = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    for emp, key in (("M001", "m1"), ("M002", "m2"), ("M003", "m3")):
        name = cells[emp][1]
        assert name.data_type == "s"
        assert name.value == "'" + EVIL[key]
    overdue = cells["M003"][-1]
    assert overdue.data_type == "s" and overdue.value == "'" + EVIL_COURSE
    # Numbers stay numbers.
    required = cells["M003"][5]
    assert required.data_type == "n" and required.value == 32


def test_api_csv_and_xlsx_quote_formulas(evil):
    api = api_for(evil["hr"])
    response = api.get(f"/api/v1/reports/compliance/?year={YEAR}&format=csv")
    assert response.status_code == 200
    _check_csv(_csv_rows(_content(response)))
    response = api.get(f"/api/v1/reports/compliance/?year={YEAR}&format=xlsx")
    assert response.status_code == 200
    _check_xlsx(_content(response))


def test_report_page_downloads_quote_formulas(evil):
    web = web_for(evil["hr"])
    _check_csv(_csv_rows(_content(web.get(f"/reports/compliance/?year={YEAR}&format=csv"))))
    _check_xlsx(_content(web.get(f"/reports/compliance/?year={YEAR}&format=xlsx")))


def test_command_exports_quote_formulas(evil, tmp_path):
    out = tmp_path / "compliance.xlsx"
    call_command("report", "compliance", "--year", str(YEAR), "--format", "xlsx", "--output", str(out))
    _check_xlsx(str(out))
    out = tmp_path / "compliance.csv"
    call_command("report", "compliance", "--year", str(YEAR), "--format", "csv", "--output", str(out))
    _check_csv(_csv_rows(out.read_bytes()))


def test_negative_numbers_stay_numbers(evil):
    api = api_for(evil["hr"])
    csv_rows = _csv_rows(_content(api.get(f"/api/v1/reports/training_records/?year={YEAR}&format=csv")))
    assert any(r[9] == "-14.00" for r in csv_rows)
    data = _content(api.get(f"/api/v1/reports/training_records/?year={YEAR}&format=xlsx"))
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    hours = [row[9] for row in ws.iter_rows(min_row=2)]
    reversal = next(c for c in hours if c.value is not None and c.value < 0)
    assert reversal.data_type == "n" and reversal.value == -14


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(1)", "'@SUM(1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("党员", "党员"), ("a=b", "a=b"), ("", ""), (-4.0, -4.0), (-3, -3), (None, None),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected
