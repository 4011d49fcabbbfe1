"""Context builders for catalog pages (kept out of models to keep them short)."""

from django.db.models import Prefetch

from content_library.models import Category
from lms.org.models import Role
from lms.org.scope import member_of

from . import access
from .models import TIER_ORDER, CoursePage, LessonPage, Tier


def filtered_courses(params, base=None):
    qs = (base if base is not None else CoursePage.objects.live()).prefetch_related(
        Prefetch("categories", queryset=Category.objects.all()), "audience_roles"
    ).select_related("cover_image")
    tier = params.get("tier")
    if tier in Tier.values:
        qs = qs.filter(tier=tier)
    category = params.get("category")
    if category:
        qs = qs.filter(categories__slug=category)
    role = params.get("role")
    if role:
        qs = qs.filter(audience_roles__code=role)
    return qs.distinct().order_by("title")


def catalog_context(page, request) -> dict:
    from lms.progress.services import course_progress_map

    courses = list(filtered_courses(request.GET, access.viewable(request.user, CoursePage.objects.descendant_of(page))))
    member = member_of(request.user)
    progress = course_progress_map(member, courses) if member else {}
    for course in courses:
        course.my_enrollment = progress.get(course.pk)
    groups = []
    for tier in TIER_ORDER:
        items = [c for c in courses if c.tier == tier]
        if items:
            groups.append({"tier": tier, "label": Tier(tier).label, "courses": items})
    # Other activities placed in the catalog (e.g. exams), whatever app defines them.
    activities = page.get_children().live().not_type(CoursePage).specific().order_by("title")
    return {
        "tier_groups": groups,
        "activities": activities,
        "course_count": len(courses),
        "categories": Category.objects.all(),
        "roles": Role.objects.all(),
        "tiers": Tier.choices,
        "selected": {k: request.GET.get(k, "") for k in ("tier", "category", "role")},
    }


def course_context(course, request) -> dict:
    from lms.progress.models import Enrollment, LessonProgress

    member = member_of(request.user)
    lessons = course.lessons
    enrollment = None
    done: set[int] = set()
    if member:
        enrollment = Enrollment.objects.filter(member=member, course=course).first()
        done = set(
            LessonProgress.objects.filter(member=member, lesson__in=lessons, completed_at__isnull=False)
            .values_list("lesson_id", flat=True)
        )
    for lesson in lessons:
        lesson.is_done = lesson.pk in done
    return {"lessons": lessons, "enrollment": enrollment, "member": member}


def lesson_context(lesson: LessonPage, request) -> dict:
    from lms.progress.models import LessonProgress

    member = member_of(request.user)
    progress = LessonProgress.objects.filter(member=member, lesson=lesson).first() if member else None
    course = lesson.course
    siblings = course.lessons if course else []
    ids = [s.pk for s in siblings]
    nxt = None
    if lesson.pk in ids and ids.index(lesson.pk) + 1 < len(ids):
        nxt = siblings[ids.index(lesson.pk) + 1]
    return {
        "member": member,
        "progress": progress,
        "course": course,
        "next_lesson": nxt,
        "min_seconds": lesson.estimated_minutes * 60,
        "start": request.GET.get("t", ""),
    }
