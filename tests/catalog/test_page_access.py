"""A course restricted to the group "Branch secretaries" is closed to a plain member on every channel: API
detail and list, enrollment, lesson confirm and heartbeat, search, suggestions, recommendations and the catalog
page — and nothing is credited. A secretary in the group gets everything."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.test import APIClient
from wagtail.models import PageViewRestriction

from lms.org.services import SECRETARIES
from lms.records.models import StudyHourEntry
from tests.factories import MemberFactory, catalog_home, make_course, make_lesson, make_talk

pytestmark = pytest.mark.django_db

TITLE = "支部书记专题研修班"


@pytest.fixture
def closed():
    course = make_course(TITLE, credit_hours="8")
    course.save_revision().publish()
    lesson = make_lesson(course, "研修第一课", minutes=0, credit_minutes=60)
    video = make_lesson(course, "研修视频课", rule="video", minutes=1, video=make_talk("研修录像", duration=60))
    restriction = PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.get_or_create(name=SECRETARIES)[0])
    return course, lesson, video


def api_for(member) -> APIClient:
    client = APIClient()
    client.force_authenticate(member.user)
    return client


@pytest.fixture
def plain():
    return MemberFactory()


@pytest.fixture
def secretary():
    member = MemberFactory()
    member.user.groups.add(Group.objects.get_or_create(name=SECRETARIES)[0])
    return member


def test_api_detail_and_list(closed, plain, secretary):
    course, _lesson, _video = closed
    assert api_for(plain).get(f"/api/v1/courses/{course.pk}/").status_code == 404
    assert course.pk not in [c["id"] for c in api_for(plain).get("/api/v1/courses/").json()["results"]]
    detail = api_for(secretary).get(f"/api/v1/courses/{course.pk}/")
    assert detail.status_code == 200 and len(detail.json()["lessons"]) == 2
    assert course.pk in [c["id"] for c in api_for(secretary).get("/api/v1/courses/").json()["results"]]


def test_enrollment_confirm_and_heartbeat_credit_nothing(closed, plain, secretary):
    course, lesson, video = closed
    client = api_for(plain)
    assert client.post("/api/v1/enrollments/", {"course": course.pk}, format="json").status_code == 400
    assert client.post(f"/api/v1/lessons/{lesson.pk}/confirm/").status_code == 404
    assert client.post(f"/api/v1/lessons/{video.pk}/heartbeat/", {"position": 5}, format="json").status_code == 404
    assert not StudyHourEntry.objects.filter(member=plain).exists()
    web = Client()
    web.force_login(plain.user)
    assert web.post(f"/courses/{course.pk}/enroll/").status_code == 404
    assert web.post(f"/lessons/{lesson.pk}/confirm/").status_code == 404

    allowed = api_for(secretary)
    assert allowed.post("/api/v1/enrollments/", {"course": course.pk}, format="json").status_code == 201
    assert allowed.post(f"/api/v1/lessons/{lesson.pk}/confirm/").status_code == 200
    assert StudyHourEntry.objects.filter(member=secretary).exists()


def test_search_and_suggestions(closed, plain, secretary):
    course, _lesson, _video = closed
    found = api_for(plain).get("/api/v1/search/", {"q": "研修班"}).json()["results"]
    assert not [r for r in found if r["type"] in ("course", "lesson")]
    suggested = api_for(plain).get("/api/v1/search/suggest/", {"q": "支部书记专题"}).json()
    assert course.pk not in [s["id"] for s in suggested.get("suggestions", suggested) if s["type"] == "course"]
    found = api_for(secretary).get("/api/v1/search/", {"q": "研修班"}).json()["results"]
    assert [r["id"] for r in found if r["type"] == "course"] == [course.pk]


def test_recommendation_endpoint_and_catalog_page(closed, plain, secretary):
    course, _lesson, _video = closed
    assert api_for(plain).get(f"/api/v1/recommendations/courses/{course.pk}/also-completed/").status_code == 404
    assert api_for(secretary).get(f"/api/v1/recommendations/courses/{course.pk}/also-completed/").status_code == 200
    web = Client()
    web.force_login(plain.user)
    assert TITLE not in web.get(catalog_home().url).content.decode()
    web.force_login(secretary.user)
    assert TITLE in web.get(catalog_home().url).content.decode()


def test_unpublished_courses_are_closed_to_everyone(plain):
    draft = make_course("草稿课程", live=False)
    assert api_for(plain).get(f"/api/v1/courses/{draft.pk}/").status_code == 404
    assert api_for(plain).post("/api/v1/enrollments/", {"course": draft.pk}, format="json").status_code == 400
