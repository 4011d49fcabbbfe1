"""A quiz or H5P package in a course restricted to "Branch secretaries" is closed to a plain member on the API
and the pages; the secretary uses both."""

import io

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.test import APIClient
from wagtail.models import PageViewRestriction

from lms.catalog import completion
from lms.org.services import SECRETARIES
from lms.quizzes.h5p.package import import_package
from lms.quizzes.models import QuizAttempt
from tests.factories import MemberFactory, make_course, make_lesson
from tests.quizzes.factories import build_h5p, question, quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed():
    course = make_course("书记专题考试")
    restriction = PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.get_or_create(name=SECRETARIES)[0])
    exam_lesson = make_lesson(course, "结业考试", rule=completion.QUIZ)
    exam = quiz([question()], title="书记结业考试", lesson=exam_lesson)
    h5p_lesson = make_lesson(course, "互动练习", rule=completion.H5P)
    package = import_package(io.BytesIO(build_h5p()), filename="x.h5p")
    package.lesson = h5p_lesson
    package.save()
    return exam, package


def clients(member):
    api = APIClient()
    api.force_authenticate(member.user)
    web = Client()
    web.force_login(member.user)
    return api, web


def test_a_plain_member_cannot_see_start_or_play(closed):
    exam, package = closed
    member = MemberFactory()
    api, web = clients(member)
    assert api.get(f"/api/v1/quizzes/{exam.pk}/").status_code == 404
    assert exam.pk not in [q["id"] for q in api.get("/api/v1/quizzes/").json()["results"]]
    assert api.post(f"/api/v1/quizzes/{exam.pk}/attempts/").status_code == 404
    assert web.get(f"/quizzes/{exam.pk}/").status_code == 404
    assert web.post(f"/quizzes/{exam.pk}/start/").status_code == 404
    assert not QuizAttempt.objects.filter(member=member).exists()
    assert api.get(f"/api/v1/h5p/{package.pk}/").status_code == 404
    assert api.post(f"/api/v1/h5p/{package.pk}/xapi/", {}, format="json").status_code == 404
    assert web.get(f"/h5p/{package.pk}").status_code == 404


def test_the_secretary_can(closed):
    exam, package = closed
    secretary = MemberFactory()
    secretary.user.groups.add(Group.objects.get(name=SECRETARIES))
    api, web = clients(secretary)
    assert api.get(f"/api/v1/quizzes/{exam.pk}/").status_code == 200
    assert api.post(f"/api/v1/quizzes/{exam.pk}/attempts/").status_code == 201
    assert api.get(f"/api/v1/h5p/{package.pk}/").status_code == 200
    assert web.get(f"/h5p/{package.pk}").status_code == 200
