"""HR's journey, in the browser at both viewports: log in, open the compliance report, download it as XLSX
(exactly the members below their requirement or overdue, with their shortfall), then find a member's archive
and download it as PDF (a real PDF, named after the member, with the member's name in its embedded font)."""

import datetime
import re
import zlib
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from lms.records import ledger, sources
from lms.training.models import Assignment
from tests.factories import make_course

pytestmark = pytest.mark.django_db(transaction=True)

OVERDUE_COURSE = "安全生产专题培训"


def build_world(make_member) -> None:
    make_member("D9001", "唐宁", "公司党委", roles=("member", "hr"))
    hours = {
        make_member("D1001", "王建国", "公司党委/第一党支部", roles=("member", "branch_secretary")): "20",
        make_member("D1003", "张伟", "公司党委/第一党支部/第一党小组"): "10",
        make_member("D2003", "孙婷", "公司党委/第二党支部/第一党小组"): "40",  # meets the 32 hours
    }
    for member, value in hours.items():
        ledger.credit(member, source=sources.OFFLINE, reference=f"e2e:{member.employee_no}",
                      title="红色教育基地现场教学", hours=Decimal(value))
    late = make_member("D2004", "马超", "公司党委/第二党支部/第一党小组")
    due = timezone.localdate() - datetime.timedelta(days=9)
    Assignment.objects.create(member=late, course=make_course(OVERDUE_COURSE), source=Assignment.Source.MANUAL,
                              year=due.year, due_on=due, original_due_on=due, status=Assignment.Status.ACTIVE)


# Who the compliance report lists: employee number → (name, required, earned, shortfall, overdue assignments)
NON_COMPLIANT = {
    "D9001": ("唐宁", 32, 0, 32, 0),
    "D1001": ("王建国", 56, 20, 36, 0),
    "D1003": ("张伟", 32, 10, 22, 0),
    "D2004": ("马超", 32, 0, 32, 1),
}


def pdf_cmap(content: bytes) -> str:
    """The ToUnicode CMaps of a PDF: the characters its embedded font subset can show."""
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        data = match.group(1)
        try:
            data = zlib.decompress(data)
        except zlib.error:
            pass  # small streams such as the CMap are written uncompressed
        if b"beginbfchar" in data or b"beginbfrange" in data:
            out.append(data.decode("latin-1"))
    return "".join(out).upper()


def test_hr_downloads_the_compliance_report_and_an_archive(journey, make_member):
    build_world(make_member)
    page = journey.page

    journey.login("D9001")
    journey.nav("统计报表", "reports")
    journey.follow(page.locator("a.card", has_text="达标情况"), "compliance report")
    shown = page.locator("table.data tbody").inner_text()
    assert all(number in shown for number in NON_COMPLIANT) and "D2003" not in shown, shown

    path, filename = journey.download(lambda: page.get_by_role("link", name="下载 XLSX").click(), "compliance xlsx")
    assert filename.endswith(".xlsx"), filename
    book = load_workbook(path, read_only=True)
    rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    header, body = rows[0], rows[1:]
    assert header[:2] == ["工号", "姓名"] and "应修学时" in header and "差额学时" in header, header
    column = {name: header.index(name) for name in ("应修学时", "已修学时", "差额学时", "逾期任务")}
    found = {row[0]: (row[1], *(int(row[column[c]] or 0) for c in column)) for row in body}
    assert found == NON_COMPLIANT, body
    overdue_row = next(row for row in body if row[0] == "D2004")
    assert OVERDUE_COURSE in overdue_row[header.index("逾期课程")]

    # A member's archive, found from the reports page.
    journey.nav("统计报表", "reports again")
    journey.follow(page.get_by_role("link", name="党员档案"), "members' archives")
    journey.follow(page.locator("tr", has_text="D1003").get_by_role("link", name="档案"), "archive of D1003")
    assert "张伟" in page.locator("main").inner_text() and "10 / 32 学时" in page.locator("#summary").inner_text()

    with page.expect_response(re.compile(r"/archive/\d+/pdf/")) as answer:
        path, filename = journey.download(lambda: page.get_by_role("link", name="下载 PDF").click(), "archive pdf")
    assert answer.value.headers["content-type"] == "application/pdf"
    assert filename.startswith("D1003-") and filename.endswith(".pdf"), filename
    content = path.read_bytes()
    assert content.startswith(b"%PDF-") and len(content) > 1000
    cmap = pdf_cmap(content)
    assert all(f"<{ord(ch):04X}>" in cmap for ch in "张伟"), "the member's name is not in the PDF"
