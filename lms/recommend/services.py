"""Serving stored recommendations (re-checked live), dismissals and talk completions.

Stored rows may be hours old, so every read re-checks each item against the current state:
still published / ready, still visible to the user, not completed, not dismissed, and (for
"for you") not already in progress. The dashboard therefore never shows a completed,
invisible or unpublished item, whatever the age of the last recompute.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from content_library.models import Talk
from lms.catalog.models import CoursePage
from lms.progress.models import Enrollment, LessonProgress

from . import visibility
from .models import Dismissal, ItemNeighbour, Recommendation, TalkCompletion
from .scheduling import mark_dirty


class RecommendError(ValueError):
    pass


@dataclass
class Shown:
    """One recommendation ready for a template or the API."""

    id: int
    section: str
    rank: int
    kind: str
    item_id: int
    title: str
    url: str
    reason_code: str
    reason: str
    score: float
    due_on: object
    computed_at: object


def _role_name(role) -> str:
    if role is None:
        return ""
    if (translation.get_language() or "").startswith("en") and role.name_en:
        return role.name_en
    return role.name


def reason_text(rec: Recommendation) -> str:
    """The human reason, in the active language."""
    R = Recommendation.Reason
    if rec.reason == R.WEAK_TOPIC:
        if rec.reason_category is None:  # the category was deleted since
            return _("Recommended for you")
        return _("Strengthen a weak area: %(category)s") % {"category": rec.reason_category.name}
    if rec.reason == R.REQUIRED:
        if rec.due_on:
            return _("Your required course, due %(date)s") % {"date": rec.due_on.isoformat()}
        return _("Your required course")
    if rec.reason in (R.COMPLETED_WITH, R.SIMILAR_CONTENT):
        item = rec.reason_item
        if item is None:  # the course or talk behind the reason was deleted since
            return _("Recommended for you")
        if rec.reason == R.COMPLETED_WITH:
            return _("Because you completed “%(title)s”") % {"title": item.title}
        return _("Similar in content to “%(title)s”") % {"title": item.title}
    role = _role_name(rec.reason_role)
    if rec.reason == R.PEERS:
        if role:
            return _("Popular with %(role)s peers in your branch") % {"role": role}
        return _("Popular with colleagues in your branch")
    if rec.reason == R.ROLE_PEERS and role:
        return _("Popular with %(role)s peers across the organization") % {"role": role}
    return _("Popular across the organization")


def item_url(item) -> str:
    if isinstance(item, CoursePage):
        return item.url or ""
    return item.get_absolute_url()


def completed_course_ids(member, course_ids) -> set[int]:
    return set(Enrollment.objects.filter(member=member, course_id__in=list(course_ids), completed_at__isnull=False)
               .values_list("course_id", flat=True))


def completed_talk_ids(member, talk_ids) -> set[int]:
    talk_ids = list(talk_ids)
    via_lessons = LessonProgress.objects.filter(
        member=member, completed_at__isnull=False, lesson__video_id__in=talk_ids
    ).values_list("lesson__video_id", flat=True)
    marked = TalkCompletion.objects.filter(member=member, talk_id__in=talk_ids).values_list("talk_id", flat=True)
    return set(via_lessons) | set(marked)


def recommendations_for(member, user=None) -> dict:
    """``{"required": [Shown…], "for_you": [Shown…], "computed_at": datetime | None}``."""
    user = user or member.user
    rows = list(
        Recommendation.objects.filter(member=member)
        .select_related("course", "talk", "reason_course", "reason_talk", "reason_role", "reason_category")
        .order_by("rank", "pk")
    )
    course_ids = {r.course_id for r in rows if r.course_id}
    talk_ids = {r.talk_id for r in rows if r.talk_id}
    ok_courses = visibility.visible_course_ids(user, course_ids) - completed_course_ids(member, course_ids)
    ok_talks = (set(visibility.visible_talks(user).filter(pk__in=talk_ids).values_list("pk", flat=True))
                - completed_talk_ids(member, talk_ids))
    in_progress = set(Enrollment.objects.filter(member=member, course_id__in=course_ids, completed_at__isnull=True)
                      .values_list("course_id", flat=True))
    dismissed = set(Dismissal.objects.filter(member=member).values_list("course_id", "talk_id"))
    out = {"required": [], "for_you": [], "computed_at": None}
    for rec in rows:
        if rec.course_id and rec.course_id not in ok_courses:
            continue
        if rec.talk_id and rec.talk_id not in ok_talks:
            continue
        if (rec.course_id, rec.talk_id) in dismissed:
            continue
        if rec.section == Recommendation.Section.FOR_YOU and rec.course_id in in_progress:
            continue
        item = rec.item
        out[rec.section].append(Shown(
            id=rec.pk, section=rec.section, rank=len(out[rec.section]), kind=rec.kind, item_id=rec.item_id,
            title=item.title, url=item_url(item), reason_code=rec.reason, reason=reason_text(rec), score=rec.score,
            due_on=rec.due_on, computed_at=rec.computed_at,
        ))
        if out["computed_at"] is None or rec.computed_at > out["computed_at"]:
            out["computed_at"] = rec.computed_at
    return out


def dismiss(member, recommendation_id: int) -> Dismissal:
    """Hide a "for you" recommendation for good; the list is refilled by the next recompute."""
    rec = Recommendation.objects.filter(member=member, pk=recommendation_id).first()
    if rec is None:
        raise Recommendation.DoesNotExist(_("No such recommendation."))
    if rec.section == Recommendation.Section.REQUIRED:
        raise RecommendError(_("Required courses cannot be dismissed."))
    with transaction.atomic():
        dismissal, _created = Dismissal.objects.get_or_create(member=member, course_id=rec.course_id,
                                                              talk_id=rec.talk_id)
        rec.delete()
        mark_dirty([member.pk])
    return dismissal


def mark_talk_done(member, talk: Talk, user=None) -> tuple[TalkCompletion, bool]:
    user = user or member.user
    if not visibility.visible_talks(user).filter(pk=talk.pk).exists():
        raise RecommendError(_("This talk is not available to you."))
    with transaction.atomic():
        completion, created = TalkCompletion.objects.get_or_create(member=member, talk=talk)
        if created:
            mark_dirty([member.pk])
    return completion, created


def also_completed(course: CoursePage, user, member=None, limit: int = 5) -> list[dict]:
    """Items most completed together with ``course`` (popularity-normalized), visible to ``user``.

    Only pairs completed by at least ``RECOMMEND_ALSO_COMPLETED_MIN_MEMBERS`` members are shown,
    so a single member's history cannot be read off the page.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    min_members = getattr(settings, "RECOMMEND_ALSO_COMPLETED_MIN_MEMBERS", 2)
    rows = list(
        ItemNeighbour.objects.filter(signal=ItemNeighbour.Signal.CF, source_course=course,
                                     co_count__gte=min_members)
        .select_related("course", "talk").order_by("rank")
    )
    course_ids = {r.course_id for r in rows if r.course_id}
    talk_ids = {r.talk_id for r in rows if r.talk_id}
    ok_courses = visibility.visible_course_ids(user, course_ids)
    ok_talks = set(visibility.visible_talks(user).filter(pk__in=talk_ids).values_list("pk", flat=True))
    done: set = set()
    if member is not None:
        done = {("course", pk) for pk in completed_course_ids(member, course_ids)}
        done |= {("talk", pk) for pk in completed_talk_ids(member, talk_ids)}
    out = []
    for r in rows:
        if (r.course_id and r.course_id in ok_courses) or (r.talk_id and r.talk_id in ok_talks):
            item = r.course or r.talk
            kind = "course" if r.course_id else "talk"
            out.append({"kind": kind, "item_id": item.pk, "title": item.title, "url": item_url(item),
                        "members": r.co_count, "completed": (kind, item.pk) in done})
        if len(out) >= limit:
            break
    return out
