"""/api/v1/activities/, plan slots and leave requests: permissions per role and bad input."""

import pytest

from lms.activities import signin
from lms.activities.models import Activity, Attendance
from lms.activities.plans import generate_plans

from .conftest import aware, client_for

pytestmark = pytest.mark.django_db

NEW = {"kind": "theme_day", "title": "六月主题党日", "starts_at": "2099-06-05T09:00:00+08:00",
       "ends_at": "2099-06-05T11:00:00+08:00", "place": "党员活动室"}


def test_who_sees_which_activities(lecture, people):
    ids = {name: [a["id"] for a in client_for(people[name]).get("/api/v1/activities/").json()["results"]]
           for name in ("hr", "sec1", "m1", "g1", "sec2", "m2")}
    assert ids == {"hr": [lecture.pk], "sec1": [lecture.pk], "m1": [lecture.pk], "g1": [lecture.pk],
                   "sec2": [], "m2": []}
    assert client_for(people["m2"]).get(f"/api/v1/activities/{lecture.pk}/").status_code == 404
    assert client_for(people["m1"]).get(f"/api/v1/activities/{lecture.pk}/").json()["my_status"] == "expected"


def test_secretaries_schedule_for_their_branch_only(org, people):
    sec1 = client_for(people["sec1"])
    r = sec1.post("/api/v1/activities/", {**NEW, "unit": org["branch1"].pk}, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["kind_code"] == "theme_day" and body["status"] == "scheduled"
    assert Activity.objects.get(pk=body["id"]).attendances.count() == 4
    r = sec1.post("/api/v1/activities/", {**NEW, "unit": org["branch2"].pk}, content_type="application/json")
    assert r.status_code == 403
    r = client_for(people["m1"]).post("/api/v1/activities/", {**NEW, "unit": org["branch1"].pk},
                                      content_type="application/json")
    assert r.status_code == 403
    r = client_for(people["hr"]).post("/api/v1/activities/", {**NEW, "unit": org["branch2"].pk},
                                      content_type="application/json")
    assert r.status_code == 201


@pytest.mark.parametrize("change,field", [
    ({"ends_at": "2099-06-05T08:00:00+08:00"}, "ends_at"),
    ({"kind": "no_such_kind"}, "kind"),
    ({"title": ""}, "title"),
    ({"starts_at": "not a date"}, "starts_at"),
    ({"stream_url": "javascript:alert(1)"}, "stream_url"),
    ({"audience": "list", "members": []}, "members"),
    ({"live_threshold": 0}, "live_threshold"),
])
def test_bad_schedules_are_refused_with_the_field_named(org, people, change, field):
    r = client_for(people["sec1"]).post("/api/v1/activities/", {**NEW, "unit": org["branch1"].pk, **change},
                                        content_type="application/json")
    assert r.status_code == 400 and field in r.json()["fields"], r.content
    assert not Activity.objects.exists()


def test_sign_in_through_the_api(lecture, people, time_machine):
    time_machine.move_to(aware(2026, 5, 20, 14, 2), tick=False)
    client = client_for(people["g1"])
    r = client.post(f"/api/v1/activities/{lecture.pk}/sign-in/", {"token": signin.token_for(lecture)},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "present" and r.json()["method"] == "qr"
    again = client.post(f"/api/v1/activities/{lecture.pk}/sign-in/", {"code": signin.code_for(lecture)},
                        content_type="application/json")
    assert again.status_code == 409
    bad = client.post(f"/api/v1/activities/{lecture.pk}/sign-in/", {"token": "1.2.abc"},
                      content_type="application/json")
    assert bad.status_code == 400
    empty = client.post(f"/api/v1/activities/{lecture.pk}/sign-in/", {}, content_type="application/json")
    assert empty.status_code == 400
    other = client_for(people["m2"]).post(f"/api/v1/activities/{lecture.pk}/sign-in/",
                                          {"code": signin.code_for(lecture)}, content_type="application/json")
    assert other.status_code == 403


def test_attendance_marking_is_for_the_organizer(lecture, people):
    url = f"/api/v1/activities/{lecture.pk}/attendance/"
    assert client_for(people["m1"]).get(url).status_code == 403
    assert client_for(people["sec2"]).get(url).status_code == 404  # not even visible
    rows = client_for(people["sec1"]).get(url).json()
    assert sorted(r["employee_no"] for r in rows) == sorted(
        people[n].employee_no for n in ("sec1", "committee1", "m1", "g1"))
    r = client_for(people["sec1"]).post(url, {"member": people["m1"].pk, "status": "leave", "note": "病假"},
                                        content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "leave"
    r = client_for(people["sec1"]).post(url, {"member": people["m1"].pk, "status": "leave"},
                                        content_type="application/json")
    assert r.status_code == 400
    r = client_for(people["sec1"]).post(url, {"member": people["m2"].pk, "status": "present"},
                                        content_type="application/json")
    assert r.status_code == 403
    assert Attendance.objects.get(activity=lecture, member=people["m1"]).status == "leave"


def test_leave_requests_through_the_api(people, org):
    from lms.activities.services import schedule

    from .conftest import kind

    future = schedule(user=people["sec1"].user, kind=kind("theme_day"), unit=org["branch1"], title="主题党日",
                      starts_at=aware(2099, 7, 1, 9), ends_at=aware(2099, 7, 1, 11))
    r = client_for(people["m1"]).post(f"/api/v1/activities/{future.pk}/leave/", {"reason": "出差"},
                                      content_type="application/json")
    assert r.status_code == 201
    leave_id = r.json()["id"]
    assert client_for(people["m1"]).post(f"/api/v1/leave-requests/{leave_id}/decide/", {"approve": True},
                                         content_type="application/json").status_code == 403
    r = client_for(people["sec1"]).post(f"/api/v1/leave-requests/{leave_id}/decide/", {"approve": True},
                                        content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert Attendance.objects.get(activity=future, member=people["m1"]).status == "leave"


def test_plan_slots_are_scoped_and_carry_their_state(org, people):
    generate_plans(2026, [org["branch1"], org["branch2"], org["group1"]])
    units = {name: {s["unit"] for s in _all(client_for(people[name]), "/api/v1/plan-slots/?year=2026")}
             for name in ("hr", "sec1", "g1", "m2")}
    assert units["hr"] == {org["branch1"].pk, org["branch2"].pk, org["group1"].pk}
    assert units["sec1"] == {org["branch1"].pk, org["group1"].pk}
    assert units["g1"] == {org["branch1"].pk, org["group1"].pk}
    assert units["m2"] == {org["branch2"].pk}
    states = {s["state"] for s in _all(client_for(people["sec1"]), "/api/v1/plan-slots/?year=2026")}
    assert states <= {"held", "scheduled", "overdue", "upcoming"} and "overdue" in states


def _all(client, url):
    out = []
    while url:
        body = client.get(url).json()
        out += body["results"]
        url = body["next"]
    return out
