"""Every page a member sees, and the pages of a branch secretary and of HR, at both viewports: no horizontal
overflow on the phone, no console error and no serious or critical accessibility violation found by axe-core
(WCAG 2.1 A and AA rules, injected from node_modules/ by the Journey). One screenshot per page under
var/e2e/<test>/, the folder CI keeps. docs/design.md (Accessibility checks) says how to run it."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection
from wagtail.rich_text import RichText

from lms.activities import signin
from lms.activities.models import ActivityKind
from lms.activities.plans import generate_plans
from lms.activities.services import schedule
from lms.catalog import completion
from lms.notifications.services import notify
from lms.quizzes.h5p.package import import_package
from lms.records import ledger, sources
from lms.training import services as training
from tests.factories import make_course, make_lesson
from tests.quizzes.factories import build_h5p, question, quiz

from .test_member_journey import sample_talk

pytestmark = pytest.mark.django_db(transaction=True)

BRANCH = "公司党委/第一党支部"
COURSE = "新时代党员教育培训专题党课"
QUIZ = "专题党课随堂测验"
ACTIVITY = "专题党课：学习党章"
LESSON_TEXT = ("<p>党章是党的根本大法，是全党必须共同遵守的根本行为规范。每名党员都要认真学习党章、"
               "严格遵守党章，自觉用党章规范自己的一言一行。</p>")


def not_found(journey, path: str, step: str) -> None:
    """A page that answers 404 on purpose: Chromium reports that status on the console, the one message allowed."""
    page = journey.page
    response = page.goto(path)
    assert response.status == 404, (path, response.status)
    expected = f"console error on {page.url}: Failed to load resource: the server responded with a status of 404"
    journey.problems[:] = [p for p in journey.problems if not p.startswith(expected)]
    journey.check(step, a11y=True)


def build_world(make_member, *, talk: bool = True) -> dict:
    """A branch with a member, its secretary and HR; a required course assigned to the member with a due date,
    with a lesson of every kind (video with a transcribed talk, text, document, quiz, H5P); the talk in the
    library and in the search index; a meeting of the branch under way; a notification and study hours."""
    secretary = make_member("D1001", "王建国", BRANCH, roles=("member", "branch_secretary"))
    member = make_member("D1003", "张伟", f"{BRANCH}/第一党小组")
    make_member("D1004", "刘洋", f"{BRANCH}/第一党小组")
    hr = make_member("D9001", "唐宁", "公司党委", roles=("member", "hr"))
    world = {"member": member, "secretary": secretary, "hr": hr}

    course = make_course(COURSE, tier="required_all", credit_hours="4")
    world["course"] = course
    if talk:
        world["talk"], _lines = sample_talk()
        world["video_lesson"] = make_lesson(course, "专题党课视频", rule="video", minutes=1, video=world["talk"])
    text_lesson = make_lesson(course, "学习党章（图文）", rule="confirm", minutes=1)
    text_lesson.body = [("paragraph", RichText(LESSON_TEXT))]
    text_lesson.save()
    if Collection.get_first_root_node() is None:  # a transactional test before this one flushed it
        Collection.add_root(name="Root")
    document = get_document_model()(title="党章学习辅导材料")
    document.file.save("dangzhang.txt", ContentFile("党章学习辅导材料\n".encode()), save=True)
    document_lesson = make_lesson(course, "辅导材料", rule="confirm", minutes=1)
    document_lesson.body = [("paragraph", RichText("<p>请下载并阅读辅导材料。</p>")), ("document", document)]
    document_lesson.save()
    quiz_lesson = make_lesson(course, "随堂测验", rule="quiz", minutes=5)
    world["quiz"] = quiz([
        question("single", "中国共产党的根本宗旨是什么？", points="2",
                 choices=[("实现共产主义", False), ("全心全意为人民服务", True), ("发展社会生产力", False)]),
        question("true_false", "党员可以不参加党的组织生活。", correct_true=False),
        question("fill_blank", "党的最高理想和最终目标是实现____。", accepted="共产主义", points="2"),
    ], lesson=quiz_lesson, title=QUIZ, max_attempts=3, pass_percent=60, credit_hours=Decimal("0.5"))
    h5p_lesson = make_lesson(course, "互动练习", rule=completion.H5P, minutes=2, required=False)
    package = import_package(io.BytesIO(build_h5p()), filename="fixture.h5p")
    package.lesson = h5p_lesson
    package.save()
    world["lessons"] = {"text": text_lesson, "document": document_lesson, "quiz": quiz_lesson, "h5p": h5p_lesson}
    make_course("廉洁从业警示教育", tier="elective", credit_hours="2")

    today = timezone.localdate()
    training.assign_manually(secretary.user, [member], course, today + datetime.timedelta(days=10))
    notify(member, "reminder", "请按时完成专题党课学习", body="截止日期前完成必修课程。", url=course.url)
    ledger.credit(member, source=sources.OFFLINE, reference="e2e:theme-day", title="支部主题党日活动",
                  hours=Decimal("4"))
    generate_plans(today.year, [secretary.org_unit])
    now = timezone.now().replace(microsecond=0)
    world["activity"] = schedule(
        user=secretary.user, kind=ActivityKind.objects.get(code="party_lecture"), unit=secretary.org_unit,
        title=ACTIVITY, starts_at=now - datetime.timedelta(minutes=5), ends_at=now + datetime.timedelta(hours=2),
        place="三楼会议室", agenda="学习党章第一章")
    return world


def test_member_pages_are_accessible(journey, make_member):
    world = build_world(make_member)
    page = journey.page
    activity = world["activity"]

    journey.goto("/", "catalog anonymous", a11y=True)
    journey.goto("/accounts/login/", "login form", a11y=True)
    journey.login("D1003")
    journey.goto("/today/", "today", a11y=True)
    journey.goto("/", "catalog", a11y=True)
    journey.goto(world["course"].url, "course", a11y=True)
    enroll = page.get_by_role("button", name="报名学习")
    if enroll.count():
        journey.follow(enroll, "course enrolled", a11y=True)

    journey.goto(world["video_lesson"].url, "video lesson")
    page.wait_for_function("() => { const v = document.querySelector('video'); return v && v.readyState >= 1; }")
    journey.check_accessibility("video lesson")
    for kind, lesson in world["lessons"].items():
        journey.goto(lesson.url, f"{kind} lesson")
        if kind == "h5p":
            page.locator("[data-h5p-player] iframe").first.wait_for()
        journey.check_accessibility(f"{kind} lesson")

    # The quiz: its page, an attempt being taken, the result.
    journey.goto(world["quiz"].get_absolute_url(), "quiz page", a11y=True)
    journey.follow(page.get_by_role("button", name="开始作答"), "quiz attempt", a11y=True)
    page.get_by_label("全心全意为人民服务").check()
    page.locator("fieldset.question", has_text="党员可以不参加").get_by_label("错误").check()
    page.locator("fieldset.question", has_text="最高理想").get_by_role("textbox").fill("共产主义")
    journey.follow(page.get_by_role("button", name="提交"), "quiz result", a11y=True)

    journey.goto("/search/", "search page", a11y=True)
    journey.goto("/search/?q=三会一课", "search results", a11y=True)
    assert page.locator("article.hit").count() >= 1
    journey.goto("/talks/", "talks", a11y=True)
    journey.goto(f"/talks/{world['talk'].pk}/", "talk")
    page.wait_for_function("() => { const v = document.querySelector('video'); return v && v.readyState >= 1; }")
    journey.check_accessibility("talk")

    journey.goto("/my/", "my learning", a11y=True)
    journey.goto("/training/my/", "my assignments", a11y=True)
    assert COURSE in page.locator("main").inner_text()
    journey.goto("/archive/", "my archive", a11y=True)
    journey.goto("/calendar/", "calendar month", a11y=True)
    journey.goto("/calendar/?view=list", "calendar list", a11y=True)
    assert ACTIVITY in page.locator("main").inner_text()
    journey.goto("/calendar/feed/", "calendar subscription", a11y=True)
    journey.goto(f"/activities/{activity.pk}/", "activity", a11y=True)
    journey.goto(f"/activities/{activity.pk}/sign-in/?t={signin.token_for(activity)}", "activity sign-in", a11y=True)
    journey.goto("/notifications/", "notifications", a11y=True)
    journey.goto("/notifications/preferences/", "notification settings", a11y=True)
    journey.goto("/me/", "me", a11y=True)
    journey.goto("/accounts/password/change/", "password change", a11y=True)
    journey.goto("/accounts/tokens/", "api tokens", a11y=True)
    journey.goto("/offline/", "offline page", a11y=True)
    not_found(journey, "/no-such-page/", "404 page")

    # Points, certificates, announcements and surveys.
    from django.utils import timezone

    from lms.certificates import services as certificates
    from lms.certificates.models import CertificateTemplate, CourseCertificate

    template = CertificateTemplate.objects.create(name="结业证书", organization="示例集团党委", title="结业证书")
    CourseCertificate.objects.create(course=world["course"], template=template)
    certificate = certificates.issue_for_course(world["member"], world["course"], completed_at=timezone.now())
    journey.goto("/points/", "my points", a11y=True)
    journey.goto("/points/board/", "branch board", a11y=True)
    journey.goto("/certificates/", "my certificates", a11y=True)
    journey.goto("/announcements/", "announcements", a11y=True)
    journey.goto("/evaluation/mine/", "my surveys", a11y=True)
    journey.context.clear_cookies()
    journey.goto("/verify/", "verify a certificate", a11y=True)
    journey.goto(f"/verify/{certificate.code}/", "a certificate verified", a11y=True)
    assert COURSE in page.locator("main").inner_text()


def test_secretary_and_hr_pages_are_accessible(journey, make_member):
    world = build_world(make_member, talk=False)
    page = journey.page
    activity = world["activity"]

    journey.login("D1001")
    journey.goto("/accounts/mfa/", "mfa setup", a11y=True)
    journey.goto("/activities/plan/", "branch plan", a11y=True)
    journey.goto("/activities/", "activities", a11y=True)
    journey.goto("/activities/new/", "schedule an activity", a11y=True)
    journey.goto(f"/activities/{activity.pk}/", "activity as organizer", a11y=True)
    journey.goto("/training/branch/", "branch training", a11y=True)
    journey.goto("/training/assign/", "assign a course", a11y=True)
    journey.goto(f"/training/members/{world['member'].pk}/", "a member's training", a11y=True)
    journey.goto("/archive/branch/", "branch archives", a11y=True)
    journey.goto("/reports/", "reports as secretary", a11y=True)
    journey.goto("/announcements/new/", "publish an announcement", a11y=True)
    journey.goto("/points/report/", "points report of the branch", a11y=True)

    journey.context.clear_cookies()
    journey.login("D9001")
    journey.goto("/reports/", "reports", a11y=True)
    journey.follow(page.locator("a.card", has_text="达标情况"), "compliance report", a11y=True)
    journey.goto("/reports/exports/", "exports", a11y=True)
    journey.goto("/reports/subscriptions/", "subscriptions", a11y=True)
    journey.goto("/archive/members/", "members' archives", a11y=True)
    journey.goto(f"/archive/{world['member'].pk}/", "a member's archive", a11y=True)
    journey.goto("/evaluation/results/", "survey results", a11y=True)
    journey.goto("/points/board/?scope=branches", "board of branches", a11y=True)
    journey.goto("/points/report/", "points report", a11y=True)
