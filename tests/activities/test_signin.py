"""Rotating QR sign-in and the numeric code: rotation, expiry, forgery, replay, window, guests."""

import datetime

import pytest
from django.utils import timezone

from lms.activities import signin
from lms.activities.models import Attendance
from lms.records.models import StudyHourEntry

from .conftest import aware, client_for

pytestmark = pytest.mark.django_db

DURING = aware(2026, 5, 20, 14, 5)


def test_the_token_rotates_and_only_the_current_or_previous_one_is_accepted(lecture):
    t0 = signin.token_for(lecture, DURING)
    assert signin.token_for(lecture, DURING + datetime.timedelta(seconds=15)) != t0
    signin.check_token(lecture, t0, DURING)
    signin.check_token(lecture, t0, DURING + datetime.timedelta(seconds=15))  # scanned as it changed
    with pytest.raises(signin.TokenError) as exc:
        signin.check_token(lecture, t0, DURING + datetime.timedelta(seconds=31))
    assert exc.value.reason == "expired"


@pytest.mark.parametrize("token", ["", "garbage", "1.2.3.4", "{id}.{step}.0000000000000000000f",
                                   "{other}.{step}.{mac}"])
def test_forged_tokens_and_another_activitys_token_are_refused(lecture, org, people, token):
    from lms.activities.services import schedule

    from .conftest import kind

    other = schedule(user=people["sec2"].user, kind=kind("party_lecture"), unit=org["branch2"], title="其他",
                     starts_at=lecture.starts_at, ends_at=lecture.ends_at)
    real_other = signin.token_for(other, DURING)
    _id, step, mac = real_other.split(".")
    token = token.format(id=lecture.pk, step=step, other=other.pk, mac=mac)
    with pytest.raises(signin.TokenError) as exc:
        signin.check_token(lecture, token, DURING)
    assert exc.value.reason == "forged"


def test_the_numeric_code_changes_every_minute(lecture):
    code = signin.code_for(lecture, DURING)
    assert len(code) == 6 and code.isdigit()
    signin.check_code(lecture, code, DURING + datetime.timedelta(seconds=50))
    with pytest.raises(signin.TokenError):
        signin.check_code(lecture, code, DURING + datetime.timedelta(minutes=3))
    with pytest.raises(signin.TokenError):
        signin.check_code(lecture, "12345", DURING)


def test_a_member_scans_confirms_and_is_credited_once(lecture, people, settings, time_machine):
    time_machine.move_to(DURING, tick=False)
    client = client_for(people["m1"])
    token = signin.token_for(lecture, timezone.now())
    page = client.get(f"/activities/{lecture.pk}/sign-in/?t={token}")
    assert page.status_code == 200 and 'id="signin-confirm"' in page.content.decode()
    pass_value = page.context["pass"]
    time_machine.move_to(DURING + datetime.timedelta(seconds=40), tick=False)  # the QR rotated meanwhile
    r = client.post(f"/activities/{lecture.pk}/sign-in/", {"pass": pass_value})
    assert r.status_code == 302
    att = Attendance.objects.get(activity=lecture, member=people["m1"])
    assert (att.status, att.method) == ("present", "qr")
    entries = StudyHourEntry.objects.filter(member=people["m1"], source="activity")
    assert [(e.reference, e.hours) for e in entries] == [(f"activity:{lecture.pk}", 2)]
    # A second scan changes nothing and says so.
    again = client.post(f"/activities/{lecture.pk}/sign-in/", {"pass": pass_value})
    assert again.status_code == 409 and "already signed in" in again.content.decode()
    assert entries.count() == 1


def test_a_pass_belongs_to_the_member_it_was_issued_to(lecture, people, time_machine):
    time_machine.move_to(DURING, tick=False)
    stolen = signin.issue_pass(lecture, people["m1"].pk)
    r = client_for(people["committee1"]).post(f"/activities/{lecture.pk}/sign-in/", {"pass": stolen})
    assert r.status_code == 400 and "not a valid sign-in code" in r.content.decode()
    assert not Attendance.objects.filter(activity=lecture, status__in=["present", "late"]).exists()


def test_late_arrivals_are_marked_late(lecture, people, time_machine):
    time_machine.move_to(aware(2026, 5, 20, 14, 30), tick=False)
    r = client_for(people["m1"]).post(f"/activities/{lecture.pk}/sign-in/", {"code": signin.code_for(lecture)})
    assert r.status_code == 302
    assert Attendance.objects.get(activity=lecture, member=people["m1"]).status == "late"


@pytest.mark.parametrize("when,message", [(aware(2026, 5, 20, 13, 0), "Sign-in opens at"),
                                          (aware(2026, 5, 20, 16, 1), "has closed")])
def test_outside_the_window_nothing_changes(lecture, people, time_machine, when, message):
    time_machine.move_to(when, tick=False)
    r = client_for(people["m1"]).post(f"/activities/{lecture.pk}/sign-in/", {"code": signin.code_for(lecture)})
    assert r.status_code == 409 and message in r.content.decode()
    assert Attendance.objects.get(activity=lecture, member=people["m1"]).status == "expected"


def test_members_not_expected_need_the_organizer_to_admit_guests(lecture, people, time_machine):
    time_machine.move_to(DURING, tick=False)
    outsider = people["m2"]  # the second branch
    r = client_for(outsider).post(f"/activities/{lecture.pk}/sign-in/", {"code": signin.code_for(lecture)})
    assert r.status_code == 403 and "not on the list" in r.content.decode()
    lecture.guests_allowed = True
    lecture.save()
    r = client_for(outsider).post(f"/activities/{lecture.pk}/sign-in/", {"code": signin.code_for(lecture)})
    assert r.status_code == 302
    att = Attendance.objects.get(activity=lecture, member=outsider)
    assert att.is_guest and att.status == "present" and att.method == "code"


def test_expired_token_page_says_so(lecture, people, time_machine):
    time_machine.move_to(DURING, tick=False)
    old = signin.token_for(lecture, DURING - datetime.timedelta(minutes=2))
    r = client_for(people["m1"]).get(f"/activities/{lecture.pk}/sign-in/?t={old}")
    assert r.status_code == 400 and "expired" in r.content.decode()


def test_the_organizer_screen_shows_a_qr_code_of_the_sign_in_address(lecture, people, time_machine):
    time_machine.move_to(DURING, tick=False)
    client = client_for(people["sec1"])
    page = client.get(f"/activities/{lecture.pk}/sign-in/screen/").content.decode()
    assert "<svg" in page and signin.code_for(lecture) in page
    state = client.get(f"/activities/{lecture.pk}/sign-in/current.json").json()
    assert state["url"].endswith(f"/activities/{lecture.pk}/sign-in/?t={signin.token_for(lecture)}")
    assert state["open"] is True and state["expected"] == 4
    # Members cannot open the organizer's screen.
    assert client_for(people["m1"]).get(f"/activities/{lecture.pk}/sign-in/screen/").status_code == 403
