"""The catalog's own context for its pages (registered in page_context by CatalogConfig.ready()); what members
have done there is added by the progress app's contributors, what they are assigned by the training app's.

Cards: every listed course gets ``card_cover`` (its uploaded image, or a default cover drawn by catalog.css from
its first category and its tier: no image file, no request per card) and ``tier_badge``. Lessons get ``kind``
(video, text, document, quiz, h5p) and its label, for the icon and the words beside it.
"""

import zlib
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import pgettext_lazy

from content_library.models import Category
from lms.org.models import Role
from lms.org.scope import member_of

from . import access, completion
from .models import TIER_ORDER, CoursePage, LessonPage, Tier

# How many gradients the default covers have (catalog.css: .cover--v0 … .cover--v5).
COVER_VARIANTS = 6

KIND_LABELS = {
    "video": pgettext_lazy("lesson kind", "Video"),
    "text": pgettext_lazy("lesson kind", "Reading"),
    "document": pgettext_lazy("lesson kind", "Document"),
    "quiz": pgettext_lazy("lesson kind", "Quiz"),
    "h5p": pgettext_lazy("lesson kind", "Interactive"),
    "scorm": pgettext_lazy("lesson kind", "Courseware package"),
}


@dataclass(frozen=True)
class Cover:
    """A course's cover: its uploaded image, or the default one (a gradient ``variant``, a ``glyph`` and a
    ``label`` from its first category, or from its title and tier when it has none)."""

    image: object | None
    variant: int
    glyph: str
    label: str
    tier: str


def course_cover(course: CoursePage) -> Cover:
    """Deterministic: the same course always gets the same default cover (a CRC of the category's slug, not
    Python's per-process ``hash``). Reads the prefetched categories, so a list of courses costs no query."""
    categories = list(course.categories.all())
    first = categories[0] if categories else None
    if first is not None:
        seed, glyph, label = first.slug, first.name, first.name
    else:
        seed, glyph, label = course.tier, course.title, tier_label(course.tier)
    return Cover(
        image=course.cover_image if course.cover_image_id else None,
        variant=zlib.crc32(seed.encode("utf-8")) % COVER_VARIANTS,
        glyph=(glyph.strip() or "·")[:1].upper(),
        label=label,
        tier=course.tier,
    )


def tier_label(tier: str) -> str:
    return Tier(tier).label if tier in Tier.values else ""


def lesson_kind(lesson: LessonPage) -> str:
    """What a lesson is, for its icon: video, quiz, h5p, scorm, document (a confirm lesson with a document), text."""
    rule = lesson.completion_rule
    if rule == completion.VIDEO:
        return "video"
    if rule in (completion.QUIZ, completion.H5P, completion.SCORM):
        return rule
    blocks = {block.block_type for block in lesson.body}
    if "document" in blocks:
        return "document"
    if lesson.video_id or "video" in blocks:
        return "video"
    return "text"


def _mark_lesson(lesson: LessonPage) -> LessonPage:
    lesson.kind = lesson_kind(lesson)
    lesson.kind_label = KIND_LABELS[lesson.kind]
    return lesson


def _mark_course(course: CoursePage) -> CoursePage:
    course.card_cover = course_cover(course)
    course.tier_badge = tier_label(course.tier)
    return course


def _param(params, name: str) -> str:
    """A filter's value; one no slug or code can be (a NUL byte, which PostgreSQL refuses, or far too long) is
    ignored rather than sent to the database."""
    value = params.get(name) or ""
    return "" if "\x00" in value or len(value) > 200 else value


def filtered_courses(params, base=None):
    qs = (base if base is not None else CoursePage.objects.live()).prefetch_related(
        Prefetch("categories", queryset=Category.objects.all()), "audience_roles"
    ).select_related("cover_image")
    tier = _param(params, "tier")
    if tier in Tier.values:
        qs = qs.filter(tier=tier)
    category = _param(params, "category")
    if category:
        qs = qs.filter(categories__slug=category)
    role = _param(params, "role")
    if role:
        qs = qs.filter(audience_roles__code=role)
    return qs.distinct().order_by("title")


def catalog_context(page, request, context: dict) -> None:
    base = access.viewable(request.user, CoursePage.objects.descendant_of(page))
    # The renditions of uploaded covers come with the courses: one query for the page, not one per card.
    courses = [_mark_course(c) for c in filtered_courses(request.GET, base).prefetch_related("cover_image__renditions")]
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
    _mark_course(course)
    context.update({
        "lessons": [_mark_lesson(lesson) for lesson in course.lessons],
        "enrollment": None,
        "member": member_of(request.user),
        "cover": course.card_cover,
    })


def lesson_context(lesson: LessonPage, request, context: dict) -> None:
    course = lesson.course
    siblings = course.lessons if course else []
    ids = [s.pk for s in siblings]
    nxt = None
    if lesson.pk in ids and ids.index(lesson.pk) + 1 < len(ids):
        nxt = siblings[ids.index(lesson.pk) + 1]
    _mark_lesson(lesson)
    min_seconds = lesson.estimated_minutes * 60
    context.update({
        "member": member_of(request.user),
        "progress": None,
        "course": course,
        "next_lesson": nxt,
        "min_seconds": min_seconds,
        # Until the progress app says how long the member has studied here: the whole minimum study time.
        "remaining_seconds": min_seconds,
        "start": request.GET.get("t", ""),
    })
