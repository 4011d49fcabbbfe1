"""The pages: plan, activity (member and organizer views), scheduling, marking, leave, minutes."""

import pytest

from lms.activities.models import Activity, Attendance, LeaveRequest, Minutes
from lms.activities.plans import generate_plans

from .conftest import aware, client_for, kind

pytestmark = pytest.mark.django_db


def test_the_secretary_sees_the_plan_with_slot_states(org, people, lecture, time_machine):
    time_machine.move_to(aware(2026, 5, 10, 9), tick=False)
    generate_plans(2026, [org["branch1"]])
    from lms.activities.services import suggest_slot

    slot = suggest_slot(org["branch1"], kind("party_lecture"), aware(2026, 5, 20, 14).date())
    assert slot is not None  # the lecture was scheduled before the plan existed: it takes the slot on demand
    page = client_for(people["sec1"]).get("/activities/plan/?year=2026").content.decode()
    assert 'data-kind="party_lecture"' in page and 'data-state="overdue"' in page and 'data-state="upcoming"' in page
    assert client_for(people["m1"]).get("/activities/plan/").status_code == 403
    other = client_for(people["sec2"]).get(f"/activities/plan/?unit={org['branch1'].pk}").content.decode()
    assert "第一党支部" not in other.split("<h1>")[1].split("</h1>")[0]  # falls back to their own branch


def test_member_and_organizer_views_of_an_activity(lecture, people):
    member_page = client_for(people["m1"]).get(f"/activities/{lecture.pk}/").content.decode()
    assert "五月专题党课" in member_page and 'data-my-status="expected"' in member_page
    assert 'id="organizer"' not in member_page
    organizer = client_for(people["sec1"]).get(f"/activities/{lecture.pk}/").content.decode()
    assert 'id="organizer"' in organizer and people["g1"].employee_no in organizer
    assert client_for(people["m2"]).get(f"/activities/{lecture.pk}/").status_code == 404
    hr = client_for(people["hr"]).get(f"/activities/{lecture.pk}/").content.decode()
    assert 'id="organizer"' in hr
    mine = client_for(people["g1"]).get("/activities/").content.decode()
    assert "五月专题党课" in mine


def test_scheduling_through_the_page(org, people):
    client = client_for(people["sec1"])
    form = {"kind": kind("theme_day").pk, "unit": org["branch1"].pk, "title": "七月主题党日",
            "starts_at": "2099-07-01T09:00", "ends_at": "2099-07-01T11:00", "place": "活动室"}
    r = client.post("/activities/new/", form)
    assert r.status_code == 302
    activity = Activity.objects.get(title="七月主题党日")
    assert activity.attendances.count() == 4
    bad = client.post("/activities/new/", {**form, "ends_at": "2099-07-01T08:00"})
    assert bad.status_code == 400 and "must end after it starts" in bad.content.decode()
    foreign = client.post("/activities/new/", {**form, "unit": org["branch2"].pk, "title": "越权"})
    assert foreign.status_code == 400 and not Activity.objects.filter(title="越权").exists()
    assert client_for(people["m1"]).get("/activities/new/").status_code == 403


def test_marking_leave_and_minutes_through_the_pages(lecture, people, org):
    secretary = client_for(people["sec1"])
    r = secretary.post(f"/activities/{lecture.pk}/attendance/", {"member": people["m1"].pk, "status": "present"})
    assert r.status_code == 302 and Attendance.objects.get(activity=lecture, member=people["m1"]).status == "present"
    r = secretary.post(f"/activities/{lecture.pk}/attendance/", {"member": people["m2"].pk, "status": "present"})
    assert r.status_code == 302 and not Attendance.objects.filter(activity=lecture, member=people["m2"]).exists()
    assert client_for(people["m1"]).post(f"/activities/{lecture.pk}/attendance/",
                                         {"member": people["m1"].pk, "status": "absent"}).status_code == 403
    from lms.activities.services import schedule

    future = schedule(user=people["sec1"].user, kind=kind("theme_day"), unit=org["branch1"], title="八月主题党日",
                      starts_at=aware(2099, 8, 1, 9), ends_at=aware(2099, 8, 1, 11))
    client_for(people["g1"]).post(f"/activities/{future.pk}/leave/", {"reason": "值班"})
    leave = LeaveRequest.objects.get(activity=future, member=people["g1"])
    secretary.post(f"/activities/leave/{leave.pk}/decide/", {"approve": "1"})
    assert Attendance.objects.get(activity=future, member=people["g1"]).status == "leave"
    secretary.post(f"/activities/{lecture.pk}/minutes/", {"content": "会议记录正文", "resolutions": "决议一",
                                                          "submit": "1"})
    minutes = Minutes.objects.get(activity=lecture)
    lecture.refresh_from_db()
    assert minutes.submitted_at and lecture.status == "held"
    secretary.post(f"/activities/{lecture.pk}/minutes/", {"content": "改写"})
    minutes.refresh_from_db()
    assert minutes.content == "会议记录正文"  # submitted minutes do not change
    page = client_for(people["m1"]).get(f"/activities/{lecture.pk}/").content.decode()
    assert "会议记录正文" in page  # members read submitted minutes


def test_minutes_attachments_are_checked_by_content_and_served_to_who_may_see(lecture, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lms.activities.models import MinutesAttachment

    secretary = client_for(people["sec1"])
    url = f"/activities/{lecture.pk}/minutes/attachments/"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    r = secretary.post(url, {"file": SimpleUploadedFile("photo.png", png)})
    assert r.status_code == 302 and not MinutesAttachment.objects.exists()  # no minutes yet
    secretary.post(f"/activities/{lecture.pk}/minutes/", {"content": "草稿"})
    secretary.post(url, {"file": SimpleUploadedFile("photo.png", png)})
    secretary.post(url, {"file": SimpleUploadedFile("evil.png", b"MZ\x90\x00 not an image")})
    secretary.post(url, {"file": SimpleUploadedFile("run.exe", b"MZ")})
    assert client_for(people["m1"]).post(url, {"file": SimpleUploadedFile("p.png", png)}).status_code == 403
    item = MinutesAttachment.objects.get()
    assert item.is_photo and item.name == "photo.png"
    assert secretary.get(f"/activities/attachments/{item.pk}/").status_code == 200
    assert client_for(people["m1"]).get(f"/activities/attachments/{item.pk}/").status_code == 404  # draft
    secretary.post(f"/activities/{lecture.pk}/minutes/", {"content": "会议记录", "submit": "1"})
    body = b"".join(client_for(people["m1"]).get(f"/activities/attachments/{item.pk}/").streaming_content)
    assert body == png
    assert client_for(people["m2"]).get(f"/activities/attachments/{item.pk}/").status_code == 404


def test_an_uploaded_recording_can_be_the_replay(lecture, people):
    from tests.content_library.conftest import make_ready_talk

    talk = make_ready_talk("回放")
    secretary = client_for(people["sec1"])
    secretary.post(f"/activities/{lecture.pk}/replay/", {"talk": str(talk.pk)})
    lecture.refresh_from_db()
    assert lecture.replay_talk_id == talk.pk
    secretary.post(f"/activities/{lecture.pk}/replay/", {"talk": "999999"})
    lecture.refresh_from_db()
    assert lecture.replay_talk_id == talk.pk
