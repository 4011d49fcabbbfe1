from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile

from lms.catalog import completion
from lms.progress.models import LessonProgress
from lms.quizzes.demo import EXAM_TITLE, LESSON_TITLE, seed_quiz_demo
from lms.quizzes.forms import H5PPackageForm, QuizForm
from lms.quizzes.models import DrawRule, ExamPage, H5PPackage, Question, Quiz, QuizAttempt
from lms.records.models import StudyHourEntry
from tests.factories import MemberFactory, catalog_home, make_course, make_lesson
from tests.quizzes.factories import build_h5p, correct_choice_ids, question, quiz

pytestmark = pytest.mark.django_db


def test_the_h5p_player_is_built_from_npm_into_static_files():
    # `make vendor` (part of `make setup`) copies h5p-standalone's dist here.
    for name in ("main.bundle.js", "frame.bundle.js", "styles/h5p.css"):
        assert finders.find(f"vendor/h5p-standalone/{name}"), f"run `make vendor`: {name} is missing"


def test_a_lesson_quiz_taken_with_the_plain_form(client):
    lesson = make_lesson(make_course(), rule=completion.QUIZ)
    q1 = question("single", "单选")
    q2 = question("fill_blank", "填空", accepted="共产主义")
    q3 = question("true_false", "判断", correct_true=True)
    qz = quiz([q1, q2, q3], lesson=lesson, time_limit_minutes=15, max_attempts=2)
    member = MemberFactory()
    client.force_login(member.user)
    page = client.get(lesson.url).content.decode()
    assert f'id="quiz-{qz.pk}"' in page and "15" in page and f"/quizzes/{qz.pk}/start/" in page

    response = client.post(f"/quizzes/{qz.pk}/start/")
    attempt = QuizAttempt.objects.get(member=member)
    assert response.url == f"/quizzes/attempts/{attempt.pk}/"
    take = client.get(response.url).content.decode()
    assert 'id="quiz-timer"' in take and f'name="q{q1.pk}"' in take and f'name="q{q2.pk}_0"' in take

    client.post(f"/quizzes/attempts/{attempt.pk}/submit/", {
        "from_form": "1", f"q{q1.pk}": str(correct_choice_ids(q1)[0]), f"q{q2.pk}_0": "共产主义",
        f"q{q3.pk}": "false"})
    attempt.refresh_from_db()
    assert attempt.status == "graded" and attempt.score == Decimal("2") and attempt.passed is True
    assert LessonProgress.objects.get(member=member, lesson=lesson).completed_at is not None
    result = client.get(f"/quizzes/attempts/{attempt.pk}/").content.decode()
    assert "attempt-score" in result
    # Another member cannot open or submit this attempt.
    other = MemberFactory()
    client.force_login(other.user)
    assert client.get(f"/quizzes/attempts/{attempt.pk}/").status_code == 404
    assert client.post(f"/quizzes/attempts/{attempt.pk}/submit/", {"from_form": "1"}).status_code == 403


def test_exam_page_and_trainer_pages(client):
    bank = [question("single", f"题{i}", cat="党史") for i in range(4)]
    exam = quiz(title="结业考试", kind="exam")
    DrawRule.objects.create(quiz=exam, category=bank[0].category, count=3)
    page = ExamPage(title="结业考试", slug="final", quiz=exam)
    catalog_home().add_child(instance=page)
    member = MemberFactory()
    client.force_login(member.user)
    html = client.get(page.url).content.decode()
    assert f"/quizzes/{exam.pk}/start/" in html
    client.post(f"/quizzes/{exam.pk}/start/")
    attempt = QuizAttempt.objects.get(member=member)
    assert attempt.answers.count() == 3
    client.post(f"/quizzes/attempts/{attempt.pk}/submit/", {"from_form": "1"})
    assert client.get(f"/quizzes/{exam.pk}/stats/").status_code == 403

    trainer = MemberFactory(roles=["member", "trainer"])
    exam.trainers.add(trainer)
    exam.save()
    client.force_login(trainer.user)
    stats = client.get(f"/quizzes/{exam.pk}/stats/")
    assert stats.status_code == 200
    assert member.name in stats.content.decode()
    assert client.get(f"/quizzes/{exam.pk}/review/").status_code == 200
    # The trainer may read the member's result page.
    assert client.get(f"/quizzes/attempts/{attempt.pk}/").status_code == 200


def test_short_answer_grading_page(client):
    short = question("short_answer", "简述", points="5")
    qz = quiz([short], pass_percent=60)
    member = MemberFactory()
    client.force_login(member.user)
    client.post(f"/quizzes/{qz.pk}/start/")
    attempt = QuizAttempt.objects.get(member=member)
    client.post(f"/quizzes/attempts/{attempt.pk}/submit/", {"from_form": "1", f"q{short.pk}": "我的回答"})
    attempt.refresh_from_db()
    assert attempt.status == "pending_review"
    trainer = MemberFactory(roles=["member", "trainer"])
    qz.trainers.add(trainer)
    qz.save()
    client.force_login(trainer.user)
    assert "我的回答" in client.get(f"/quizzes/{qz.pk}/review/").content.decode()
    answer = attempt.answers.get()
    client.post(f"/quizzes/{qz.pk}/review/", {"answer": answer.pk, "score": "9"})  # too high: refused
    attempt.refresh_from_db()
    assert attempt.status == "pending_review"
    client.post(f"/quizzes/{qz.pk}/review/", {"answer": answer.pk, "score": "4", "feedback": "好"})
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.passed) == ("graded", Decimal("4"), True)


def _formset_data(prefix, rows):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
        data[f"{prefix}-{i}-ORDER"] = str(i + 1)
    return data


def test_admin_quiz_form_refuses_a_draw_the_bank_cannot_fill():
    from wagtail.admin.panels import ObjectList

    q = question("single", cat="党史")
    form_class = ObjectList(Quiz.panels, base_form_class=QuizForm).bind_to_model(Quiz).get_form_class()
    data = {"title": "考试", "kind": "exam", "time_limit_minutes": "0", "max_attempts": "0", "pass_percent": "60",
            "show_answers": "after_submit", "credit_hours": "0"}
    data.update(_formset_data("fixed_questions", []))
    data.update(_formset_data("draw_rules", [{"category": str(q.category_id), "count": "5"}]))
    form = form_class(data, instance=Quiz())
    assert not form.is_valid()
    assert "1" in str(form.non_field_errors()) and "5" in str(form.non_field_errors())


def test_admin_h5p_form_validates_and_imports():
    from wagtail.admin.panels import FieldPanel, ObjectList

    panels = ObjectList([FieldPanel("upload"), FieldPanel("title"), FieldPanel("lesson"), FieldPanel("pass_percent")],
                        base_form_class=H5PPackageForm)
    form_class = panels.bind_to_model(H5PPackage).get_form_class()
    bad = form_class({"title": "", "pass_percent": "0"},
                     {"upload": SimpleUploadedFile("x.h5p", build_h5p(extra={"content/x.exe": b"MZ"}))},
                     instance=H5PPackage())
    assert not bad.is_valid() and "x.exe" in str(bad.errors["upload"])
    good = form_class({"title": "", "pass_percent": "50"}, {"upload": SimpleUploadedFile("x.h5p", build_h5p())},
                      instance=H5PPackage())
    assert good.is_valid(), good.errors
    package = good.save()
    assert (package.title, package.pass_percent, package.file_count) == ("党章知识互动题", 50, 5)
    assert H5PPackage.objects.count() == 1


def test_demo_seed_is_idempotent_and_tells_the_story(client):
    first = seed_quiz_demo()
    counts = (Question.objects.count(), Quiz.objects.count(), QuizAttempt.objects.count(),
              StudyHourEntry.objects.count())
    second = seed_quiz_demo()
    assert first == second
    assert counts == (Question.objects.count(), Quiz.objects.count(), QuizAttempt.objects.count(),
                      StudyHourEntry.objects.count())
    assert Question.objects.count() == 15
    assert set(Question.objects.values_list("qtype", flat=True)) == {
        "single", "multiple", "true_false", "fill_blank", "short_answer"}
    lesson_quiz = Quiz.objects.get(title=LESSON_TITLE)
    exam = Quiz.objects.get(title=EXAM_TITLE)
    assert lesson_quiz.time_limit_minutes == 10 and lesson_quiz.lesson.completion_rule == "quiz"
    assert exam.draw_rules.count() == 5 and ExamPage.objects.filter(quiz=exam).exists()
    assert all(a.duration_seconds > 0 for a in QuizAttempt.objects.all())
    passed = QuizAttempt.objects.filter(member__employee_no=first["passed_member"], passed=True)
    assert {a.quiz_id for a in passed} == {lesson_quiz.pk, exam.pk}
    entries = StudyHourEntry.objects.filter(member__employee_no=first["passed_member"], source="quiz")
    assert sorted(e.reference for e in entries) == sorted([f"quiz:{lesson_quiz.pk}", f"quiz:{exam.pk}"])
    # The trainer sees the statistics.
    trainer = lesson_quiz.trainers.get()
    client.force_login(trainer.user)
    html = client.get(f"/quizzes/{exam.pk}/stats/").content.decode()
    assert "question-stats" in html and "张伟" in html


def test_my_results_block_lists_best_scores():
    from django.template import Context, Template

    q = question("true_false", correct_true=True)
    qz = quiz([q], title="廉洁测验")
    member = MemberFactory()
    from lms.quizzes import services

    for value in (False, True):
        attempt, _ = services.start_attempt(member, qz)
        services.save_answer(attempt, q.pk, {"value": value})
        services.submit_attempt(attempt)
    html = Template("{% load quiz_tags %}{% my_quiz_results member %}").render(Context({"member": member}))
    assert "廉洁测验" in html and ">1 / 1<" in html and "<td>2</td>" in html
