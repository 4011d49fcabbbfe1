import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lms.org.models import Member
from lms.records.models import StudyHourEntry
from tests.factories import MemberFactory


@pytest.fixture
def hr_client(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hr = MemberFactory(roles=["member", "hr"])
    client = Client()
    client.force_login(hr.user)
    return client


def upload(client, url, text, **extra):
    return client.post(url, {"file": SimpleUploadedFile("m.csv", text.encode("utf-8")), **extra})


def test_hr_imports_members_in_admin_with_report(hr_client):
    url = "/admin/import/members/"
    assert hr_client.get(url).status_code == 200
    bad = "employee_no,name,org_unit_path,roles\nX1,甲,公司党委,member\nX2,乙,,member\n"
    r = upload(hr_client, url, bad)
    html = r.content.decode()
    assert r.status_code == 200 and "未导入任何数据" in html and "<td>3</td>" in html
    assert not Member.objects.filter(employee_no="X1").exists()
    good = "employee_no,name,org_unit_path,roles\nX1,甲,公司党委,member\nX2,乙,公司党委/第一党支部,member\n"
    r = upload(hr_client, url, good, dry_run="on")
    assert not Member.objects.filter(employee_no="X1").exists()
    upload(hr_client, url, good)
    assert set(Member.objects.filter(employee_no__startswith="X").values_list("employee_no", flat=True)) == {"X1", "X2"}


def test_hr_imports_training_records_in_admin(hr_client):
    MemberFactory(employee_no="R1")
    upload(hr_client, "/admin/import/training-records/", "employee_no,title,date,hours\nR1,党日活动,2026-01-05,3\n")
    entry = StudyHourEntry.objects.get(member__employee_no="R1")
    assert entry.source == "offline" and entry.created_by is not None


def test_non_hr_cannot_import(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        trainer = MemberFactory(roles=["member", "trainer"])
    client = Client()
    client.force_login(trainer.user)
    # Wagtail turns PermissionDenied into a redirect to the dashboard with a message
    r = client.get("/admin/import/members/")
    assert r.status_code == 302 and r["Location"] == "/admin/"
    upload(client, "/admin/import/members/", "employee_no,name,org_unit_path\nZ1,丙,公司党委\n")
    assert not Member.objects.filter(employee_no="Z1").exists()
