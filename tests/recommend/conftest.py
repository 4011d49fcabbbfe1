"""A small organization with a catalog and completion histories for the recommendation tests."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.factories import MemberFactory, make_course, make_lesson, make_talk, org_unit, role


def complete(member, course, days_ago: float = 1.0):
    """Complete every lesson of ``course`` through the progress services (real completion path). Enrolled by
    an administrator: some histories are of courses the member could not enroll in by themselves."""
    from lms.progress import services
    from lms.progress.models import Enrollment

    when = timezone.now() - datetime.timedelta(days=days_ago)
    services.enroll(member, course, source=Enrollment.Source.ADMIN)
    for lesson in course.lessons:
        services.complete_lesson(member, lesson, now=when)


def course_with_lesson(title, **kwargs):
    course = make_course(title, **kwargs)
    make_lesson(course)
    return course


@pytest.fixture
def world(db):
    """Branch 1 (7 party members + 1 activist), branch 2 (3 members); courses in three categories.

    * 党史学习教育 (C) and 红色革命历史专题 (D) are completed together by four branch-1 members,
      D together with 党史故事会 (F) by three;
    * 安全生产专题培训 (E) is completed by five branch-1 members, none of whom completed C or A;
    * 廉洁从业警示教育 (A) and 八项规定精神解读 (B) share their topic (content similarity), nobody completed B.
    """
    from content_library.models import Category

    cats = {slug: Category.objects.create(name=name, slug=slug) for name, slug in
            [("党史学习", "history"), ("廉洁教育", "integrity"), ("安全生产", "safety")]}
    b1 = org_unit("公司党委/第一党支部")
    b2 = org_unit("公司党委/第二党支部")
    w = SimpleNamespace(cats=cats, b1=b1, b2=b2)
    w.A = course_with_lesson("廉洁从业警示教育", categories=[cats["integrity"]])
    w.A.summary = "廉洁从业规定与警示教育案例，严守八项规定精神。"
    w.A.save()
    w.B = course_with_lesson("八项规定精神解读", categories=[cats["integrity"]])
    w.B.summary = "深入解读中央八项规定精神，廉洁从业警示教育。"
    w.B.save()
    w.C = course_with_lesson("党史学习教育", categories=[cats["history"]])
    w.D = course_with_lesson("红色革命历史专题", categories=[cats["history"]])
    w.E = course_with_lesson("安全生产专题培训", categories=[cats["safety"]])
    w.F = course_with_lesson("党史故事会", categories=[cats["history"]])
    w.R = course_with_lesson("党章党规学习", tier="required_all")
    w.S = course_with_lesson("支部书记履职能力培训", tier="role_required", audience_roles=[role("branch_secretary")])

    w.me = MemberFactory(name="测试党员", org_unit=b1)
    w.fans = [MemberFactory(org_unit=b1) for _ in range(4)]  # C + D
    w.others = [MemberFactory(org_unit=b1) for _ in range(3)]  # D + F, E
    w.safety = [MemberFactory(org_unit=b1) for _ in range(2)]  # E only
    w.activist = MemberFactory(org_unit=b1, roles=["activist"])
    w.b2_members = [MemberFactory(org_unit=b2) for _ in range(3)]
    for m in w.fans:
        complete(m, w.C, days_ago=20)
        complete(m, w.D, days_ago=10)
    for m in w.others:
        complete(m, w.D, days_ago=15)
        complete(m, w.F, days_ago=5)
    for m in [*w.others, *w.safety]:
        complete(m, w.E, days_ago=3)
    complete(w.me, w.C, days_ago=30)
    complete(w.me, w.A, days_ago=40)
    return w


@pytest.fixture
def ready_talk(db):
    def make(title="视频", **kwargs):
        return make_talk(title=title, **kwargs)

    return make
