"""What a member has done, on the catalog's pages (contributors registered in lms.catalog.page_context)."""

from .models import Enrollment, LessonProgress
from .services import course_progress_map


def on_catalog(page, request, context: dict) -> None:
    member, courses = context.get("member"), context.get("courses", [])
    progress = course_progress_map(member, courses) if member else {}
    for course in courses:
        course.my_enrollment = progress.get(course.pk)


def on_course(course, request, context: dict) -> None:
    member, lessons = context.get("member"), context.get("lessons", [])
    done: set[int] = set()
    if member:
        context["enrollment"] = Enrollment.objects.filter(member=member, course=course).first()
        done = set(
            LessonProgress.objects.filter(member=member, lesson__in=lessons, completed_at__isnull=False)
            .values_list("lesson_id", flat=True)
        )
    for lesson in lessons:
        lesson.is_done = lesson.pk in done


def on_lesson(lesson, request, context: dict) -> None:
    member = context.get("member")
    if member:
        context["progress"] = LessonProgress.objects.filter(member=member, lesson=lesson).first()
