"""The member's home, 今日 (/today/): due and overdue work with dates, where the member stopped, this year's hours
as a ring, new talks the member may see and recommendations — in a bounded number of queries."""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone, translation
from wagtail.models import PageViewRestriction

from lms.activities.models import ActivityKind, Attendance
from lms.activities.services import schedule
from lms.progress import services as progress
from lms.quizzes.models import ExamPage, QuizAttempt
from lms.recommend.models import Recommendation
from lms.records import services as ledger
from lms.site.today import format_hours
from lms.training import services as training
from tests.factories import MemberFactory, UserFactory, catalog_home, make_course, make_lesson, make_talk, org_unit
from tests.quizzes.factories import quiz

pytestmark = pytest.mark.django_db

NOW = (2026, 11, 20, 9, 0)  # a Friday morning in Shanghai


def aware(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def client_for(member, lang="zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(member.user)
    return client


def text_of(html: str) -> str:
    """The visible text, tags removed and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section[^>]*\bid="{section_id}".*?</section>', html, re.S)
    assert match, f"no #{section_id} section"
    return match.group(0)


@pytest.fixture
def org(db):
    return {"root": org_unit("公司党委"), "branch1": org_unit("公司党委/第一党支部"),
            "branch2": org_unit("公司党委/第二党支部")}


@pytest.fixture
def people(org):
    return {
        "sec1": MemberFactory(org_unit=org["branch1"], roles=["member", "branch_secretary"]),
        "m1": MemberFactory(org_unit=org["branch1"], roles=["member"]),
        "m2": MemberFactory(org_unit=org["branch2"], roles=["member"]),
    }


@pytest.fixture
def busy(people, time_machine):
    """m1 on 2026-11-20: two assignments (one overdue since 11月10日, one due 11月30日), a 党课 on 11月25日,
    an exam closing on 11月27日, 10 study hours, a video lesson stopped at 12:34, a new talk and a recommendation."""
    m1, sec1 = people["m1"], people["sec1"]
    time_machine.move_to(aware(2026, 11, 1, 10), tick=False)
    overdue = make_course("党章党规学习")
    later = make_course("习近平新时代中国特色社会主义思想")
    training.assign_manually(sec1.user, [m1], later, datetime.date(2026, 11, 30))
    training.assign_manually(sec1.user, [m1], overdue, datetime.date(2026, 11, 10))
    ledger.credit(m1, source="offline", reference="offline:1", title="支部集中学习", hours=Decimal("10"),
                  date=datetime.date(2026, 11, 1))

    time_machine.move_to(aware(2026, 11, 15, 20), tick=False)
    talk = make_talk("学习二十大精神", duration=3600.0)
    course = make_course("党史学习教育")
    first = make_lesson(course, "第一讲")
    video = make_lesson(course, "第二讲 长征精神", rule="video", video=talk)
    make_lesson(course, "第三讲")
    progress.enroll(m1, course)
    progress.complete_lesson(m1, first)
    progress.record_heartbeat(m1, video, 754.3)

    time_machine.move_to(aware(*NOW), tick=False)
    lecture = schedule(user=sec1.user, kind=ActivityKind.objects.get(code="party_lecture"), unit=m1.org_unit,
                       title="十一月专题党课", starts_at=aware(2026, 11, 25, 14), ends_at=aware(2026, 11, 25, 16),
                       place="三楼会议室")
    exam = quiz(title="党纪学习考试", kind="exam", opens_at=aware(2026, 11, 10, 9),
                closes_at=aware(2026, 11, 27, 18))
    catalog_home().add_child(instance=ExamPage(title=exam.title, slug="exam-discipline", quiz=exam))
    new_talk = make_talk("新时代党建讲座", speaker="王教授", duration=2710.0)
    recommended = make_course("基层党务实务")
    Recommendation.objects.create(member=m1, section=Recommendation.Section.FOR_YOU, rank=0, course=recommended,
                                  reason=Recommendation.Reason.POPULAR, score=1.0)
    return {"overdue": overdue, "later": later, "video": video, "lecture": lecture, "exam": exam,
            "new_talk": new_talk, "recommended": recommended, "course": course}


# --- getting there -----------------------------------------------------------------------------------------------

def test_logging_in_lands_on_today(people):
    people["m1"].user.set_password("Today-pass-2026")
    people["m1"].user.save()
    client = Client()
    response = client.post("/accounts/login/", {"username": people["m1"].user.username,
                                                "password": "Today-pass-2026"})
    assert response.status_code == 302 and response["Location"] == "/today/"
    assert settings.LOGIN_REDIRECT_URL == "/today/"
    assert client.get("/today/").status_code == 200


def test_anonymous_visitors_are_asked_to_log_in():
    response = Client().get("/today/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/today/")


def test_an_account_without_a_member_record_goes_to_the_catalog(db):
    client = Client()
    client.force_login(UserFactory())
    response = client.get("/today/")
    assert response.status_code == 302 and response["Location"] == "/"


# --- 1. due and overdue ------------------------------------------------------------------------------------------

def test_the_overdue_assignment_comes_first_with_its_date_and_the_training_label(busy, people):
    response = client_for(people["m1"]).get("/today/")
    assert response.status_code == 200
    courses = response.context["due_courses"]
    assert [(c.title, c.when, c.status) for c in courses] == [
        ("党章党规学习", "11月10日", "overdue"), ("习近平新时代中国特色社会主义思想", "11月30日", "not_started")]
    with translation.override("zh-hans"):
        assert [c.status_label for c in courses] == [str(training.DISPLAY["overdue"]),
                                                     str(training.DISPLAY["not_started"])]
    html = response.content.decode()
    due = section(html, "due")
    assert due.index("党章党规学习") < due.index("习近平新时代中国特色社会主义思想")
    assert "<time>11月10日</time>" in due and "<time>11月30日</time>" in due
    assert 'class="today-item status-overdue"' in due
    assert f'href="{busy["overdue"].url}"' in due


def test_statuses_agree_with_the_training_page(busy, people):
    client = client_for(people["m1"])
    today = client.get("/today/").context["due_courses"]
    mine = client.get("/training/my/").context["assignments"]
    by_title = {a.course.title: str(a.display_label) for a in mine}
    assert {c.title: c.status_label for c in today} == by_title
    # Starting the later course turns it "in progress" on both pages.
    progress.enroll(people["m1"], busy["later"])
    today = {c.title: c.status for c in client.get("/today/").context["due_courses"]}
    assert today["习近平新时代中国特色社会主义思想"] == "in_progress"


def test_the_days_overdue_and_left_are_counted_in_english_too(busy, people):
    response = client_for(people["m1"], "en").get("/today/")
    courses = response.context["due_courses"]
    assert [(c.when, c.hint) for c in courses] == [("10 Nov", "10 days overdue"), ("30 Nov", "10 days left")]
    assert "<time>10 Nov</time>" in response.content.decode()


def test_the_coming_lecture_and_exam_show_with_dates(busy, people):
    response = client_for(people["m1"]).get("/today/")
    [activity] = response.context["activities"]
    assert (activity.title, activity.when, activity.url) == ("十一月专题党课", "11月25日 14:00–16:00",
                                                             f"/activities/{busy['lecture'].pk}/")
    assert activity.status == Attendance.Status.EXPECTED
    assert "三楼会议室" in activity.detail
    [exam] = response.context["exams"]
    assert (exam.title, exam.when, exam.url) == ("党纪学习考试", "11月27日 18:00", "/exam-discipline/")
    due = section(response.content.decode(), "due")
    assert "十一月专题党课" in due and "11月25日 14:00–16:00" in due and "党纪学习考试" in due


def test_exam_and_quiz_windows_are_those_open_to_the_member_and_not_passed(busy, people):
    m1 = people["m1"]
    lesson_quiz = quiz(title="第四讲随堂测验", lesson=make_lesson(busy["course"], "第四讲"),
                       opens_at=aware(2026, 11, 22, 9), closes_at=aware(2026, 11, 22, 11))
    quiz(title="未选课程的测验", lesson=make_lesson(make_course("未选的课程"), "第一讲"),
         opens_at=aware(2026, 11, 21, 9), closes_at=aware(2026, 11, 21, 11))
    passed = quiz(title="党章考试", kind="exam", opens_at=aware(2026, 11, 19, 9), closes_at=aware(2026, 11, 23, 9))
    catalog_home().add_child(instance=ExamPage(title=passed.title, slug="exam-passed", quiz=passed))
    QuizAttempt.objects.create(member=m1, quiz=passed, number=1, status="graded", passed=True)
    later = quiz(title="明年的考试", kind="exam", opens_at=aware(2027, 3, 1, 9), closes_at=aware(2027, 3, 2, 9))
    catalog_home().add_child(instance=ExamPage(title=later.title, slug="exam-later", quiz=later))

    exams = client_for(m1).get("/today/").context["exams"]
    assert [(e.title, e.when, e.url) for e in exams] == [
        ("第四讲随堂测验", "11月22日 09:00", lesson_quiz.lesson.url),
        ("党纪学习考试", "11月27日 18:00", "/exam-discipline/"),
    ]
    english = client_for(m1, "en").get("/today/").context["exams"]
    assert [(e.detail, e.hint) for e in english] == [("Quiz", "Opens; deadline 22 Nov 11:00"), ("Exam", "Deadline")]
    # Someone not taking the course sees the exam pages' exams only, including the one m1 passed.
    assert [e.title for e in client_for(people["m2"]).get("/today/").context["exams"]] == ["党章考试", "党纪学习考试"]


def test_activities_more_than_two_weeks_ahead_and_of_other_branches_are_not_shown(busy, people, org):
    kind = ActivityKind.objects.get(code="party_lecture")
    schedule(user=people["sec1"].user, kind=kind, unit=org["branch1"], title="明年一月党课",
             starts_at=aware(2027, 1, 10, 14), ends_at=aware(2027, 1, 10, 16))
    schedule(user=people["sec1"].user, kind=kind, unit=org["branch2"], title="第二支部党课",
             starts_at=aware(2026, 11, 24, 14), ends_at=aware(2026, 11, 24, 16))
    response = client_for(people["m1"]).get("/today/")
    assert [a.title for a in response.context["activities"]] == ["十一月专题党课"]


def test_nothing_due_is_said_in_a_sentence(people):
    response = client_for(people["m2"]).get("/today/")
    assert response.context["nothing_due"] is True
    due = section(response.content.decode(), "due")
    assert 'class="today-empty"' in due and "today-item" not in due


# --- 2. continue where I stopped ---------------------------------------------------------------------------------

def test_continue_links_to_the_lesson_where_the_member_stopped(busy, people):
    response = client_for(people["m1"]).get("/today/")
    resume = response.context["resume"]
    assert (resume.course_title, resume.lesson.title) == ("党史学习教育", "第二讲 长征精神")
    assert resume.url == busy["video"].url and resume.position == "12:34" and resume.last_day == "11月15日"
    assert resume.percent == busy["course"].enrollments.get(member=people["m1"]).percent
    block = section(response.content.decode(), "resume")
    assert f'href="{busy["video"].url}"' in block and "第二讲 长征精神" in block and "12:34" in block
    assert "754" not in block  # seconds are never shown raw


def test_after_finishing_a_lesson_continue_offers_the_next_one(busy, people, time_machine):
    time_machine.move_to(aware(2026, 11, 20, 8), tick=False)
    progress.complete_lesson(people["m1"], busy["video"])
    time_machine.move_to(aware(*NOW), tick=False)
    resume = client_for(people["m1"]).get("/today/").context["resume"]
    assert resume.lesson.title == "第三讲" and resume.position == ""


def test_a_course_closed_to_the_member_is_not_offered(busy, people):
    """The catalog's access rule: a course restricted to a group the member is not in is not linked."""
    restriction = PageViewRestriction.objects.create(page=busy["course"], restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="党委委员"))
    response = client_for(people["m1"]).get("/today/")
    assert response.context["resume"] is None
    assert busy["video"].url not in response.content.decode()
    people["m1"].user.groups.add(restriction.groups.get())
    assert client_for(people["m1"]).get("/today/").context["resume"].lesson == busy["video"]


def test_a_member_who_never_started_is_told_where_to_begin(people):
    response = client_for(people["m2"]).get("/today/")
    assert response.context["resume"] is None
    block = section(response.content.decode(), "resume")
    assert 'class="today-empty"' in block and 'href="/"' in block


# --- 3. this year's hours ----------------------------------------------------------------------------------------

def test_the_hours_ring_shows_earned_against_required(busy, people):
    response = client_for(people["m1"]).get("/today/")
    ring = response.context["ring"]
    assert (ring.earned, ring.required, ring.missing, ring.complete) == ("10", "32", "22", False)
    block = section(response.content.decode(), "hours")
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-label="[^"]*10[^"]*32[^"]*"', block)
    with translation.override("zh-hans"):
        from django.utils.translation import gettext
        label = gettext("Earned %(earned)s / required %(required)s hours") % {"earned": "10", "required": "32"}
    assert f'aria-label="{label}"' in block
    assert ">10 / 32</text>" in block
    assert "10.00" not in block and "32.0" not in block
    # A quarter of the way along the ring's circumference (2π·52 = 326.73).
    assert 'stroke-dasharray="102.10 326.73"' in block


def test_the_ring_label_in_english(busy, people):
    block = section(client_for(people["m1"], "en").get("/today/").content.decode(), "hours")
    assert 'aria-label="Earned 10 / required 32 hours"' in block
    assert "22 hours still to earn" in text_of(block)


def test_half_hours_keep_one_decimal_and_whole_hours_none(busy, people):
    ledger.credit(people["m1"], source="offline", reference="offline:2", title="专题讲座", hours=Decimal("22.5"),
                  date=datetime.date(2026, 11, 18))
    response = client_for(people["m1"], "en").get("/today/")
    ring = response.context["ring"]
    assert (ring.earned, ring.required, ring.missing, ring.complete) == ("32.5", "32", "", True)
    block = section(response.content.decode(), "hours")
    assert ">32.5 / 32</text>" in block and 'aria-label="Earned 32.5 / required 32 hours"' in block
    assert 'stroke-dasharray="326.73 326.73"' in block  # a full ring, never more
    assert "32.50" not in block


@pytest.mark.parametrize(("value", "text"), [(Decimal("32.00"), "32"), (Decimal("32.50"), "32.5"),
                                              (Decimal("0.25"), "0.25"), (Decimal("0"), "0"), (None, "0"),
                                              (Decimal("120.10"), "120.1")])
def test_hours_are_written_without_trailing_zeros(value, text):
    assert format_hours(value) == text


# --- 4. new talks and recommendations ----------------------------------------------------------------------------

def test_new_talks_are_the_five_latest_ready_ones_the_member_may_see(busy, people, org, time_machine):
    make_talk("第二支部内部讲座", visibility="subtree", org_unit=org["branch2"])
    make_talk("处理中的讲座", status="transcribing")
    response = client_for(people["m1"]).get("/today/")
    titles = [t.title for t in response.context["talks"]]
    assert titles == ["新时代党建讲座", "学习二十大精神"]
    assert "第二支部内部讲座" not in response.content.decode()
    [newest, _older] = response.context["talks"]
    assert (newest.speaker, newest.added, newest.duration, newest.url) == (
        "王教授", "11月20日", "45:10", f"/talks/{busy['new_talk'].pk}/")
    # The second branch's member sees their own branch's talk; the first branch's members never do.
    assert "第二支部内部讲座" in [t.title for t in client_for(people["m2"]).get("/today/").context["talks"]]
    for i in range(6):
        time_machine.move_to(aware(2026, 11, 20, 10, i), tick=False)
        make_talk(f"讲座{i}")
    assert [t.title for t in client_for(people["m1"]).get("/today/").context["talks"]] == [
        "讲座5", "讲座4", "讲座3", "讲座2", "讲座1"]


def test_recommendations_show_with_their_reason(busy, people):
    response = client_for(people["m1"]).get("/today/")
    [rec] = response.context["recommendations"]
    assert (rec.title, rec.url) == ("基层党务实务", busy["recommended"].url)
    block = section(response.content.decode(), "recommendations")
    assert f'href="{busy["recommended"].url}"' in block and rec.reason in block


# --- the page as a whole -----------------------------------------------------------------------------------------

def test_the_blocks_come_in_order_as_cards_and_show_no_internals(busy, people):
    html = client_for(people["m1"]).get("/today/").content.decode()
    ids = [html.index(f'id="{name}"') for name in ("due", "resume", "hours", "talks", "recommendations")]
    assert ids == sorted(ids)
    assert html.count('class="card today-card') == 5
    assert "/static/css/today.css" in html
    visible = text_of(html)
    for internal in ("course:", "lesson:", "offline:", "{'", "None", "754.3", "party_lecture", "course-", "exam-"):
        assert internal not in visible, internal


def test_the_page_needs_a_bounded_number_of_queries(busy, people, django_assert_max_num_queries):
    client = client_for(people["m1"])
    client.get("/today/")  # warm the per-process caches (site root paths, content types)
    # 27: the home's own blocks, the plan rules' posts (the annual requirement) and the announcements panel.
    with django_assert_max_num_queries(27):
        assert client.get("/today/").status_code == 200
    # Ten more assignments, activities, talks and studied lessons cost no more queries.
    kind = ActivityKind.objects.get(code="party_lecture")
    for i in range(10):
        course = make_course(f"加课{i}")
        training.assign_manually(people["sec1"].user, [people["m1"]], course, datetime.date(2026, 12, 1 + i))
        progress.record_heartbeat(people["m1"], make_lesson(course, f"加课{i}第一讲"), 0)
        schedule(user=people["sec1"].user, kind=kind, unit=people["m1"].org_unit, title=f"学习会{i}",
                 starts_at=aware(2026, 11, 21 + i % 5, 9), ends_at=aware(2026, 11, 21 + i % 5, 10))
        make_talk(f"加讲{i}")
    with django_assert_max_num_queries(27):
        response = client.get("/today/")
    assert response.status_code == 200
    ctx = response.context
    assert (len(ctx["due_courses"]), ctx["due_course_total"], ctx["due_more"]) == (6, 12, 6)
    assert len(ctx["activities"]) == 8 and len(ctx["talks"]) == 5
    assert ctx["resume"].lesson.title == "加课9第一讲"
    assert 'href="/training/my/"' in section(response.content.decode(), "due")
