import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from lms.notifications.models import Notification
from lms.records import ledger
from lms.training.engine import evaluate
from lms.training.models import Assignment
from tests.factories import MemberFactory, make_course, make_lesson, org_unit
from tests.training.factories import plan_with, rule

TZ = ZoneInfo("Asia/Shanghai")
D = datetime.date


@pytest.fixture
def today():
    with time_machine.travel(datetime.datetime(2030, 5, 10, 10, tzinfo=TZ), tick=False):
        yield D(2030, 5, 10)


@pytest.fixture
def org(db, today):
    first = org_unit("公司党委/第一党支部")
    second = org_unit("公司党委/第二党支部")
    people = {
        "sec": MemberFactory(roles=["member", "branch_secretary"], org_unit=first),
        "inside": MemberFactory(roles=["member"], org_unit=org_unit("公司党委/第一党支部/一组")),
        "late": MemberFactory(roles=["member"], org_unit=first),
        "outside": MemberFactory(roles=["member"], org_unit=second),
        "hr": MemberFactory(roles=["hr"], org_unit=org_unit("公司党委")),
    }
    course = make_course("年度必修")
    make_lesson(course)
    plan_with(rule("党员必修", roles=["member"], courses=[course], due=D(2030, 9, 30)),
              rule("党员学时", roles=["member"], hours=32))
    evaluate()
    Assignment.objects.filter(member=people["late"]).update(due_on=D(2030, 5, 1))
    people["course"] = course
    people["extra"] = make_course("专项学习")
    return people


def api_for(member):
    client = APIClient()
    client.force_authenticate(member.user)
    return client


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["member"] for row in response.json()["results"])


@pytest.mark.django_db
def test_assignment_api_is_scoped_to_what_the_caller_may_see(org):
    sec, inside, late, outside, hr = (org[k] for k in ("sec", "inside", "late", "outside", "hr"))
    assert ids(api_for(inside).get("/api/v1/assignments/")) == [inside.pk]
    assert ids(api_for(sec).get("/api/v1/assignments/")) == sorted([sec.pk, inside.pk, late.pk])
    assert ids(api_for(hr).get("/api/v1/assignments/")) == sorted([sec.pk, inside.pk, late.pk, outside.pk])
    # Filtering never widens the scope.
    assert ids(api_for(sec).get(f"/api/v1/assignments/?member={outside.pk}")) == []
    assert api_for(sec).get(f"/api/v1/assignments/{Assignment.objects.get(member=outside).pk}/").status_code == 404
    overdue = api_for(sec).get("/api/v1/assignments/?overdue=true").json()["results"]
    assert [(r["member"], r["display_status"], r["is_overdue"]) for r in overdue] == [(late.pk, "overdue", True)]
    assert APIClient().get("/api/v1/assignments/").status_code == 401


@pytest.mark.django_db
def test_branch_secretary_assigns_only_inside_their_subtree(org, django_capture_on_commit_callbacks):
    sec, inside, outside, extra = org["sec"], org["inside"], org["outside"], org["extra"]
    client = api_for(sec)
    body = {"course": extra.pk, "members": [inside.pk, outside.pk], "due_on": "2030-06-30"}
    response = client.post("/api/v1/assignments/", body, format="json")
    assert response.status_code == 403
    assert outside.name in response.json()["error"]
    assert not Assignment.objects.filter(course=extra).exists()  # all or nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/assignments/", {**body, "members": [inside.pk]}, format="json")
    assert response.status_code == 201, response.content
    a = Assignment.objects.get(course=extra)
    assert (a.member_id, a.source, a.plan_id, a.due_on, a.assigned_by_id) == \
        (inside.pk, "manual", None, D(2030, 6, 30), sec.user_id)
    assert Notification.objects.filter(recipient=inside.user, kind="training.assigned", required=True).exists()
    # Asking again changes nothing.
    again = client.post("/api/v1/assignments/", {**body, "members": [inside.pk]}, format="json")
    assert again.status_code == 201 and again.json()["already_assigned"] == [inside.pk]
    assert Assignment.objects.filter(course=extra).count() == 1


@pytest.mark.django_db
def test_hr_assigns_anywhere_and_a_plain_member_nowhere(org):
    hr, inside, outside, extra = org["hr"], org["inside"], org["outside"], org["extra"]
    body = {"course": extra.pk, "members": [outside.pk], "due_on": "2030-06-30"}
    assert api_for(inside).post("/api/v1/assignments/", body, format="json").status_code == 403
    assert api_for(hr).post("/api/v1/assignments/", body, format="json").status_code == 201
    past = api_for(hr).post("/api/v1/assignments/", {**body, "due_on": "2030-05-01"}, format="json")
    assert past.status_code == 400 and "due_on" in past.json()["fields"]


@pytest.mark.django_db
def test_manual_assignment_withdrawal_needs_scope_and_reason(org):
    sec, hr, inside, outside, extra = (org[k] for k in ("sec", "hr", "inside", "outside", "extra"))
    api_for(hr).post("/api/v1/assignments/", {"course": extra.pk, "members": [inside.pk, outside.pk],
                                              "due_on": "2030-06-30"}, format="json")
    mine = Assignment.objects.get(course=extra, member=inside)
    theirs = Assignment.objects.get(course=extra, member=outside)
    assert api_for(sec).post(f"/api/v1/assignments/{theirs.pk}/withdraw/", {"reason": "x"}).status_code == 404
    assert api_for(sec).post(f"/api/v1/assignments/{mine.pk}/withdraw/", {}).status_code == 400
    ok = api_for(sec).post(f"/api/v1/assignments/{mine.pk}/withdraw/", {"reason": "调岗"})
    assert ok.status_code == 200 and ok.json()["status"] == "withdrawn" and ok.json()["withdrawn_reason"] == "调岗"
    plan_row = Assignment.objects.get(member=inside, source="rule")
    refused = api_for(sec).post(f"/api/v1/assignments/{plan_row.pk}/withdraw/", {"reason": "x"})
    assert refused.status_code == 400


@pytest.mark.django_db
def test_summary_gives_hours_required_and_earned_and_status_counts(org):
    inside = org["inside"]
    ledger.credit(inside, source="offline", reference="offline:a", title="线下", hours=5, date=D(2030, 3, 1))
    data = api_for(inside).get("/api/v1/assignments/summary/").json()
    assert data == {"year": 2030, "hours_required": "32.0", "hours_earned": "5.00",
                    "assignments": {"not_started": 1, "in_progress": 0, "done": 0, "overdue": 0}}
    assert api_for(org["late"]).get("/api/v1/assignments/summary/").json()["assignments"]["overdue"] == 1


def login(member):
    client = Client()
    client.force_login(member.user)
    return client


@pytest.mark.django_db
def test_my_assignments_page_shows_status_and_hours(org):
    late = org["late"]
    ledger.credit(late, source="offline", reference="offline:b", title="线下", hours="7.5", date=D(2030, 2, 1))
    page = login(late).get("/training/my/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "年度必修" in html and "2030-05-01" in html and "status-overdue" in html
    assert '<strong class="hours-earned">7.5</strong>' in html and '<span class="hours-required">32</span>' in html


@pytest.mark.django_db
def test_branch_page_lists_own_subtree_overdue_first_and_exports(org):
    sec, inside, late, outside = org["sec"], org["inside"], org["late"], org["outside"]
    page = login(sec).get("/training/branch/")
    html = page.content.decode()
    assert page.status_code == 200
    assert outside.name not in html
    html = html[html.index("<tbody>"):]
    assert html.index(late.name) < html.index(inside.name) and html.index(late.name) < html.index(sec.name)
    export = login(sec).get("/training/branch/?export=csv")
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]][0] == late.employee_no
    assert sorted(r[0] for r in rows[1:]) == sorted([sec.employee_no, inside.employee_no, late.employee_no])
    late_row = next(r for r in rows if r[0] == late.employee_no)
    assert late_row[3] == "32.0" and late_row[6] == "1" and "年度必修 (2030-05-01)" in late_row[9]
    xlsx = login(sec).get("/training/branch/?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert login(inside).get("/training/branch/").status_code == 403


@pytest.mark.django_db
def test_assign_form_rejects_members_outside_the_subtree(org):
    sec, inside, outside, extra = org["sec"], org["inside"], org["outside"], org["extra"]
    response = login(sec).post("/training/assign/", {
        "course": extra.pk, "employee_nos": f"{inside.employee_no}, {outside.employee_no}, NOPE1",
        "due_on": "2030-06-30"})
    html = response.content.decode()
    assert response.status_code == 200 and outside.employee_no in html and "NOPE1" in html
    assert not Assignment.objects.filter(course=extra).exists()
    ok = login(sec).post("/training/assign/", {"course": extra.pk, "employee_nos": inside.employee_no,
                                               "due_on": "2030-06-30"})
    assert ok.status_code == 302
    assert Assignment.objects.filter(course=extra, member=inside, status="active").count() == 1
    unit = org_unit("公司党委/第二党支部")
    refused = login(sec).post("/training/assign/", {"course": extra.pk, "unit": unit.pk, "due_on": "2030-06-30"})
    assert refused.status_code == 200 and not Assignment.objects.filter(course=extra, member=outside).exists()


@pytest.mark.django_db
def test_member_history_page_is_scoped(org):
    sec, inside, outside = org["sec"], org["inside"], org["outside"]
    assert login(sec).get(f"/training/members/{inside.pk}/").status_code == 200
    assert login(sec).get(f"/training/members/{outside.pk}/").status_code == 403
    assert login(inside).get(f"/training/members/{inside.pk}/").status_code == 200
