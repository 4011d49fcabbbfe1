import io

import pytest
from django.test import Client

from lms.scorm.package.store import import_package
from tests.factories import MemberFactory, make_course, make_lesson
from tests.scorm import packages


def place(data: bytes, *, credit_minutes=30, rule="scorm", course=None):
    """A package in a lesson of its own course; returns (package, lesson)."""
    course = course or make_course("SCORM 课程", credit_hours="1.0")
    lesson = make_lesson(course, "SCORM 课时", rule=rule, credit_minutes=credit_minutes)
    package = import_package(io.BytesIO(data), filename="course.zip", lesson=lesson)
    return package, lesson


def web(member) -> Client:
    client = Client()
    client.force_login(member.user)
    client.member = member
    return client


@pytest.fixture
def single(db):
    return place(packages.scorm12())


@pytest.fixture
def multi(db):
    return place(packages.scorm2004())


@pytest.fixture
def learner(db):
    return web(MemberFactory(name="张学习"))
