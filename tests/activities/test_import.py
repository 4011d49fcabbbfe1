"""Attendance from a file: all or nothing, credits once in bulk, corrections through the one-by-one path."""

from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lms.activities.importer import import_attendance
from lms.activities.models import Attendance
from lms.records.models import StudyHourEntry

from .conftest import client_for

pytestmark = pytest.mark.django_db


def csv(*lines) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def status_of(activity, member):
    return Attendance.objects.get(activity=activity, member=member).status


def test_a_sign_in_sheet_is_imported_and_credited_once(lecture, people):
    data = csv("工号,状态,备注", f"{people['m1'].employee_no},出席,", f"{people['g1'].employee_no},迟到,",
               f"{people['committee1'].employee_no},请假,出差", f"{people['m2'].employee_no},present,")
    report = import_attendance(lecture, data, "sheet.csv", created_by=people["sec1"].user)
    assert report.ok and (report.created, report.updated) == (1, 3)  # m2 of branch 2 comes as a guest
    assert [status_of(lecture, people[n]) for n in ("m1", "g1", "committee1", "m2")] == [
        "present", "late", "leave", "present"]
    credited = StudyHourEntry.objects.filter(source="activity", reference=f"activity:{lecture.pk}")
    assert sorted(credited.values_list("member_id", flat=True)) == sorted(
        [people["m1"].pk, people["g1"].pk, people["m2"].pk])
    assert set(credited.values_list("hours", flat=True)) == {Decimal("2.00")}
    again = import_attendance(lecture, data, "sheet.csv")
    assert again.ok and again.unchanged == 4 and credited.count() == 3
    # m1 was absent after all: reversed; then present again: a fresh credit under the next reference.
    assert import_attendance(lecture, csv("工号,状态", f"{people['m1'].employee_no},缺席"), "fix.csv").ok
    assert StudyHourEntry.objects.filter(member=people["m1"]).total_hours() == 0
    assert import_attendance(lecture, csv("工号,状态", f"{people['m1'].employee_no},出席"), "fix2.csv").ok
    assert StudyHourEntry.objects.filter(member=people["m1"]).total_hours() == Decimal("2.00")


@pytest.mark.parametrize("lines,message", [
    (("工号,状态", "X999,出席"), "No active member"),
    (("工号,状态", "{m1},跳舞"), "Unknown status"),
    (("工号,状态", "{m1},请假"), "needs a reason"),
    (("工号,状态", "{m1},出席", "{m1},迟到"), "listed twice"),
    (("姓名,状态", "张三,出席"), "Missing column"),
    (("工号,状态",), "no data rows"),
])
def test_a_file_with_an_error_writes_nothing(lecture, people, lines, message):
    good = f"{people['g1'].employee_no},出席"
    data = csv(*(line.format(m1=people["m1"].employee_no) for line in lines), *([good] if len(lines) > 1 else []))
    report = import_attendance(lecture, data, "sheet.csv")
    assert not report.ok and message in " ".join(str(e) for e in report.errors)
    assert not Attendance.objects.filter(activity=lecture, status__in=["present", "late", "leave"]).exists()
    assert not StudyHourEntry.objects.filter(source="activity").exists()


def test_the_api_takes_an_xlsx_and_checks_who_may(lecture, people, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["employee_no", "status", "note"])
    book.active.append([people["m1"].employee_no, "present", ""])
    path = tmp_path / "a.xlsx"
    book.save(path)
    upload = SimpleUploadedFile("a.xlsx", path.read_bytes())
    url = f"/api/v1/activities/{lecture.pk}/attendance-import/"
    assert client_for(people["m1"]).post(url, {"file": upload}).status_code == 403
    upload.seek(0)
    r = client_for(people["sec1"]).post(url, {"file": upload, "dry_run": "true"})
    assert r.status_code == 200 and r.json()["errors"] == [] and status_of(lecture, people["m1"]) == "expected"
    upload.seek(0)
    r = client_for(people["sec1"]).post(url, {"file": upload})
    assert r.status_code == 200 and r.json()["updated"] == 1 and status_of(lecture, people["m1"]) == "present"
    bad = SimpleUploadedFile("a.pdf", b"%PDF-1.4")
    r = client_for(people["sec1"]).post(url, {"file": bad})
    assert r.status_code == 400 and "Unsupported file type" in r.json()["errors"][0]


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield
