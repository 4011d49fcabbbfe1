"""Reports filtered by post (岗位), the post column, and readable parameters (see conftest's world)."""

import csv
import io

from django.utils import translation

from lms.org.models import Member, Post
from lms.reports import wording
from lms.reports.models import AuditLogEntry, ExportJob
from lms.reports.services import build_run
from tests.reports.conftest import YEAR, api_for, web_for


def give_posts(world):
    safety, finance = Post.objects.get(code="safety"), Post.objects.get(code="finance")
    Member.objects.filter(pk__in=[world["m1"].pk, world["m3"].pk]).update(post=safety)
    Member.objects.filter(pk=world["sec1"].pk).update(post=finance)
    return safety, finance


def rows_of(run):
    columns = run.columns
    return [dict(zip([c.key for c in columns], row, strict=True)) for row in run.rows()]


def test_post_filter_limits_member_rows_and_fills_the_post_column(world):
    give_posts(world)
    run = build_run(world["hr"].user, "hours_summary", {"year": str(YEAR), "post": "safety"})
    rows = rows_of(run)
    assert sorted(r["employee_no"] for r in rows) == ["M001", "M003"]
    assert {r["post"] for r in rows} == {"safety"}
    column = next(c for c in run.columns if c.key == "post")
    with translation.override("zh-hans"):
        assert column.show("safety") == "安全管理"
    with translation.override("en"):
        assert column.show("safety") == "Safety management"

    everyone = rows_of(build_run(world["hr"].user, "hours_summary", {"year": str(YEAR)}))
    posts = {r["employee_no"]: r["post"] for r in everyone}
    assert posts["M-S1"] == "finance" and posts["M002"] == "" and len(everyone) > 2


def test_post_filter_combines_with_role_and_org(world):
    give_posts(world)
    run = build_run(world["hr"].user, "compliance", {"year": str(YEAR), "post": "safety", "org": world["b2"].pk})
    assert [r["employee_no"] for r in rows_of(run)] == ["M003"]
    run = build_run(world["hr"].user, "hours_summary", {"year": str(YEAR), "post": "finance", "role": "member"})
    assert [r["employee_no"] for r in rows_of(run)] == ["M-S1"]
    run = build_run(world["hr"].user, "hours_summary", {"year": str(YEAR), "post": "finance",
                                                          "role": "activist"})
    assert rows_of(run) == []


def test_post_filter_applies_to_ledger_lines_and_course_progress(world):
    give_posts(world)
    run = build_run(world["hr"].user, "training_records", {"year": str(YEAR), "post": "finance"})
    assert {r["employee_no"] for r in rows_of(run)} == {"M-S1"}
    run = build_run(world["hr"].user, "course_progress", {"year": str(YEAR), "post": "procurement"})
    assert rows_of(run) == []


def test_bad_post_is_a_clear_error_on_page_api_and_export(world):
    web = web_for(world["hr"])
    r = web.get(f"/reports/compliance/?year={YEAR}&post=nope", follow=True)
    assert r.status_code == 200
    assert any("nope" in str(m) for m in r.context["messages"])
    r = api_for(world["hr"]).get(f"/api/v1/reports/compliance/?year={YEAR}&post=nope")
    assert r.status_code == 400 and "nope" in r.json()["error"]
    r = web.get(f"/reports/compliance/?year={YEAR}&post=nope&format=csv")
    assert r.status_code == 302 and not ExportJob.objects.exists()


def test_report_page_has_a_post_select_and_keeps_the_choice(world):
    give_posts(world)
    Post.objects.filter(code="procurement").update(is_active=False)
    web = web_for(world["hr"])
    html = web.get(f"/reports/hours_summary/?year={YEAR}&post=safety").content.decode()
    assert 'name="post"' in html and '<option value="safety" selected>安全管理</option>' in html
    assert "采购" in html  # inactive posts stay selectable: their holders are still in the reports
    assert "党员一" in html and "党员二" not in html
    assert "安全管理" in html  # the scope label names the post


def test_csv_export_with_post_shows_names_and_the_audit_entry_reads_the_post(world):
    give_posts(world)
    web = web_for(world["hr"])
    r = web.get(f"/reports/hours_summary/?year={YEAR}&post=safety&format=csv&lang=zh-hans")
    assert r.status_code == 200
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    header = table[0]
    assert "岗位" in header
    posts = {row[header.index("岗位")] for row in table[1:]}
    assert posts == {"安全管理"}
    entry = AuditLogEntry.objects.filter(report="hours_summary", action=AuditLogEntry.Action.EXPORT).latest("pk")
    assert entry.params["post"] == "safety"
    with translation.override("zh-hans"):
        wording.describe_params([entry])
    assert "岗位：安全管理" in entry.params_text and "safety" not in entry.params_text


def test_params_of_a_run_keep_the_post_for_background_exports(world):
    give_posts(world)
    run = build_run(world["hr"].user, "compliance", {"year": str(YEAR), "post": "safety"})
    assert run.params()["post"] == "safety"
    again = build_run(world["hr"].user, "compliance", run.params())
    assert again.scope.post == "safety"


def test_secretary_post_filter_stays_inside_own_branch(world):
    give_posts(world)
    run = build_run(world["sec1"].user, "hours_summary", {"year": str(YEAR), "post": "safety"})
    assert [r["employee_no"] for r in rows_of(run)] == ["M001"]
