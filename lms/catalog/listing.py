"""The catalog's own context for its pages (registered in page_context by CatalogConfig.ready()); what members
have done there is added by the progress app's contributors."""

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


def catalog_context(page, request, context: dict) -> None:
    courses = list(filtered_courses(request.GET, access.viewable(request.user, CoursePage.objects.descendant_of(page))))
    groups = []
    for tier in TIER_ORDER:
        items = [c for c in courses if c.tier == tier]
        if items:
            groups.append({"tier": tier, "label": Tier(tier).label, "courses": items})
    # Other activities placed in the catalog (e.g. exams), whatever app defines them.
    activities = page.get_children().live().not_type(CoursePage).specific().order_by("title")
    context.update({
        "courses": courses,
        "member": member_of(request.user),
        "tier_groups": groups,
        "activities": activities,
        "course_count": len(courses),
        "categories": Category.objects.all(),
        "roles": Role.objects.all(),
        "tiers": Tier.choices,
        "selected": {k: request.GET.get(k, "") for k in ("tier", "category", "role")},
    })


def course_context(course, request, context: dict) -> None:
    context.update({"lessons": course.lessons, "enrollment": None, "member": member_of(request.user)})


def lesson_context(lesson: LessonPage, request, context: dict) -> None:
    course = lesson.course
    siblings = course.lessons if course else []
    ids = [s.pk for s in siblings]
    nxt = None
    if lesson.pk in ids and ids.index(lesson.pk) + 1 < len(ids):
        nxt = siblings[ids.index(lesson.pk) + 1]
    context.update({
        "member": member_of(request.user),
        "progress": None,
        "course": course,
        "next_lesson": nxt,
        "min_seconds": lesson.estimated_minutes * 60,
        "start": request.GET.get("t", ""),
    })
