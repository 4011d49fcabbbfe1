"""Courses and lessons (catalog pages), enrollments, lesson progress and assignments."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lms.catalog import completion
from lms.catalog import services as catalog_services
from lms.catalog.models import CatalogIndexPage, CoursePage, LessonPage, Tier
from lms.org.models import Role
from lms.progress.models import Enrollment, LessonProgress
from lms.training.models import Assignment, TrainingPlan

from .base import CREATED, UNCHANGED, UPDATED, Entity, ImportContext
from .entities_org import _changed
from .standard import (
    BOOLEAN,
    CODES,
    DATE,
    DATETIME,
    DECIMAL_HOURS,
    ENUM,
    INTEGER,
    JSON,
    NUMBER,
    REF,
    STRING,
    TEXT,
    UUID,
    Field,
    write_date,
    write_datetime,
    write_decimal,
)


def _rules(ctx):
    return [code for code, _label in completion.choices()]


class Courses(Entity):
    name = "courses"
    fields = [Field("id", UUID), Field("slug", STRING, max_length=255), Field("title", STRING, max_length=255),
              Field("tier", ENUM, codes=lambda ctx: Tier.values), Field("credit_hours", DECIMAL_HOURS),
              Field("summary", TEXT, required=False),
              Field("audience_roles", CODES, codes=lambda ctx: ctx.codes("roles", Role)),
              Field("live", BOOLEAN)]

    def export(self, scope):
        for c in CoursePage.objects.order_by("path").prefetch_related("audience_roles"):
            yield {"id": str(c.translation_key), "slug": c.slug, "title": c.title, "tier": c.tier,
                   "credit_hours": write_decimal(c.credit_hours), "summary": c.summary,
                   "audience_roles": sorted(r.code for r in c.audience_roles.all()), "live": c.live}

    def check(self, row, ctx):
        if row["credit_hours"] < 0:
            return [("credit_hours", _("must not be negative"))]
        if ctx.local(self.name, row["id"]) is None and CoursePage.objects.filter(slug=row["slug"]).exists():
            return [("slug", _("another course of this site already uses this slug"))]
        return []

    def find(self, ident, ctx):
        return CoursePage.objects.filter(translation_key=ident).first()

    def apply(self, row, ctx):
        course = ctx.local(self.name, row["id"])
        values = {"title": row["title"], "slug": row["slug"], "tier": row["tier"],
                  "credit_hours": row["credit_hours"], "summary": row["summary"] or "", "live": row["live"]}
        roles = list(Role.objects.filter(code__in=row["audience_roles"]))
        if course is None:
            home = CatalogIndexPage.objects.first() or catalog_services.ensure_catalog_home()
            course = CoursePage(translation_key=row["id"], **values)
            home.add_child(instance=course)
            course.audience_roles.set(roles)
            course.save()
            ctx.remember(self.name, row["id"], course)
            return CREATED
        changed = _changed(course, values)
        if {r.pk for r in roles} != set(course.audience_roles.values_list("pk", flat=True)):
            course.audience_roles.set(roles)
            changed.append("audience_roles")
        if changed:
            course.save()
        return UPDATED if changed else UNCHANGED


class Lessons(Entity):
    name = "lessons"
    fields = [Field("id", UUID), Field("course", REF, ref="courses"), Field("slug", STRING, max_length=255),
              Field("title", STRING, max_length=255), Field("completion_rule", ENUM, codes=_rules),
              Field("estimated_minutes", INTEGER), Field("credit_minutes", INTEGER), Field("required", BOOLEAN),
              Field("live", BOOLEAN)]

    def export(self, scope):
        keys = dict(CoursePage.objects.values_list("path", "translation_key"))
        for lesson in LessonPage.objects.order_by("path"):
            yield {"id": str(lesson.translation_key), "course": str(keys[lesson.path[:-lesson.steplen]]),
                   "slug": lesson.slug, "title": lesson.title, "completion_rule": lesson.completion_rule,
                   "estimated_minutes": lesson.estimated_minutes, "credit_minutes": lesson.credit_minutes,
                   "required": lesson.required, "live": lesson.live}

    def check(self, row, ctx):
        lesson = ctx.local(self.name, row["id"])
        course = ctx.local("courses", row["course"])
        if lesson is not None and (course is None or lesson.get_parent().pk != course.pk):
            return [("course", _("this lesson belongs to another course of this site"))]
        if lesson is None and course is not None and \
                LessonPage.objects.child_of(course).filter(slug=row["slug"]).exists():
            return [("slug", _("another lesson of this course already uses this slug"))]
        return []

    def find(self, ident, ctx):
        return LessonPage.objects.filter(translation_key=ident).first()

    def apply(self, row, ctx):
        lesson = ctx.local(self.name, row["id"])
        values = {"title": row["title"], "slug": row["slug"], "estimated_minutes": row["estimated_minutes"],
                  "credit_minutes": row["credit_minutes"], "required": row["required"], "live": row["live"]}
        if lesson is None:
            course = CoursePage.objects.get(pk=ctx.local("courses", row["course"]).pk)  # fresh: numchild moves
            lesson = LessonPage(translation_key=row["id"], completion_rule=completion.CONFIRM, **values)
            course.add_child(instance=lesson)
            self._set_rule(lesson, row["completion_rule"])
            ctx.remember(self.name, row["id"], lesson)
            return CREATED
        changed = _changed(lesson, values)
        if changed:
            lesson.save(clean=False)
        if self._set_rule(lesson, row["completion_rule"]):
            changed.append("completion_rule")
        return UPDATED if changed else UNCHANGED

    @staticmethod
    def _set_rule(lesson: LessonPage, rule: str) -> bool:
        # The video itself is not part of the standard: a video lesson keeps its rule and waits for a video to be
        # attached here, so the page's own check (a video rule needs a video) is passed by a direct update.
        if lesson.completion_rule == rule:
            return False
        LessonPage.objects.filter(pk=lesson.pk).update(completion_rule=rule)
        lesson.completion_rule = rule
        return True


class Enrollments(Entity):
    name = "enrollments"
    fields = [Field("member", REF, ref="members"), Field("course", REF, ref="courses"),
              Field("source", ENUM, codes=lambda ctx: Enrollment.Source.values),
              Field("status", ENUM, codes=lambda ctx: Enrollment.Status.values), Field("percent", INTEGER),
              Field("enrolled_at", DATETIME), Field("completed_at", DATETIME, required=False)]

    def key(self, row):
        return (row["member"], row["course"])

    def export(self, scope):
        qs = (Enrollment.objects.filter(scope.q("member__org_unit__"))
              .values_list("member__employee_no", "course__translation_key", "source", "status", "percent",
                           "enrolled_at", "completed_at").order_by("member__employee_no", "course__path"))
        for emp, course, source, status, percent, enrolled_at, completed_at in qs.iterator(chunk_size=5000):
            yield {"member": emp, "course": str(course), "source": source, "status": status, "percent": percent,
                   "enrolled_at": write_datetime(enrolled_at), "completed_at": write_datetime(completed_at)}

    def check(self, row, ctx):
        return [] if row["percent"] <= 100 else [("percent", _("must be between 0 and 100"))]

    def apply(self, row, ctx):
        member, course = ctx.local("members", row["member"]), ctx.local("courses", row["course"])
        values = {k: row[k] for k in ("source", "status", "percent", "enrolled_at", "completed_at")}
        obj = Enrollment.objects.filter(member=member, course_id=course.pk).first()
        if obj is None:
            Enrollment.objects.create(member=member, course_id=course.pk, **values)
            return CREATED
        if _changed(obj, values):
            obj.save()
            return UPDATED
        return UNCHANGED


def _intervals(value) -> bool:
    return isinstance(value, list) and all(
        isinstance(i, list) and len(i) == 2 and all(isinstance(x, int | float) and not isinstance(x, bool)
                                                    for x in i) and i[0] <= i[1] for i in value)


class LessonProgressEntity(Entity):
    name = "lesson_progress"
    fields = [Field("member", REF, ref="members"), Field("lesson", REF, ref="lessons"),
              Field("watched", JSON), Field("watched_seconds", NUMBER), Field("time_spent_seconds", NUMBER),
              Field("started_at", DATETIME), Field("confirmed_at", DATETIME, required=False),
              Field("completed_at", DATETIME, required=False)]
    values = ("watched", "watched_seconds", "time_spent_seconds", "started_at", "confirmed_at", "completed_at")

    def key(self, row):
        return (row["member"], row["lesson"])

    def export(self, scope):
        qs = (LessonProgress.objects.filter(scope.q("member__org_unit__"))
              .values_list("member__employee_no", "lesson__translation_key", *self.values)
              .order_by("member__employee_no", "lesson__path"))
        for emp, lesson, watched, seconds, spent, started, confirmed, completed in qs.iterator(chunk_size=5000):
            yield {"member": emp, "lesson": str(lesson), "watched": watched or [], "watched_seconds": seconds,
                   "time_spent_seconds": spent, "started_at": write_datetime(started),
                   "confirmed_at": write_datetime(confirmed), "completed_at": write_datetime(completed)}

    def check(self, row, ctx):
        return [] if _intervals(row["watched"]) else [("watched", _("must be a list of [start, end] seconds"))]

    def apply(self, row, ctx):
        member, lesson = ctx.local("members", row["member"]), ctx.local("lessons", row["lesson"])
        values = {k: row[k] for k in self.values}
        obj = LessonProgress.objects.filter(member=member, lesson_id=lesson.pk).first()
        if obj is None:
            LessonProgress.objects.create(member=member, lesson_id=lesson.pk, **values)
            return CREATED
        if _changed(obj, values):
            obj.save()
            return UPDATED
        return UNCHANGED


class Assignments(Entity):
    name = "assignments"
    fields = [Field("member", REF, ref="members"), Field("course", REF, ref="courses"),
              Field("source", ENUM, codes=lambda ctx: Assignment.Source.values),
              Field("status", ENUM, codes=lambda ctx: Assignment.Status.values), Field("year", INTEGER),
              Field("due_on", DATE), Field("original_due_on", DATE), Field("assigned_at", DATETIME),
              Field("completed_at", DATETIME, required=False), Field("withdrawn_at", DATETIME, required=False),
              Field("withdrawn_reason", STRING, required=False, max_length=200),
              Field("note", STRING, required=False, max_length=200),
              Field("rule_name", STRING, required=False, max_length=120),
              Field("plan_year", INTEGER, required=False), Field("plan_version", INTEGER, required=False)]
    values = ("status", "year", "due_on", "original_due_on", "completed_at", "withdrawn_at", "withdrawn_reason",
              "note", "rule_name", "plan_version")

    def key(self, row):
        # An assignment is the member, the course, how it came and when: the same course may be assigned again.
        return (row["member"], row["course"], row["source"], row["assigned_at"])

    def export(self, scope):
        qs = (Assignment.objects.filter(scope.q("member__org_unit__"))
              .select_related("member", "course", "plan").order_by("member__employee_no", "assigned_at", "id"))
        for a in qs.iterator(chunk_size=2000):
            yield {"member": a.member.employee_no, "course": str(a.course.translation_key), "source": a.source,
                   "status": a.status, "year": a.year, "due_on": write_date(a.due_on),
                   "original_due_on": write_date(a.original_due_on), "assigned_at": write_datetime(a.assigned_at),
                   "completed_at": write_datetime(a.completed_at), "withdrawn_at": write_datetime(a.withdrawn_at),
                   "withdrawn_reason": a.withdrawn_reason, "note": a.note, "rule_name": a.rule_name,
                   "plan_year": a.plan.year if a.plan_id else None, "plan_version": a.plan_version}

    def apply(self, row, ctx: ImportContext):
        member, course = ctx.local("members", row["member"]), ctx.local("courses", row["course"])
        values = {k: ("" if row[k] is None and k in ("withdrawn_reason", "note", "rule_name") else row[k])
                  for k in self.values}
        values["plan"] = TrainingPlan.objects.filter(year=row["plan_year"]).first() if row["plan_year"] else None
        obj = Assignment.objects.filter(member=member, course_id=course.pk, source=row["source"],
                                        assigned_at=row["assigned_at"]).first()
        if obj is None:
            Assignment.objects.create(member=member, course_id=course.pk, source=row["source"],
                                      assigned_at=row["assigned_at"], **values)
            return CREATED
        if _changed(obj, values):
            obj.save()
            return UPDATED
        return UNCHANGED
