"""Demo data for quizzes and exams: `seed_quiz_demo()` (called by the `seed_demo` command). Idempotent."""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from lms.catalog import completion
from lms.org.models import Member, OrgUnit

from . import services
from .importer import _apply, _validate
from .models import DrawRule, ExamPage, Question, QuestionCategory, Quiz, QuizAttempt, QuizQuestion

COURSE_TITLE = "党章党规学习"
LESSON_TITLE = "党章党规随堂测验"
EXAM_TITLE = "支部书记培训结业考试"
EXAM_SLUG = "branch-secretary-final-exam"

# Same columns as the XLSX template: type, text, options A–F, answer, category, difficulty, points, explanation, tags
QUESTIONS = [
    ("单选题", "中国共产党的根本宗旨是什么？", ["实现共产主义", "全心全意为人民服务", "发展社会生产力", "依法治国"],
     "B", "党章学习", "易", "2", "党章总纲：党除了工人阶级和最广大人民群众的利益，没有自己特殊的利益。", "党章"),
    ("单选题", "党的最高领导机关是什么？", ["党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处",
                                  "中央纪律检查委员会"], "A", "党章学习", "中", "2", "见党章第十条。", "党章"),
    ("单选题", "预备党员的预备期为多长时间？", ["半年", "一年", "两年", "三年"], "B", "党章学习", "易", "2",
     "党章第七条：预备党员的预备期为一年。", "党章,发展党员"),
    ("多选题", "党员必须履行的义务包括哪些？", ["认真学习马克思列宁主义", "贯彻执行党的基本路线和各项方针、政策",
                                  "坚持党和人民的利益高于一切", "享受特殊待遇"], "ABC", "党章学习", "中", "2",
     "享受特殊待遇不是党员义务，党员不得谋求任何私利和特权。", "党章"),
    ("判断题", "党员可以不参加党的组织生活。", [], "错误", "党章学习", "易", "1",
     "每个党员都必须编入党的一个支部、小组或其他特定组织，参加党的组织生活。", "组织生活"),
    ("填空题", "党的最高理想和最终目标是实现____。", [], "共产主义", "党章学习", "中", "2", "", "党章"),
    ("单选题", "“三会一课”中的“一课”指的是什么？", ["党课", "团课", "业务培训课", "安全教育课"], "A", "组织生活", "易",
     "2", "“三会一课”指支部党员大会、支部委员会、党小组会和党课。", "组织生活"),
    ("多选题", "“三会一课”中的“三会”包括？", ["支部党员大会", "支部委员会", "党小组会", "职工代表大会"], "ABC",
     "组织生活", "中", "2", "", "组织生活,支部建设"),
    ("判断题", "党支部委员会一般每月召开一次。", [], "正确", "组织生活", "中", "1", "", "支部建设"),
    ("填空题", "党员大会一般每____召开一次。", [], "季度|一季度|每季度", "组织生活", "难", "2", "", "组织生活"),
    ("判断题", "党员领导干部可以收受管理服务对象赠送的礼金。", [], "错误", "廉洁教育", "易", "1",
     "违反中央八项规定精神和廉洁自律准则。", "廉洁"),
    ("单选题", "中央八项规定出台于哪一年？", ["2010年", "2012年", "2014年", "2016年"], "B", "廉洁教育", "中", "2",
     "2012年12月，中央政治局会议审议通过八项规定。", "廉洁,八项规定"),
    ("判断题", "物资采购必须按规定公开招标。", [], "正确", "廉洁教育", "易", "1", "", "廉洁"),
    ("填空题", "中国共产党第一次全国代表大会于____年召开。", [], "1921", "党史学习", "易", "2",
     "1921年7月，中共一大在上海召开。", "党史"),
    ("简答题", "简述支部书记在落实“三会一课”制度中的职责。", [], "组织召开会议、带头讲党课、做好记录", "组织生活", "难",
     "5", "", "支部建设"),
]


def _rows():
    for line, (qtype, text, options, answer, category, difficulty, points, explanation, tags) in enumerate(
            QUESTIONS, start=2):
        row = {"qtype": qtype, "text": text, "answer": answer, "category": category, "difficulty": difficulty,
               "points": points, "explanation": explanation, "tags": tags}
        for letter, option in zip("abcdef", options, strict=False):
            row[f"option_{letter}"] = option
        yield line, row


def seed_question_bank() -> int:
    seen: dict = {}
    count = 0
    for line, row in _rows():
        clean, errors = _validate(line, row, seen)
        if errors:
            raise ValueError("; ".join(str(e) for e in errors))
        category, _created = QuestionCategory.objects.get_or_create(name=clean["category"])
        _apply(clean, category, None)
        count += 1
    return count


def _member(employee_no, name, unit_path, roles):
    member = Member.objects.filter(employee_no=employee_no).first()
    if member is not None:
        return member
    User = get_user_model()
    user, created = User.objects.get_or_create(username=employee_no)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    member = Member.objects.create(user=user, employee_no=employee_no, name=name,
                                   org_unit=OrgUnit.ensure_path(unit_path))
    member.set_roles(set(roles))
    return member


def _course():
    from lms.catalog.models import CoursePage
    from lms.catalog.services import ensure_catalog_home

    course = CoursePage.objects.filter(title=COURSE_TITLE).first()
    if course is None:
        home = ensure_catalog_home()
        course = CoursePage(title=COURSE_TITLE, slug="dangzhang-danggui-quiz-demo", tier="required_all",
                            credit_hours=Decimal("6"), summary="系统学习党章和党内法规，增强纪律意识。")
        home.add_child(instance=course)
    return course


def _quiz_lesson(course):
    from lms.catalog.models import LessonPage

    lesson = LessonPage.objects.child_of(course).filter(title=LESSON_TITLE).first()
    if lesson is None:
        lesson = LessonPage(title=LESSON_TITLE, slug="quiz", completion_rule=completion.QUIZ,
                            estimated_minutes=10, credit_minutes=0, required=True)
        course.add_child(instance=lesson)
    return lesson.specific


def _lesson_quiz(lesson, trainer) -> Quiz:
    quiz = Quiz.objects.filter(lesson=lesson).first() or Quiz.objects.filter(title=LESSON_TITLE).first()
    if quiz is None:
        quiz = Quiz.objects.create(
            title=LESSON_TITLE, kind=Quiz.Kind.QUIZ, lesson=lesson, time_limit_minutes=10, max_attempts=3,
            pass_percent=60, credit_hours=Decimal("0.5"), show_answers=Quiz.ShowAnswers.AFTER_SUBMIT,
            description="本测验共 6 题，限时 10 分钟，60 分及格，最多可作答 3 次。作答过程自动保存。",
        )
        texts = [q[1] for q in QUESTIONS if q[4] == "党章学习"]
        for i, text in enumerate(texts):
            QuizQuestion.objects.create(quiz=quiz, question=Question.objects.get(text=text), sort_order=i)
    quiz.trainers.add(trainer)
    quiz.save()
    return quiz


def _exam(trainer) -> Quiz:
    from lms.catalog.services import ensure_catalog_home

    quiz = Quiz.objects.filter(title=EXAM_TITLE, kind=Quiz.Kind.EXAM).first()
    if quiz is None:
        quiz = Quiz.objects.create(
            title=EXAM_TITLE, kind=Quiz.Kind.EXAM, time_limit_minutes=30, max_attempts=2, pass_percent=60,
            credit_hours=Decimal("1"), show_answers=Quiz.ShowAnswers.AFTER_FINAL,
            description="闭卷考试：从题库按分类随机抽题，每人题目和选项顺序不同，限时 30 分钟，最多 2 次。",
        )
        rules = [("党章学习", "single", 2), ("组织生活", "multiple", 1), ("廉洁教育", "true_false", 2),
                 ("党史学习", "fill_blank", 1), ("组织生活", "short_answer", 1)]
        for i, (category, qtype, count) in enumerate(rules):
            DrawRule.objects.create(quiz=quiz, category=QuestionCategory.objects.get(name=category), qtype=qtype,
                                    count=count, sort_order=i)
    quiz.trainers.add(trainer)
    quiz.save()
    if not ExamPage.objects.filter(quiz=quiz).exists():
        home = ensure_catalog_home()
        home.add_child(instance=ExamPage(title=EXAM_TITLE, slug=EXAM_SLUG, quiz=quiz,
                                         intro="<p>支部书记履职能力培训结业闭卷考试，考试结果记入个人学习档案。</p>"))
    return quiz


def _take(member, quiz, *, correct: bool, seed: int, grader=None, minutes_ago: int = 0) -> QuizAttempt:
    """A finished attempt: every answer right (or every choice answer wrong)."""
    finished = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    started = finished - datetime.timedelta(minutes=4 + seed % 5, seconds=17 * (seed % 3))
    attempt, _created = services.start_attempt(member, quiz, now=started, rng=random.Random(seed))
    step = (finished - started) / (attempt.answers.count() + 1)
    for n, answer in enumerate(attempt.answers.select_related("question"), start=1):
        q = answer.question
        if q.qtype in ("single", "multiple"):
            right = [c.pk for c in q.choices.all() if c.is_correct]
            wrong = [c.pk for c in q.choices.all() if not c.is_correct][:1]
            data = {"choices": right if correct else wrong}
        elif q.qtype == "true_false":
            data = {"value": q.correct_true if correct else not q.correct_true}
        elif q.qtype == "fill_blank":
            data = {"blanks": [alts[0] if correct else "不知道" for alts in q.blanks()]}
        else:
            data = {"text": "组织召开支部党员大会、支委会和党小组会，带头讲党课，做好会议记录。"}
        services.save_answer(attempt, q.pk, data, now=started + step * n)
    services.submit_attempt(attempt, now=finished)
    for answer in attempt.answers.filter(score__isnull=True).select_related("question"):
        services.grade_short_answer(answer, score=answer.points - 1, feedback="要点完整，表述可更具体。",
                                    user=grader)
    attempt.refresh_from_db()
    return attempt


@transaction.atomic
def seed_quiz_demo() -> dict:
    """Question bank, a timed quiz lesson in 党章党规学习, a drawn exam, a trainer and members with results."""
    seed_question_bank()
    trainer = _member("D9002", "冯晓", "公司党委", ["member", "trainer"])
    passer = _member("D1003", "张伟", "公司党委/第一党支部/第一党小组", ["member"])
    others = [_member("D1004", "刘洋", "公司党委/第一党支部/第一党小组", ["member"]),
              _member("D1005", "陈静", "公司党委/第一党支部/第一党小组", ["member"])]
    course = _course()
    lesson = _quiz_lesson(course)
    lesson_quiz = _lesson_quiz(lesson, trainer)
    exam = _exam(trainer)
    for quiz in (lesson_quiz, exam):
        if not QuizAttempt.objects.filter(member=passer, quiz=quiz).exists():
            _take(passer, quiz, correct=True, seed=quiz.pk, grader=trainer.user)
        for n, member in enumerate(others):
            if not QuizAttempt.objects.filter(member=member, quiz=quiz).exists():
                _take(member, quiz, correct=False, seed=quiz.pk + n + 1, grader=trainer.user, minutes_ago=20)
                if n == 0:  # the first one tries again and passes
                    _take(member, quiz, correct=True, seed=quiz.pk + 10, grader=trainer.user)
    return {"questions": Question.objects.count(), "lesson_quiz": lesson_quiz.pk, "exam": exam.pk,
            "lesson": lesson.pk, "passed_member": passer.employee_no, "trainer": trainer.employee_no}


# The demo step of this app (lms.common.discovery.demo_steps, run by seed_demo).
DEMO_ORDER = 20
seed = seed_quiz_demo
