# ruff: noqa: F811  (fixtures imported from tests.activities.conftest are arguments here)
"""Organizational-life reports: the branch activity ledger, 三会一课 completion, attendance; scope, command line,
XLSX and PDF.

公司党委 ─┬─ 第一党支部 (sec1, committee1, m1) ── 第一党小组 (g1)
          └─ 第二党支部 (sec2, m2)
2026, plans generated for both branches and the group:
  第一党支部  05-20 党课 “五月专题党课” (4 expected: sec1, m1, g1 present, committee1 on leave; minutes submitted)
  第一党小组  05-10 党小组会 (g1 expected, not marked)
  第二党支部  06-01 主题党日 (2 expected: m2 present, sec2 not marked; no minutes)
"""

import datetime
import io
import json
import re
import zlib
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from lms.activities.services import generate_plans, mark, mark_held, save_minutes, schedule
from lms.reports import access, pdf, services
from lms.reports.models import AuditLogEntry
from tests.activities.conftest import aware, kind, lecture, org, people  # noqa: F401
from tests.reports.conftest import api_for, web_for

TODAY = datetime.date(2026, 8, 1)
B1, B2 = "公司党委/第一党支部", "公司党委/第二党支部"
PLANNED = ["branch_assembly", "branch_committee", "group_meeting", "party_lecture", "theme_day", "org_life_meeting",
           "member_review"]


@pytest.fixture
def plans(org):
    return generate_plans(2026, [org["branch1"], org["group1"], org["branch2"]])


@pytest.fixture
def life(plans, lecture, org, people):  # plans first: the lecture takes its slot
    sec1, sec2 = people["sec1"].user, people["sec2"].user
    for who in ("sec1", "m1", "g1"):
        mark(lecture, people[who], "present", by=sec1)
    mark(lecture, people["committee1"], "leave", by=sec1, note="出差")
    mark_held(lecture, now=aware(2026, 5, 20, 16))
    save_minutes(lecture, content="学习党章，讨论发展党员工作。", by=sec1, submit=True)
    group = schedule(user=sec1, kind=kind("group_meeting"), unit=org["group1"], title="五月党小组会",
                     starts_at=aware(2026, 5, 10, 9), ends_at=aware(2026, 5, 10, 10, 30), place="小组活动室")
    mark_held(group, now=aware(2026, 5, 10, 10))
    theme = schedule(user=sec2, kind=kind("theme_day"), unit=org["branch2"], title="六月主题党日",
                     starts_at=aware(2026, 6, 1, 14), ends_at=aware(2026, 6, 1, 17), place="红色教育基地",
                     lecturer="王老师")
    mark(theme, people["m2"], "present", by=sec2)
    mark_held(theme, now=aware(2026, 6, 1, 17))
    # Scheduled but not held: in no report.
    schedule(user=sec1, kind=kind("branch_assembly"), unit=org["branch1"], title="支部党员大会",
             starts_at=aware(2026, 12, 10, 9), ends_at=aware(2026, 12, 10, 11))
    return {"lecture": lecture, "group": group, "theme": theme}


def run_of(member, name, today=TODAY, **params):
    return services.build_run(member.user if member else None, name, {"year": "2026", **params},
                              shell=member is None, today=today)


def rows_of(run, language="zh-hans"):
    from lms.reports.exporting import display_rows

    return list(display_rows(run, language))


def keyed(run):
    keys = [c.key for c in run.columns]
    return [dict(zip(keys, row, strict=True)) for row in run.rows()]


# -- the ledger ---------------------------------------------------------------------------------------------
def test_ledger_lists_held_activities_with_attendance_rate(life, people):
    run = run_of(people["sec1"], "org_life_ledger")
    assert list(run.rows()) == [
        [B1, "group_meeting", datetime.date(2026, 5, 10), "五月党小组会", "", "小组活动室", 90, 1, 0, 0,
         Decimal("0.0"), False],
        [B1, "party_lecture", datetime.date(2026, 5, 20), "五月专题党课", "张书记", "三楼会议室", 120, 4, 3, 1,
         Decimal("75.0"), True],
    ]
    assert run.count() == 2
    shown = rows_of(run)
    assert shown[1][1] == "党课" and shown[1][-1] == "是" and shown[0][-1] == "否"
    assert rows_of(run, "en")[1][1] == "Party lecture"
    hr = keyed(run_of(people["hr"], "org_life_ledger"))
    assert [(r["branch"], r["title"], r["attendance_rate"]) for r in hr] == [
        (B1, "五月党小组会", Decimal("0.0")), (B1, "五月专题党课", Decimal("75.0")),
        (B2, "六月主题党日", Decimal("50.0"))]
    assert run_of(people["hr"], "org_life_ledger", month="6").count() == 1
    assert keyed(run_of(people["hr"], "org_life_ledger", year="2025")) == []


# -- completion ---------------------------------------------------------------------------------------------
def test_completion_shows_held_of_required_and_overdue_slots(life, people):
    run = run_of(people["hr"], "org_life_completion")
    keys = [c.key for c in run.columns]
    assert keys == ["branch", *[f"{p}_{code}" for code in PLANNED for p in ("held", "required")], "held",
                    "required", "overdue", "completion_rate"]
    from lms.reports.exporting import headers

    head = headers(run, "zh-hans")
    assert head[keys.index("held_party_lecture")] == "党课已开展"
    assert head[keys.index("required_party_lecture")] == "党课应开展"
    assert headers(run, "en")[keys.index("held_party_lecture")] == "Party lecture: held"
    b1, b2 = keyed(run)
    assert b1["branch"] == B1 and (b1["held_party_lecture"], b1["required_party_lecture"]) == (1, 4)  # 党课 1/4
    # The party group's monthly meetings count for its branch.
    assert (b1["held_group_meeting"], b1["required_group_meeting"]) == (1, 12)
    assert (b1["held_theme_day"], b1["required_theme_day"]) == (0, 12)
    assert (b1["held_org_life_meeting"], b1["required_org_life_meeting"]) == (0, 1)
    assert (b1["held"], b1["required"]) == (2, 4 + 12 + 12 + 4 + 12 + 1 + 1)
    # Windows closed before 1 August and not held: 大会 Q1 Q2, 支委会 Jan–Jul, 小组会 Jan–Jul but May, 党课 Q1,
    # 主题党日 Jan–Jul.
    assert b1["overdue"] == 2 + 7 + 6 + 1 + 7
    assert b1["completion_rate"] == Decimal("4.3")
    assert b2["branch"] == B2 and (b2["held_theme_day"], b2["required_theme_day"]) == (1, 12)
    assert (b2["held_group_meeting"], b2["required_group_meeting"]) == (0, 0)  # no party group
    assert (b2["held"], b2["required"], b2["overdue"]) == (1, 34, 2 + 7 + 2 + 6)
    # Earlier in the year fewer slots are overdue; the same slots are required.
    early = keyed(run_of(people["hr"], "org_life_completion", today=datetime.date(2026, 2, 1)))[0]
    assert (early["required"], early["overdue"]) == (46, 3)  # January's 支委会, 小组会, 主题党日


def test_completion_counts_only_grouped_queries(life, people, django_assert_max_num_queries):
    run = run_of(people["hr"], "org_life_completion")
    with django_assert_max_num_queries(6):  # kinds and rules (columns), units, kinds and rules, the plan
        list(run.rows())
        run.columns  # noqa: B018


# -- attendance ---------------------------------------------------------------------------------------------
def test_attendance_by_member_and_branch(life, people):
    rows = {r["employee_no"]: r for r in keyed(run_of(people["sec1"], "org_life_attendance"))}
    assert set(rows) == {people[k].employee_no for k in ("sec1", "committee1", "m1", "g1")}
    committee, g1 = rows[people["committee1"].employee_no], rows[people["g1"].employee_no]
    assert (committee["expected"], committee["attended"], committee["leave"], committee["absent"],
            committee["attendance_rate"]) == (1, 0, 1, 0, Decimal("0.0"))
    assert (g1["expected"], g1["attended"], g1["absent"], g1["attendance_rate"]) == (2, 1, 1, Decimal("50.0"))
    assert (g1["org_unit"], g1["branch"]) == ("公司党委/第一党支部/第一党小组", B1)
    hr = {r["employee_no"]: r for r in keyed(run_of(people["hr"], "org_life_attendance"))}
    assert hr[people["hr"].employee_no]["attendance_rate"] is None  # expected at nothing
    branches = keyed(run_of(people["hr"], "org_life_branch_attendance"))
    assert [(b["branch"], b["members"], b["expected"], b["attended"], b["leave"], b["absent"],
             b["attendance_rate"]) for b in branches] == [
        ("公司党委", 1, 0, 0, 0, 0, None),  # HR, above every branch, as in the branch ledger
        (B1, 4, 5, 3, 1, 1, Decimal("60.0")), (B2, 2, 2, 1, 0, 1, Decimal("50.0"))]


# -- access ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["org_life_ledger", "org_life_completion", "org_life_attendance",
                                  "org_life_branch_attendance"])
def test_secretaries_see_their_branch_and_members_are_denied(life, people, org, name):
    with pytest.raises(access.ReportAccessDenied):
        run_of(people["m1"], name)
    with pytest.raises(access.ReportAccessDenied):
        run_of(people["sec1"], name, org=str(org["branch2"].pk))
    branches = {r.get("branch") for r in keyed(run_of(people["sec1"], name))}
    assert branches == {B1}
    assert web_for(people["m1"]).get(f"/reports/{name}/?year=2026").status_code == 403
    assert api_for(people["m2"]).get(f"/api/v1/reports/{name}/?year=2026").status_code == 403
    page = web_for(people["sec2"]).get(f"/reports/{name}/?year=2026")
    assert page.status_code == 200 and B2 in page.content.decode() and B1 not in page.content.decode()


def test_reports_are_listed_and_subscribable(db, people):
    from lms.reports.views import SUBSCRIBABLE

    names = [r["name"] for r in api_for(people["sec1"]).get("/api/v1/reports/").json()["results"]]
    assert {"org_life_ledger", "org_life_completion", "org_life_attendance"} <= set(names)
    assert {"org_life_ledger", "org_life_completion", "org_life_attendance"} <= set(SUBSCRIBABLE)
    assert api_for(people["m1"]).get("/api/v1/reports/").json()["results"] == []


# -- command line, XLSX, PDF -----------------------------------------------------------------------------------
def test_command_runs_the_completion_report(life, org, tmp_path):
    out = tmp_path / "completion.json"
    call_command("report", "org_life_completion", "--year", "2026", "--format", "json", "--output", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["count"] == 2
    b1 = data["results"][0]
    assert (b1["branch"], b1["held_party_lecture"], b1["required_party_lecture"]) == (B1, 1, 4)
    out = tmp_path / "b2.xlsx"
    call_command("report", "org_life_completion", "--year", "2026", "--org", str(org["branch2"].pk), "--format",
                 "xlsx", "--output", str(out))
    rows = list(openpyxl.load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "支部" and "主题党日已开展" in rows[0] and len(rows) == 2
    assert rows[1][0] == B2 and rows[1][rows[0].index("主题党日已开展")] == 1
    assert AuditLogEntry.objects.filter(channel="shell", report="org_life_completion").count() == 2


def test_ledger_xlsx_contains_the_rows(life, people):
    response = web_for(people["sec1"]).get("/reports/org_life_ledger/?year=2026&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0].iter_rows(
        values_only=True))
    assert rows[0] == ("支部", "活动类型", "日期", "名称", "主讲人", "地点", "时长（分钟）", "应到人数", "实到人数",
                       "请假人数", "出勤率（%）", "会议记录已提交")
    assert len(rows) == 3
    assert rows[2][:2] == (B1, "党课") and rows[2][2].date() == datetime.date(2026, 5, 20)
    assert rows[2][3:] == ("五月专题党课", "张书记", "三楼会议室", 120, 4, 3, 1, 75, "是")
    assert AuditLogEntry.objects.filter(report="org_life_ledger", action="export", format="xlsx").exists()


def _pdf_text(content: bytes) -> str:
    """The ToUnicode CMaps of the PDF: which characters it can show."""
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        data = match.group(1)
        try:
            data = zlib.decompress(data)
        except zlib.error:
            pass
        if b"beginbfchar" in data or b"beginbfrange" in data:
            out.append(data.decode("latin-1"))
    return "".join(out).upper()


def _shows(content: bytes, text: str) -> bool:
    cmap = _pdf_text(content)
    return all(f"<{ord(ch):04X}>" in cmap for ch in text)


def test_ledger_pdf_per_branch_with_signature_line(life, people):
    content, rows = pdf.render_report(run_of(people["hr"], "org_life_ledger"), "zh-hans")
    assert content.startswith(b"%PDF-") and rows == 3
    assert b"NotoSansSC" in content
    assert _shows(content, "支部组织生活台账第一党支部二五月专题党课张书记三楼会议室书记签字日期期间")
    # One section per branch, each on its own page.
    assert len(re.findall(rb"/Type\s*/Page[^s]", content)) == 2
    empty = pdf.report_pdf(run_of(people["sec1"], "org_life_ledger", year="2025"), "zh-hans")
    assert empty.startswith(b"%PDF-") and _shows(empty, "没有数据")
    other = pdf.report_pdf(run_of(people["sec1"], "org_life_completion"), "en")
    assert other.startswith(b"%PDF-")


def test_pdf_of_a_big_run_is_cut_with_a_note(life, people):
    content, rows = pdf.render_report(run_of(people["hr"], "org_life_ledger"), "zh-hans", max_rows=1)
    assert rows == 1 and _shows(content, "仅显示前全部数据请下载")


def test_reports_download_as_pdf_from_the_page_the_api_and_the_command(life, people, tmp_path):
    page = web_for(people["sec1"]).get("/reports/org_life_ledger/?year=2026&format=pdf")
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    assert page.content.startswith(b"%PDF") and _shows(page.content, "五月专题党课")
    api = api_for(people["hr"]).get("/api/v1/reports/org_life_completion/?year=2026&format=pdf")
    assert api.status_code == 200 and api.content.startswith(b"%PDF")
    out = tmp_path / "ledger.pdf"
    call_command("report", "org_life_ledger", "--year", "2026", "--format", "pdf", "--output", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    assert AuditLogEntry.objects.filter(report="org_life_ledger", format="pdf").count() == 2
