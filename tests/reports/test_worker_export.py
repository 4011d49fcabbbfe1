"""A large export requested through the API is written by a real Celery worker process (default queue)."""

import io
import time

import openpyxl
import pytest

from lms.reports import tasks
from lms.reports.models import ExportJob
from tests.live import Broker, celery_worker
from tests.reports.conftest import YEAR, api_for, web_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WAIT = 120


def test_background_export_by_a_real_worker(world, settings, tmp_path, monkeypatch):
    settings.LMS_REPORT_SYNC_MAX_ROWS = {"xlsx": 1}
    broker = Broker(tmp_path / "broker")

    def send(job_id):
        broker.send(tasks.run_export.si(job_id))

    monkeypatch.setattr(tasks.run_export, "delay", send)
    response = api_for(world["hr"]).get(f"/api/v1/reports/hours_summary/?year={YEAR}&format=xlsx")
    assert response.status_code == 202
    job = ExportJob.objects.get(token=response.json()["job"])
    assert job.status == "pending"

    log = tmp_path / "worker.log"
    with celery_worker(log, queue="default", broker=broker, name="reports") as proc:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status in ("done", "failed"):
                break
            if proc.poll() is not None:
                pytest.fail(f"worker exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        assert job.status == "done", (job.status, job.error, log.read_text(errors="replace")[-3000:])

    assert job.row_count == 8 and job.started_at and job.finished_at
    download = web_for(world["hr"]).get(f"/reports/exports/{job.token}/download/")
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
                .worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "工号" and len(rows) == 9
    m1 = next(r for r in rows if r[0] == "M001")
    assert (m1[6], m1[7]) == (32, 25.5)
