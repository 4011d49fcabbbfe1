"""manage.py report, monthly subscriptions by e-mail (Celery beat entry), and the demo seed."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from lms.reports import tasks
from lms.reports.bootstrap import MONTHLY_TASK_NAME
from lms.reports.models import AuditLogEntry, ReportSubscription
from tests.reports.conftest import YEAR, web_for


def test_command_writes_xlsx_with_chinese_headers(world, tmp_path):
    out = tmp_path / "compliance.xlsx"
    call_command("report", "compliance", "--year", str(YEAR), "--format", "xlsx", "--output", str(out))
    rows = list(openpyxl.load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:2] == ("工号", "姓名")
    assert [r[0] for r in rows[1:]] == ["M002", "M001", "M003"]
    entry = AuditLogEntry.objects.get()
    assert (entry.channel, entry.action, entry.report, entry.row_count) == ("shell", "export", "compliance", 3)
    assert list(tmp_path.iterdir()) == [out]  # no temp files left behind


def test_command_for_one_unit_as_json_and_csv(world, tmp_path):
    out = tmp_path / "b2.json"
    call_command("report", "compliance", "--year", str(YEAR), "--org", str(world["b2"].pk), "--format", "json",
                 "--output", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["count"] == 1 and data["results"][0]["employee_no"] == "M003"
    assert data["results"][0]["overdue_courses"] == ["必修课A"]
    out = tmp_path / "ledger.csv"
    call_command("report", "branch_ledger", "--year", str(YEAR), "--format", "csv", "--lang", "en", "--output",
                 str(out))
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "Branch" and len(rows) == 4


def test_command_refuses_bad_input_and_leaves_nothing(world, tmp_path):
    with pytest.raises(CommandError, match="999999"):
        call_command("report", "compliance", "--org", "999999", "--format", "csv", "--output",
                     str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="quarter"):
        call_command("report", "compliance", "--quarter", "7", "--output", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError):
        call_command("report", "compliance", "--format", "xlsx")
    assert list(tmp_path.iterdir()) == []


def test_monthly_beat_task_is_registered_once(db):
    tasks_ = PeriodicTask.objects.filter(name=MONTHLY_TASK_NAME)
    assert tasks_.count() == 1
    task = tasks_.get()
    assert task.task == "reports.send_monthly_reports"
    assert (task.crontab.day_of_month, task.crontab.hour, task.crontab.minute) == ("1", "7", "0")
    from lms.reports.bootstrap import ensure_schedule

    ensure_schedule(None)
    assert PeriodicTask.objects.filter(name=MONTHLY_TASK_NAME).count() == 1


def test_subscribe_from_the_report_page(world):
    client = web_for(world["sec1"])
    response = client.post("/reports/subscriptions/", {"report": "compliance", "period": "ytd", "format": "xlsx"})
    assert response.status_code == 302
    sub = ReportSubscription.objects.get()
    assert (sub.user, sub.report, sub.org_unit, sub.period) == (world["sec1"].user, "compliance", None, "ytd")
    client.post("/reports/subscriptions/", {"report": "compliance", "period": "ytd", "format": "xlsx"})
    assert ReportSubscription.objects.count() == 1
    # Outside the secretary's branch: refused.
    response = client.post("/reports/subscriptions/", {"report": "compliance", "org": world["b2"].pk})
    assert response.status_code == 403 and ReportSubscription.objects.count() == 1
    # Members cannot subscribe.
    assert web_for(world["m1"]).post("/reports/subscriptions/", {"report": "compliance"}).status_code == 403
    assert AuditLogEntry.objects.filter(action="subscription").count() == 1
    listing = client.get("/reports/subscriptions/").content.decode().split("<tbody>")[1].split("</tbody>")[0]
    assert "compliance" not in listing and "ytd" not in listing


def test_monthly_mail_has_the_report_attached_once(world):
    hr = world["hr"]
    hr.user.email = "hr@example.com"
    hr.user.save()
    ReportSubscription.objects.create(user=hr.user, report="compliance", period="last_month", format="xlsx")
    ReportSubscription.objects.create(user=hr.user, report="branch_ledger", org_unit=world["b1"], format="csv")
    with time_machine.travel(datetime.datetime(2025, 12, 1, 7, 0), tick=False):
        assert tasks.send_monthly_reports() == 2
        assert tasks.send_monthly_reports() == 0  # a second beat the same month sends nothing
    assert len(mail.outbox) == 2
    by_subject = {m.subject: m for m in mail.outbox}
    compliance = next(m for s, m in by_subject.items() if s.startswith("达标情况"))
    assert "2025-11" in compliance.subject and compliance.to == ["hr@example.com"]
    name, content, mimetype = compliance.attachments[0]
    assert name.startswith("compliance-2025-11") and name.endswith(".xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0].iter_rows(
        values_only=True))
    assert rows[0][0] == "工号"
    # November 2025 alone: nobody earned hours, so everyone with a requirement (32/12 or 56/12 h) falls short.
    assert {r[0] for r in rows[1:]} == {"M-S1", "M002", "M001", "M-S2", "M003"}
    ledger = next(m for s, m in by_subject.items() if s.startswith("支部台账"))
    text = ledger.attachments[0][1]  # Django hands text/* attachments back as str
    text = text if isinstance(text, str) else text.decode("utf-8-sig")
    assert "2025" in ledger.subject and "公司党委/第一党支部" in text and "第二党支部" not in text
    assert AuditLogEntry.objects.filter(action="scheduled", channel="task").count() == 2


def test_subscription_stops_when_rights_are_lost(world):
    sec1 = world["sec1"]
    sec1.user.email = "sec1@example.com"
    sec1.user.save()
    sub = ReportSubscription.objects.create(user=sec1.user, report="compliance", format="csv")
    sec1.set_roles({"member"})
    assert tasks.send_subscription(sub.pk, "2026-12") == "deactivated"
    sub.refresh_from_db()
    assert not sub.is_active and sub.last_error and mail.outbox == []


def test_demo_seed_is_idempotent(world):
    from lms.reports.demo import seed_reports_demo

    first = seed_reports_demo()
    second = seed_reports_demo()
    assert first["subscriptions"] >= 1 and second["subscriptions"] == 0
    assert ReportSubscription.objects.filter(user=world["hr"].user, report="compliance").exists()
