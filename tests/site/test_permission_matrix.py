"""Every API endpoint and every admin listing, as anonymous, a plain member, the secretary of another branch, a
trainer, the secretary of the member's own branch and HR: who may read and act on one member's records.

The victim is a member of branch 1 with an enrollment, lesson progress, a ledger entry, an assignment, a
notification and a quiz attempt. Nobody outside branch 1 (but HR) reads or changes any of it, on any channel.
"""

import datetime
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.test import APIClient

from lms.notifications.models import Notification
from lms.org.services import HR, SECRETARIES, TRAINERS
from lms.progress import services as progress
from lms.progress.models import Enrollment, LessonProgress
from lms.quizzes import services as quizzes
from lms.records import ledger, sources
from lms.records.models import StudyHourEntry
from lms.training.models import Assignment
from tests.factories import MemberFactory, make_course, make_lesson, org_unit
from tests.quizzes.factories import question, quiz

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "other_secretary", "trainer", "own_secretary", "hr"]


@pytest.fixture
def world():
    b1, b2 = org_unit("公司党委/第一党支部"), org_unit("公司党委/第二党支部")
    victim = MemberFactory(org_unit=b1, employee_no="V0001", email="victim@example.com", phone="13900000001")
    course = make_course("党章党规学习", credit_hours="2")
    lesson = make_lesson(course, "第一课", minutes=0, credit_minutes=30)
    enrollment, _ = progress.enroll(victim, course)
    progress.confirm_lesson(victim, lesson)
    entry, _ = ledger.credit(victim, source=sources.OFFLINE, reference="matrix:1", title="主题党日", hours=4)
    due = datetime.date(2030, 6, 30)
    assignment = Assignment.objects.create(member=victim, course=course, year=2030, due_on=due, original_due_on=due)
    notice = Notification.objects.create(recipient=victim.user, kind="test", title="通知")
    attempt, _ = quizzes.start_attempt(victim, quiz([question()], title="测验"))
    users = {
        "member": MemberFactory(org_unit=b2).user,
        "other_secretary": MemberFactory(org_unit=b2, roles=["member", "branch_secretary"]).user,
        "trainer": MemberFactory(org_unit=b2, roles=["member", "trainer"]).user,
        "own_secretary": MemberFactory(org_unit=b1, roles=["member", "branch_secretary"]).user,
        "hr": MemberFactory(org_unit=org_unit("公司党委"), roles=["member", "hr"]).user,
    }
    for role, group in (("other_secretary", SECRETARIES), ("own_secretary", SECRETARIES),
                        ("trainer", TRAINERS), ("hr", HR)):
        users[role].groups.add(Group.objects.get(name=group))
    ids = {"member_id": victim.pk, "enrollment": enrollment.pk, "entry": entry.pk, "assignment": assignment.pk,
           "notification": notice.pk, "attempt": attempt.pk, "course": course.pk, "lesson": lesson.pk,
           "progress": LessonProgress.objects.get(member=victim, lesson=lesson).pk}
    return {"victim": victim, "users": users, "ids": ids}


def api(world, role) -> APIClient:
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(world["users"][role])
    return client


# The victim's own records: (url, roles that may read it). Notifications are the recipient's alone.
def owned(ids):
    scoped = {"own_secretary", "hr"}
    return [
        (f"/api/v1/archives/{ids['member_id']}/", scoped),
        (f"/api/v1/archives/{ids['member_id']}/pdf/", scoped),
        (f"/api/v1/members/{ids['member_id']}/", scoped),
        (f"/api/v1/enrollments/{ids['enrollment']}/", scoped),
        (f"/api/v1/lesson-progress/{ids['progress']}/", scoped),
        (f"/api/v1/ledger/{ids['entry']}/", scoped),
        (f"/api/v1/assignments/{ids['assignment']}/", scoped),
        (f"/api/v1/quiz-attempts/{ids['attempt']}/", scoped),
        (f"/api/v1/notifications/{ids['notification']}/", set()),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_the_victims_records_are_read_only_by_their_branch_and_hr(world, role):
    client = api(world, role)
    for url, allowed in owned(world["ids"]):
        status = client.get(url).status_code
        if role in allowed:
            assert status == 200, (role, url, status)
        elif role == "anonymous":
            assert status in (401, 403), (role, url, status)
        else:
            assert status in (403, 404), (role, url, status)


LISTS = {"/api/v1/members/": "member_id", "/api/v1/enrollments/": "enrollment", "/api/v1/ledger/": "entry",
         "/api/v1/lesson-progress/": "progress", "/api/v1/assignments/": "assignment",
         "/api/v1/quiz-attempts/": "attempt", "/api/v1/notifications/": "notification"}


@pytest.mark.parametrize("role", ROLES[1:])
def test_lists_hold_the_victims_records_only_for_their_branch_and_hr(world, role):
    client = api(world, role)
    for url, key in LISTS.items():
        response = client.get(url, {"page_size": 500})
        if response.status_code in (403, 404):
            assert role not in ("own_secretary", "hr") or key == "notification", (role, url)
            continue
        assert response.status_code == 200, (role, url, response.status_code)
        body = response.json()
        found = world["ids"][key] in [row["id"] for row in body.get("results", body)]
        expected = role in ("own_secretary", "hr") and key != "notification"
        assert found == expected, (role, url)


@pytest.mark.parametrize("role", ["member", "other_secretary", "trainer"])
def test_nobody_outside_the_branch_acts_on_the_victims_records(world, role):
    client, ids = api(world, role), world["ids"]
    actions = [
        (f"/api/v1/ledger/{ids['entry']}/reverse/", {"reason": "试图冲销"}),
        (f"/api/v1/assignments/{ids['assignment']}/withdraw/", {"reason": "试图撤销"}),
        (f"/api/v1/notifications/{ids['notification']}/read/", {}),
        (f"/api/v1/quiz-attempts/{ids['attempt']}/submit/", {}),
    ]
    for url, body in actions:
        assert client.post(url, body, format="json").status_code in (403, 404), (role, url)
    assert not StudyHourEntry.objects.filter(reverses_id=ids["entry"]).exists()
    assert Assignment.objects.get(pk=ids["assignment"]).status == Assignment.Status.ACTIVE
    assert not Notification.objects.get(pk=ids["notification"]).read_at
    assert Enrollment.objects.filter(member=world["victim"]).count() == 1


def every_get_operation(ids) -> list[str]:
    """The schema's GET operations with the victim's ids filled in."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    values = {"member_id": ids["member_id"], "course_id": ids["course"], "lesson_id": ids["lesson"],
              "name": "compliance", "token": "00000000-0000-0000-0000-000000000000"}
    urls = []
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        urls.append(re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), 1)), path))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_every_get_operation_answers_without_error_and_never_to_anonymous(world, role):
    client = api(world, role)
    urls = every_get_operation(world["ids"])
    assert len(urls) >= 35
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, (role, url)
        if role == "anonymous" and url == "/api/v1/certificates/verify/1/":
            # Public by design: anyone holding a certificate's code may check it (and "1" is no code).
            assert response.status_code == 404, (url, response.status_code)
        elif role == "anonymous" and url != "/api/v1/schema/":
            assert response.status_code in (401, 403), (url, response.status_code)
        if role in ("member", "other_secretary", "trainer") and response.status_code == 200 \
                and response["Content-Type"].startswith("application/json"):
            text = json.dumps(response.json(), ensure_ascii=False)
            assert "victim@example.com" not in text and "13900000001" not in text, (role, url)


ADMIN_LISTINGS = ["/admin/snippets/org/member/", "/admin/snippets/training/assignment/", "/admin/org_units/",
                  "/admin/import/members/", "/admin/import/training-records/"]


@pytest.mark.parametrize("role", ROLES)
def test_admin_listings(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    for url in ADMIN_LISTINGS:
        response = client.get(url)
        assert response.status_code < 500, (role, url)
        if role in ("anonymous", "member"):
            assert response.status_code in (302, 403), (role, url, response.status_code)
            continue
        html = response.content.decode() if response.status_code == 200 else ""
        if role in ("other_secretary", "trainer"):
            assert "V0001" not in html and "victim@example.com" not in html, (role, url)
        if role == "hr" and url == "/admin/snippets/org/member/":
            assert "V0001" in html
