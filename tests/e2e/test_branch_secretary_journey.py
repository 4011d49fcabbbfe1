"""A branch secretary's journey, in the browser at both viewports: log in, open the branch's training status and
download it as Excel and as CSV; both files hold exactly the branch's members with their hours and overdue
courses."""

import csv
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from lms.records import ledger, sources
from lms.training.models import Assignment
from tests.factories import make_course

pytestmark = pytest.mark.django_db(transaction=True)

BRANCH = "公司党委/第一党支部"
OVERDUE_COURSE = "廉洁从业警示教育"


def build_world(make_member) -> dict:
    secretary = make_member("D1001", "王建国", BRANCH, roles=("member", "branch_secretary"))
    zhang = make_member("D1003", "张伟", f"{BRANCH}/第一党小组")
    liu = make_member("D1004", "刘洋", f"{BRANCH}/第一党小组")
    make_member("D1006", "杨帆", f"{BRANCH}/第二党小组")
    make_member("D2003", "孙婷", "公司党委/第二党支部/第一党小组")  # another branch: never in this export
    for member, hours in ((secretary, "20"), (zhang, "10")):
        ledger.credit(member, source=sources.OFFLINE, reference=f"e2e:{member.employee_no}",
                      title="支部主题党日活动", hours=Decimal(hours))
    due = timezone.localdate() - datetime.timedelta(days=20)
    course = make_course(OVERDUE_COURSE)
    Assignment.objects.create(member=liu, course=course, source=Assignment.Source.MANUAL, year=due.year, due_on=due,
                              original_due_on=due, status=Assignment.Status.ACTIVE, note="专项整改学习")
    return {"due": due}


# employee number → (name, org unit, hours required, hours earned, overdue assignments)
EXPECTED = {
    "D1001": ("王建国", BRANCH, Decimal("56"), Decimal("20"), 0),
    "D1003": ("张伟", f"{BRANCH}/第一党小组", Decimal("32"), Decimal("10"), 0),
    "D1004": ("刘洋", f"{BRANCH}/第一党小组", Decimal("32"), Decimal("0"), 1),
    "D1006": ("杨帆", f"{BRANCH}/第二党小组", Decimal("32"), Decimal("0"), 0),
}


def check_table(rows: list[list], due: datetime.date) -> None:
    header, body = rows[0], rows[1:]
    assert header[:5] == ["工号", "姓名", "组织", "要求学时", "已获学时"], header
    assert header[-2:] == ["逾期课程", "岗位"], header  # the post comes last: earlier columns keep their place
    by_number = {str(row[0]): row for row in body}
    assert set(by_number) == set(EXPECTED), body
    for number, (name, unit, required, earned, overdue) in EXPECTED.items():
        row = by_number[number]
        assert (row[1], row[2]) == (name, unit), row
        assert Decimal(str(row[3])) == required and Decimal(str(row[4])) == earned, row
        assert int(row[6]) == overdue, row
    assert by_number["D1004"][header.index("逾期课程")] == f"{OVERDUE_COURSE} ({due.isoformat()})"
    assert str(body[0][0]) == "D1004"  # the overdue member first


def test_branch_secretary_exports_the_branch_status(journey, make_member):
    world = build_world(make_member)
    page = journey.page

    journey.login("D1001")
    journey.nav("支部培训", "branch training status")
    listed = page.locator("table.data tbody tr.member-row")
    assert listed.count() == len(EXPECTED)
    assert "孙婷" not in page.locator("main").inner_text()
    assert page.locator("tr.overdue", has_text="刘洋").count() == 1

    path, filename = journey.download(lambda: page.get_by_role("link", name="导出 Excel").click(), "export excel")
    assert filename.startswith("training-status-") and filename.endswith(".xlsx")
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["培训情况"]
    check_table([list(row) for row in book.active.iter_rows(values_only=True)], world["due"])

    path, filename = journey.download(lambda: page.get_by_role("link", name="导出 CSV").click(), "export csv")
    assert filename.endswith(".csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:  # with a BOM, for Excel
        check_table(list(csv.reader(fh)), world["due"])
    journey.check("after the downloads")
