"""Weak topics from quiz results: courses that strengthen the question categories a member scored low in.

A member's score in a question category is the share of points earned on that category's questions in their
latest finished (graded) attempt at each quiz or exam. A category is weak below ``weak_threshold`` of the points
with at least ``weak_min_questions`` questions answered (``RECOMMEND_PARAMS``), so one slip is not a weakness and
a later good attempt clears it.

A category's courses are the live courses that draw on it: a lesson quiz of the course holds one of its questions
(fixed questions or a draw rule of the category), or the course carries a content category of the same name.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from content_library.models import Category
from lms.catalog.models import CoursePage, LessonPage
from lms.quizzes.models import AttemptAnswer, DrawRule, QuestionCategory, QuizAttempt, QuizQuestion


def weak_categories(member_ids=None, *, threshold: float = 0.6, min_questions: int = 3) -> dict[int, list[tuple]]:
    """``{member_id: [(category_id, share), …]}`` weakest first."""
    answers = AttemptAnswer.objects.filter(attempt__status=QuizAttempt.Status.GRADED, score__isnull=False)
    if member_ids is not None:
        answers = answers.filter(attempt__member_id__in=list(member_ids))
    latest: dict[tuple[int, int], int] = {}  # (member, quiz) → the latest attempt's number
    rows = list(answers.values_list("attempt__member_id", "attempt__quiz_id", "attempt__number",
                                    "question__category_id", "score", "points").iterator(chunk_size=20000))
    for member_id, quiz_id, number, *_rest in rows:
        key = (member_id, quiz_id)
        if number > latest.get(key, -1):
            latest[key] = number
    earned: dict[tuple[int, int], list] = defaultdict(lambda: [Decimal("0"), Decimal("0"), 0])
    for member_id, quiz_id, number, category_id, score, points in rows:
        if number != latest[(member_id, quiz_id)] or not points:
            continue
        cell = earned[(member_id, category_id)]
        cell[0] += score
        cell[1] += points
        cell[2] += 1
    out: dict[int, list[tuple]] = defaultdict(list)
    for (member_id, category_id), (got, possible, count) in earned.items():
        share = float(got / possible) if possible else 1.0
        if count >= min_questions and share < threshold:
            out[member_id].append((category_id, share))
    for items in out.values():
        items.sort(key=lambda pair: (pair[1], pair[0]))
    return dict(out)


def category_courses(category_ids) -> dict[int, list[int]]:
    """``{question category id: [live course ids, catalog order]}``."""
    category_ids = set(category_ids)
    if not category_ids:
        return {}
    courses = list(CoursePage.objects.live().order_by("path").values_list("pk", "path"))
    course_of_path = {path: pk for pk, path in courses}
    order = {pk: i for i, (pk, _path) in enumerate(courses)}
    lesson_course = {}
    for pk, path in LessonPage.objects.live().values_list("pk", "path"):
        course = course_of_path.get(path[:-LessonPage.steplen])
        if course is not None:
            lesson_course[pk] = course
    found: dict[int, set[int]] = defaultdict(set)
    fixed = QuizQuestion.objects.filter(question__category_id__in=category_ids, quiz__lesson__isnull=False)
    for category_id, lesson_id in fixed.values_list("question__category_id", "quiz__lesson_id"):
        if lesson_id in lesson_course:
            found[category_id].add(lesson_course[lesson_id])
    drawn = DrawRule.objects.filter(category_id__in=category_ids, quiz__lesson__isnull=False)
    for category_id, lesson_id in drawn.values_list("category_id", "quiz__lesson_id"):
        if lesson_id in lesson_course:
            found[category_id].add(lesson_course[lesson_id])
    names = dict(QuestionCategory.objects.filter(pk__in=category_ids).values_list("name", "pk"))
    through = CoursePage.categories.through
    for course_id, name in through.objects.filter(
            category__in=Category.objects.filter(name__in=list(names))).values_list("coursepage_id",
                                                                                     "category__name"):
        if course_id in order:
            found[names[name]].add(course_id)
    return {cid: sorted(ids, key=order.__getitem__) for cid, ids in found.items()}


def weak_topic_courses(member_ids=None, *, threshold: float = 0.6, min_questions: int = 3,
                       per_member: int = 3) -> dict[int, list[tuple[int, int, float]]]:
    """``{member_id: [(course_id, category_id, share), …]}``: candidate courses, weakest category first, each course
    once; the caller drops those completed, in progress, dismissed or not allowed."""
    weak = weak_categories(member_ids, threshold=threshold, min_questions=min_questions)
    courses = category_courses({cid for items in weak.values() for cid, _share in items})
    out: dict[int, list[tuple[int, int, float]]] = {}
    for member_id, items in weak.items():
        seen, picks = set(), []
        for category_id, share in items:
            for course_id in courses.get(category_id, []):
                if course_id not in seen:
                    seen.add(course_id)
                    picks.append((course_id, category_id, share))
        if picks:
            out[member_id] = picks[: per_member * 4]  # room for the caller's filters
    return out
