"""Weak topics: a member who scored low on a question category gets that category's courses first in "for you",
with the reason 巩固薄弱环节：<category>."""

from decimal import Decimal

import pytest
from django.test import Client

from lms.quizzes import services as quizzes
from lms.quizzes.models import AttemptAnswer, QuizAttempt
from lms.recommend.compute import recompute
from lms.recommend.models import Recommendation
from lms.recommend.services import recommendations_for
from tests.factories import make_course, make_lesson
from tests.quizzes.factories import question, quiz
from tests.recommend.conftest import complete

CATEGORY = "党章党规知识"


@pytest.fixture
def topic(world):
    """A course whose lesson quiz draws on the category, and a course tagged with a content category of the
    same name; five single-choice questions of the category in a standalone exam-like quiz of another course."""
    from content_library.models import Category

    world.drill = make_course("党章专题辅导")
    lesson = make_lesson(world.drill, rule="quiz")
    world.drill_quiz = quiz([question(cat=CATEGORY) for _ in range(3)], title="党章小测", lesson=lesson)
    tag = Category.objects.create(name=CATEGORY, slug="party-rules")
    world.tagged = make_course("党规学习读本", categories=[tag])
    make_lesson(world.tagged)
    world.test_course = make_course("党员知识测试")
    test_lesson = make_lesson(world.test_course, rule="quiz")
    world.questions = [question(cat=CATEGORY) for _ in range(5)]
    world.test_quiz = quiz(world.questions, title="党员知识测试卷", lesson=test_lesson)
    return world


def take(member, qz, right: int):
    """Start, answer (the first ``right`` questions correctly, the rest wrongly) and submit."""
    attempt, _created = quizzes.start_attempt(member, qz)
    for i, answer in enumerate(attempt.answers.select_related("question").order_by("position")):
        q = answer.question
        wrong = [c.pk for c in q.choices.all() if not c.is_correct][:1]
        right_ids = [c.pk for c in q.choices.all() if c.is_correct]
        quizzes.save_answer(attempt, q.pk, {"choices": right_ids if i < right else wrong})
    return quizzes.submit_attempt(attempt)


def weak_recs(member):
    return list(Recommendation.objects.filter(member=member, reason=Recommendation.Reason.WEAK_TOPIC)
                .order_by("rank"))


def test_low_score_recommends_the_categorys_courses_first(topic, django_capture_on_commit_callbacks):
    recompute()
    assert not weak_recs(topic.me)
    # A failed attempt (1 of 5) finishes: the member is marked dirty and the flush recomputes (eager Celery).
    with django_capture_on_commit_callbacks(execute=True):
        attempt = take(topic.me, topic.test_quiz, right=1)
    assert attempt.status == QuizAttempt.Status.GRADED and attempt.passed is False
    recs = weak_recs(topic.me)
    # The courses drawing on the category, the one tagged with its name, and the one whose quiz was failed.
    assert {r.course_id for r in recs} == {topic.drill.pk, topic.tagged.pk, topic.test_course.pk}
    assert all(r.section == "for_you" and r.reason_category.name == CATEGORY for r in recs)
    shown = recommendations_for(topic.me)["for_you"]
    assert [s.item_id for s in shown[:3]] == [r.course_id for r in recs]  # ranked first
    assert shown[0].reason_code == "weak_topic"
    # Each course once in the member's list.
    assert len({s.item_id for s in shown}) == len(shown)


def test_good_score_or_a_later_pass_recommends_nothing(topic, django_capture_on_commit_callbacks):
    other = topic.fans[0]
    with django_capture_on_commit_callbacks(execute=True):
        take(other, topic.test_quiz, right=4)  # 80 %
    recompute([other.pk])
    assert not weak_recs(other)
    # A low score, then a later good attempt at the same quiz: the latest attempt counts.
    with django_capture_on_commit_callbacks(execute=True):
        take(topic.me, topic.test_quiz, right=0)
    assert weak_recs(topic.me)
    with django_capture_on_commit_callbacks(execute=True):
        take(topic.me, topic.test_quiz, right=5)
    assert not weak_recs(topic.me)


def test_too_few_questions_is_not_a_weakness(topic):
    AttemptAnswer.objects.all().delete()
    take(topic.me, topic.drill_quiz, right=0)  # 3 questions, threshold is 3: weak
    recompute([topic.me.pk])
    assert weak_recs(topic.me)
    from django.test import override_settings

    with override_settings(RECOMMEND_PARAMS={"weak_min_questions": 4}):
        recompute([topic.me.pk])
    assert not weak_recs(topic.me)


def test_completed_course_is_not_recommended(topic):
    complete(topic.me, topic.tagged)
    take(topic.me, topic.test_quiz, right=1)
    recompute([topic.me.pk])
    assert topic.tagged.pk not in [r.course_id for r in weak_recs(topic.me)]
    assert topic.drill.pk in [r.course_id for r in weak_recs(topic.me)]


def test_reason_is_shown_on_my_learning(topic):
    take(topic.me, topic.test_quiz, right=2)  # 40 %
    recompute([topic.me.pk])
    browser = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    browser.force_login(topic.me.user)
    page = browser.get("/my/").content.decode()
    section = page.split('id="recommendations"')[1].split("</section>")[0]
    assert f"巩固薄弱环节：{CATEGORY}" in section
    assert 'data-reason="weak_topic"' in section
    assert section.index(">党章专题辅导</a>") < section.index("巩固薄弱环节")
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(topic.me.user)
    assert f"Strengthen a weak area: {CATEGORY}" in english.get("/my/").content.decode()


def test_weak_share_uses_points(topic):
    from lms.recommend.weak_topics import weak_categories

    take(topic.me, topic.test_quiz, right=3)  # exactly 60 %: not below the threshold
    assert topic.me.pk not in weak_categories([topic.me.pk])
    AttemptAnswer.objects.filter(attempt__member=topic.me).update(score=Decimal("0"))
    assert topic.me.pk in weak_categories([topic.me.pk])
