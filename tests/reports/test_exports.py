"""CSV/XLSX/JSON downloads, headers in the chosen language, background exports, and the audit trail."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core import mail

from lms.reports.models import AuditLogEntry, ExportJob
from tests.reports.conftest import YEAR, api_for, web_for


def _csv(response):
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode()), "CSV must start with a UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(content), read_only=True)


def test_compliance_xlsx_has_chinese_headers_and_values(world):
    response = web_for(world["hr"]).get(f"/reports/compliance/?year={YEAR}&format=xlsx&lang=zh-hans")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"compliance-2025-{world['root'].pk}.xlsx" in response["Content-Disposition"]
    ws = _xlsx(response).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == ["工号", "姓名", "所在组织", "所在支部", "岗位", "应修学时", "已修学时", "差额学时", "逾期任务",
                       "逾期课程"]
    assert rows[1][:4] == ["M002", "党员二", "公司党委/第一党支部", "公司党委/第一党支部"]
    assert rows[1][4] in ("", None)  # no post
    assert rows[1][5:9] == [32, 20, 12, 1]
    assert rows[1][9] == "必修课A"
    assert len(rows) == 4


def test_english_headers_on_request(world):
    response = api_for(world["hr"]).get(f"/api/v1/reports/branch_ledger/?year={YEAR}&format=xlsx&lang=en")
    ws = _xlsx(response).worksheets[0]
    header = next(ws.iter_rows(values_only=True))
    assert header[:3] == ("Branch", "Members", "Members with a requirement")


def test_branch_ledger_xlsx_chinese(world):
    response = web_for(world["hr"]).get(f"/reports/branch_ledger/?year={YEAR}&format=xlsx")
    ws = _xlsx(response).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "支部" and "完成率（%）" in rows[0]
    b1 = next(r for r in rows if r[0] == "公司党委/第一党支部")
    assert b1[1:4] == (3, 3, 1) and b1[4] == pytest.approx(33.3)


def test_training_records_csv_streams_with_labels(world):
    response = api_for(world["sec1"]).get(f"/api/v1/reports/training_records/?year={YEAR}&format=csv")
    assert response.streaming
    rows = _csv(response)
    assert rows[0][:4] == ["条目", "日期", "工号", "姓名"]
    assert len(rows) == 11
    reversal = next(r for r in rows if r[6] == "更正")
    assert reversal[9] == "-14.00" and reversal[11] == "重复录入"
    assert sum(Decimal(r[9]) for r in rows[1:]) == Decimal("105.50")


def test_json_is_paged_with_raw_values(world):
    api = api_for(world["hr"])
    data = api.get(f"/api/v1/reports/training_records/?year={YEAR}&page_size=5").json()
    assert data["count"] == 12 and len(data["results"]) == 5 and data["next"]
    assert data["columns"][0] == {"key": "entry", "label": "条目"}
    page3 = api.get(data["next"].replace("page=2", "page=3")).json()
    assert len(page3["results"]) == 2 and page3["next"] is None and page3["previous"]
    summary = api.get(f"/api/v1/reports/hours_summary/?year={YEAR}").json()
    m1 = next(r for r in summary["results"] if r["employee_no"] == "M001")
    assert m1["earned"] == 25.5 and m1["required"] == 32 and m1["compliant"] is False
    assert api.get(f"/api/v1/reports/hours_summary/?year={YEAR}&page_size=0").status_code == 400


def test_every_view_and_export_is_audited(world):
    hr = world["hr"]
    web_for(hr).get(f"/reports/compliance/?year={YEAR}&org={world['b1'].pk}")
    web_for(hr).get(f"/reports/compliance/?year={YEAR}&format=xlsx")
    b"".join(api_for(hr).get(f"/api/v1/reports/training_records/?year={YEAR}&format=csv").streaming_content)
    api_for(world["m1"]).get(f"/api/v1/archives/{world['m1'].pk}/?year={YEAR}")
    web_for(world["sec1"]).get(f"/archive/{world['m1'].pk}/pdf/?year={YEAR}")
    log = list(AuditLogEntry.objects.order_by("id"))
    assert [(e.username, e.action, e.report, e.format, e.channel) for e in log] == [
        ("H001", "view", "compliance", "html", "web"),
        ("H001", "export", "compliance", "xlsx", "web"),
        ("H001", "export", "training_records", "csv", "api"),
        ("M001", "archive_view", "archive", "json", "api"),
        ("M-S1", "archive_export", "archive", "pdf", "web"),
    ]
    assert log[0].scope == "公司党委/第一党支部" and log[0].params == {"year": 2025, "org": world["b1"].pk}
    assert list(log[0].scope_units.all()) == [world["b1"]]
    assert log[4].member == world["m1"]
    # Denied requests leave no trace of data, and the log itself is append-only.
    api_for(world["m1"]).get(f"/api/v1/reports/compliance/?year={YEAR}")
    assert AuditLogEntry.objects.count() == 5
    from lms.reports.models import AuditImmutable

    with pytest.raises(AuditImmutable):
        log[0].delete()
    with pytest.raises(AuditImmutable):
        AuditLogEntry.objects.all().update(username="x")


def test_audit_log_visible_to_hr(world):
    web_for(world["sec1"]).get(f"/reports/compliance/?year={YEAR}")
    page = web_for(world["hr"]).get("/reports/audit/")
    assert page.status_code == 200 and "M-S1" in page.content.decode()
    # People read the report's title and labelled parameters, never its name or a Python dict.
    row = page.content.decode().split("<tbody>")[1].split("</tr>")[0]
    assert "<td>达标情况</td>" in row, row
    assert f"年份：{YEAR}" in row and "{" not in row and "compliance" not in row
    data = api_for(world["hr"]).get("/api/v1/reports/audit/").json()
    assert data["results"][0]["username"] == "M-S1" and data["results"][0]["report"] == "compliance"


@pytest.mark.django_db(transaction=True)
def test_large_export_runs_in_background_and_mails_a_link(world, settings):
    settings.LMS_REPORT_SYNC_MAX_ROWS = {"xlsx": 5, "csv": 5}
    hr = world["hr"]
    hr.user.email = "hr@example.com"
    hr.user.save()
    response = api_for(hr).get(f"/api/v1/reports/training_records/?year={YEAR}&format=xlsx")
    assert response.status_code == 202
    job = ExportJob.objects.get(token=response.json()["job"])
    assert job.status == "done" and job.row_count == 12  # eager Celery in tests ran it on commit
    status = api_for(hr).get(response.json()["status_url"]).json()
    assert status["status"] == "done" and status["download_url"].endswith(f"/reports/exports/{job.token}/download/")
    assert len(mail.outbox) == 1 and str(job.token) in mail.outbox[0].body
    download = web_for(hr).get(f"/reports/exports/{job.token}/download/")
    ws = _xlsx(download).worksheets[0]
    assert len(list(ws.iter_rows(values_only=True))) == 13
    # Nobody else can fetch it.
    assert web_for(world["sec1"]).get(f"/reports/exports/{job.token}/download/").status_code == 404
    assert api_for(world["sec1"]).get(response.json()["status_url"]).status_code == 404
    actions = list(AuditLogEntry.objects.order_by("id").values_list("action", "channel"))
    assert actions == [("export_queued", "api"), ("export", "task"), ("download", "web")]


@pytest.mark.django_db(transaction=True)
def test_large_web_export_redirects_to_my_exports(world, settings):
    settings.LMS_REPORT_SYNC_MAX_ROWS = {"csv": 1}
    client = web_for(world["hr"])
    response = client.get(f"/reports/hours_summary/?year={YEAR}&format=csv")
    assert response.status_code == 302 and response["Location"] == "/reports/exports/", response.content[:500]
    page = client.get("/reports/exports/").content.decode()
    job = ExportJob.objects.get()
    assert job.status == "done" and job.get_absolute_url() in page


def test_an_unexpected_export_failure_reads_without_internals(world):
    """The member's exports page says what to do; the exception (paths, SQL) stays in the worker's log."""
    from lms.reports.tasks import _on_export_failure

    job = ExportJob.objects.create(user=world["hr"].user, report="compliance", params={"year": YEAR},
                                   format="xlsx", language="zh-hans")
    _on_export_failure(None, OSError("[Errno 28] No space left on device: '/srv/lms/var/exports/x.xlsx'"),
                       "task-id", (job.pk,), {}, None)
    job.refresh_from_db()
    assert job.status == "failed" and "内部错误" in job.error and "/srv" not in job.error and "Errno" not in job.error
    page = web_for(world["hr"]).get("/reports/exports/").content.decode()
    assert "内部错误" in page and "/srv" not in page
