"""The branch overview's CSV/XLSX export writes formula-like text as text."""

import csv
import io

import openpyxl
import pytest
from django.test import Client

from lms.training.models import Assignment
from tests.factories import MemberFactory, make_course, org_unit

EVIL = ['=HYPERLINK("http://evil","x")', "@SUM(1)", "-2+3"]


@pytest.fixture
def branch(db):
    unit = org_unit("公司党委/第一党支部")
    sec = MemberFactory(roles=["member", "branch_secretary"], org_unit=unit, name="书记")
    members = [MemberFactory(name=name, org_unit=unit) for name in EVIL]
    course = make_course("=1+1")
    Assignment.objects.create(member=members[0], course=course, source="manual", year=2000,
                              due_on="2000-01-31", original_due_on="2000-01-31", status="active")
    client = Client()
    client.force_login(sec.user)
    return client, members


def test_branch_csv_export_quotes_formulas(branch):
    client, members = branch
    response = client.get("/training/branch/?export=csv")
    assert response.status_code == 200
    rows = {r[0]: r for r in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))}
    for member, name in zip(members, EVIL, strict=True):
        assert rows[member.employee_no][1] == "'" + name
    assert rows[members[0].employee_no][9].startswith("'=1+1")


def test_branch_xlsx_export_writes_text_cells(branch):
    client, members = branch
    response = client.get("/training/branch/?export=xlsx")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    for member, name in zip(members, EVIL, strict=True):
        cell = rows[member.employee_no][1]
        assert cell.data_type == "s" and cell.value == "'" + name
    courses = rows[members[0].employee_no][9]
    assert courses.data_type == "s" and courses.value.startswith("'=1+1")
    earned = rows[members[0].employee_no][4]
    assert earned.data_type == "n" and earned.value == 0
