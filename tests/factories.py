"""Shared factory_boy factories. App-specific factories live in tests/<app>/factories.py."""

import itertools
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from lms.org.models import Member, OrgUnit, Role

_seq = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "pw")
        if create:
            self.save(update_fields=["password"])


def org_unit(path: str = "公司党委/第一党支部") -> OrgUnit:
    """Find or create the units of ``A/B/C`` and return the last one."""
    return OrgUnit.ensure_path(path)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    employee_no = factory.Sequence(lambda n: f"E{n:05d}")
    name = factory.Sequence(lambda n: f"党员{n}")
    user = factory.SubFactory(UserFactory, username=factory.SelfAttribute("..employee_no"))
    org_unit = factory.LazyFunction(lambda: org_unit())

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        codes = set(extracted if extracted is not None else ["member"])
        if create:
            self.set_roles(codes)


def role(code: str) -> Role:
    return Role.objects.get(code=code)


def catalog_home():
    from lms.catalog.bootstrap import ensure_catalog_home
    from lms.catalog.models import CatalogIndexPage

    return CatalogIndexPage.objects.first() or ensure_catalog_home()


def make_course(title: str | None = None, *, tier: str = "elective", credit_hours="2.0", categories=(),
                audience_roles=(), parent=None, live: bool = True):
    from lms.catalog.models import CoursePage

    n = next(_seq)
    course = CoursePage(title=title or f"课程{n}", slug=f"course-{n}", tier=tier,
                        credit_hours=Decimal(str(credit_hours)), live=live)
    (parent or catalog_home()).add_child(instance=course)
    if categories:
        course.categories.set(categories)
    if audience_roles:
        course.audience_roles.set(audience_roles)
    if categories or audience_roles:
        course.save()
    return course


def make_lesson(course, title: str | None = None, *, rule: str = "confirm", minutes: int = 10, video=None,
                credit_minutes: int = 0, required: bool = True, live: bool = True):
    from lms.catalog.models import LessonPage

    n = next(_seq)
    lesson = LessonPage(title=title or f"第{n}课", slug=f"lesson-{n}", completion_rule=rule,
                        estimated_minutes=minutes, video=video, credit_minutes=credit_minutes,
                        required=required, live=live)
    course.add_child(instance=lesson)
    course.__dict__.pop("lessons", None)
    return lesson


def make_talk(title: str = "视频", duration: float = 100.0, **kwargs):
    from content_library.models import Talk

    return Talk.objects.create(title=title, duration=duration, status=kwargs.pop("status", "ready"), **kwargs)
