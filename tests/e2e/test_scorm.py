"""A member takes SCORM lessons in the browser: the SCO (a package built by tests/scorm/packages.py) runs in the
lesson's sandboxed frame against scorm-again, saves its location, resumes from it after a reload, and
completing it completes the lesson. The SCORM 2004 journey walks a two-SCO package by its contents list."""

import io
import re

import pytest

from lms.progress.models import LessonProgress
from lms.records.models import StudyHourEntry
from lms.scorm.models import ScormAttempt
from lms.scorm.package.store import import_package
from tests.factories import make_course, make_lesson
from tests.scorm import packages

pytestmark = pytest.mark.django_db(transaction=True)
COMMIT_URL = re.compile(r"/scorm/items/\d+/commit/")


@pytest.fixture
def viewport() -> str:
    return "desktop"


def scorm_lesson(data: bytes, title: str):
    course = make_course(f"{title}课程", credit_hours="1.0")
    lesson = make_lesson(course, title, rule="scorm", credit_minutes=30)
    import_package(io.BytesIO(data), filename="course.zip", lesson=lesson)
    return lesson


def sco_frame(page):
    return page.frame_locator("iframe[data-scorm-frame]")


def open_lesson(journey, lesson, step):
    with journey.page.expect_response(COMMIT_URL) as committed:  # the SCO saves its location at once
        journey.goto(lesson.url, step)
    assert committed.value.ok
    journey.check(f"{step} (SCO running)")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_member_runs_a_scorm12_sco_resumes_it_and_completes_the_lesson(journey, make_member):
    member = make_member("D3001", "王学习", "公司党委/第一党支部")
    lesson = scorm_lesson(packages.scorm12(), "党章学习课件")
    page = journey.page
    journey.login("D3001")

    open_lesson(journey, lesson, "first launch")
    frame = sco_frame(page)
    assert frame.locator("#entry").inner_text() == "ab-initio"
    assert frame.locator("#location").inner_text() == "none"
    assert frame.locator("#result").inner_text() == "saved"
    attempt = ScormAttempt.objects.get(member=member)
    assert attempt.cmi["cmi.core.lesson_location"] == "page-2" and attempt.status == "incomplete"

    # A reload starts the SCO where it left off.
    open_lesson(journey, lesson, "resumed")
    assert frame.locator("#entry").inner_text() == "resume"
    assert frame.locator("#location").inner_text() == "page-2"
    assert frame.locator("#status").inner_text() == "incomplete"
    assert not LessonProgress.objects.filter(member=member, lesson=lesson, completed_at__isnull=False).exists()

    with page.expect_response(COMMIT_URL) as committed:
        frame.get_by_role("button", name="完成学习").click()
    assert committed.value.json()["lesson_completed"] is True
    assert frame.locator("#result").inner_text() == "finished"
    page.locator("[data-scorm-status]", has_text="你已完成本课件").wait_for()
    journey.check("completed")

    assert LessonProgress.objects.get(member=member, lesson=lesson).completed_at is not None
    assert StudyHourEntry.objects.filter(member=member, reference=f"lesson:{lesson.pk}").count() == 1
    journey.goto(lesson.url, "lesson page after completion")
    page.locator("#lesson-status", has_text="你已完成本课时").wait_for()
    assert sco_frame(page).locator("#status").inner_text() in ("completed", "passed")


def test_a_member_walks_a_two_sco_scorm2004_package(journey, make_member):
    member = make_member("D3002", "赵学习", "公司党委/第一党支部")
    lesson = scorm_lesson(packages.scorm2004(), "廉政教育课件")
    page = journey.page
    journey.login("D3002")

    open_lesson(journey, lesson, "first SCO")
    journey.check_accessibility("SCORM player")
    frame = sco_frame(page)
    assert frame.locator("h1").inner_text() == "理论学习"
    with page.expect_response(COMMIT_URL):
        frame.get_by_role("button", name="完成学习").click()
    page.locator('[data-scorm-state]', has_text="已完成").first.wait_for()
    assert not LessonProgress.objects.filter(member=member, lesson=lesson, completed_at__isnull=False).exists()

    with page.expect_response(COMMIT_URL):
        page.get_by_role("button", name="下一节").click()
    assert frame.locator("h1").inner_text() == "案例分析"
    assert frame.locator("#entry").inner_text() == "ab-initio"
    journey.check("second SCO")
    with page.expect_response(COMMIT_URL) as committed:
        frame.get_by_role("button", name="完成学习").click()
    assert committed.value.json()["lesson_completed"] is True
    journey.check("both SCOs completed")

    # Choosing the first SCO again resumes it where it was left.
    with page.expect_response(COMMIT_URL):
        page.get_by_role("button", name="理论学习").click()
    assert frame.locator("#entry").inner_text() == "resume"
    assert frame.locator("#location").inner_text() == "slide-3"
    assert frame.locator("#status").inner_text() == "completed"
    assert StudyHourEntry.objects.filter(member=member, reference=f"lesson:{lesson.pk}").count() == 1
    journey.check("first SCO again")
