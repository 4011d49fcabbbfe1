"""Plan rules that target posts (岗位): matching, re-evaluation on a post change, requirements, versions."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from lms.org.models import Post
from lms.records.requirements import annual_requirement, requirements_for
from lms.training.engine import evaluate
from lms.training.models import Assignment, PlanVersion
from lms.training.plans import copy_plan, snapshot
from tests.factories import MemberFactory, make_course, org_unit
from tests.training.factories import live, plan_with, rule

TZ = ZoneInfo("Asia/Shanghai")
D = datetime.date


@pytest.fixture
def march_2030():
    with time_machine.travel(datetime.datetime(2030, 3, 10, 10, 0, tzinfo=TZ), tick=False):
        yield


def post(code: str) -> Post:
    return Post.objects.get(code=code)


def post_rule(name="岗位规则", *, posts=(), **kwargs):
    r = rule(name, **kwargs)
    r.posts = [post(c) for c in posts]
    return r


@pytest.mark.django_db
def test_rule_with_posts_assigns_only_members_holding_one_of_them(march_2030):
    course = make_course("安全生产专题")
    plan = plan_with(post_rule("安全岗位必修", posts=["safety", "operation"], courses=[course], due=D(2030, 6, 30)))
    safety = MemberFactory(post=post("safety"))
    operation = MemberFactory(post=post("operation"))
    finance = MemberFactory(post=post("finance"))
    no_post = MemberFactory()
    evaluate()
    assert live(plan) == {(safety.pk, course.pk): D(2030, 6, 30), (operation.pk, course.pk): D(2030, 6, 30)}
    assert not Assignment.objects.filter(member__in=[finance, no_post]).exists()


@pytest.mark.django_db
def test_rule_without_posts_matches_any_post_or_none(march_2030):
    course = make_course("全员课")
    plan = plan_with(rule("党员课", roles=["member"], courses=[course], due=D(2030, 6, 30)))
    a, b = MemberFactory(post=post("finance")), MemberFactory()
    evaluate()
    assert set(live(plan)) == {(a.pk, course.pk), (b.pk, course.pk)}


@pytest.mark.django_db
def test_rule_with_roles_and_posts_needs_both_and_the_subtree(march_2030):
    first, second = org_unit("公司党委/第一党支部"), org_unit("公司党委/第二党支部")
    course = make_course("设备维修党员课")
    plan = plan_with(post_rule("维修党员", roles=["member"], posts=["maintenance"], unit=first, courses=[course],
                               due=D(2030, 5, 31)))
    both = MemberFactory(roles=["member"], post=post("maintenance"), org_unit=first)
    role_only = MemberFactory(roles=["member"], post=post("finance"), org_unit=first)
    post_only = MemberFactory(roles=["activist"], post=post("maintenance"), org_unit=first)
    other_unit = MemberFactory(roles=["member"], post=post("maintenance"), org_unit=second)
    evaluate()
    assert live(plan) == {(both.pk, course.pk): D(2030, 5, 31)}
    assert not Assignment.objects.filter(member__in=[role_only, post_only, other_unit]).exists()


@pytest.mark.django_db
def test_post_change_assigns_and_withdraws_like_a_role_change(march_2030, django_capture_on_commit_callbacks):
    course = make_course("财务廉洁专题")
    plan = plan_with(post_rule("财务岗位", posts=["finance"], courses=[course], due=D(2030, 9, 30)))
    member = MemberFactory(post=post("procurement"))
    evaluate()
    assert live(plan) == {}

    with django_capture_on_commit_callbacks(execute=True):
        member.post = post("finance")
        member.save()
    first = Assignment.objects.get(member=member, course=course)
    assert (first.status, first.source, first.rule_name, first.due_on) == ("active", "rule", "财务岗位", D(2030, 9, 30))

    with time_machine.travel(datetime.datetime(2030, 4, 2, 9, tzinfo=TZ), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            member.post = None
            member.save()
    first.refresh_from_db()
    assert first.status == "withdrawn" and first.withdrawn_reason
    assert first.withdrawn_at.astimezone(TZ).date() == D(2030, 4, 2)

    with django_capture_on_commit_callbacks(execute=True):
        member.post = post("finance")
        member.save()
    rows = list(Assignment.objects.filter(member=member, course=course).order_by("pk").values_list("status", flat=True))
    assert rows == ["withdrawn", "active"]


@pytest.mark.django_db
def test_post_change_through_the_admin_form_re_evaluates(march_2030, django_capture_on_commit_callbacks):
    course = make_course("安全课")
    plan = plan_with(post_rule("安全岗位", posts=["safety"], courses=[course], due=D(2030, 9, 30)))
    with django_capture_on_commit_callbacks(execute=True):
        hr = MemberFactory(roles=["member", "hr"])
    member = MemberFactory(org_unit=hr.org_unit)
    client = Client()
    client.force_login(hr.user)
    data = {"employee_no": member.employee_no, "name": member.name, "org_unit": member.org_unit_id,
            "user": member.user_id, "post": post("safety").pk, "is_active": "on", "email": "", "phone": "",
            "joined_on": "", "roles": list(member.roles.values_list("pk", flat=True))}
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/admin/snippets/org/member/edit/{member.pk}/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    assert live(plan) == {(member.pk, course.pk): D(2030, 9, 30)}


@pytest.mark.django_db
def test_annual_hours_of_a_post_rule_count_in_requirements(march_2030):
    plan_with(rule("党员学时", roles=["member"], hours=32),
              post_rule("安全岗位学时", posts=["safety"], roles=["member"], hours=48))
    safety = MemberFactory(post=post("safety"))
    other = MemberFactory(post=post("finance"))
    activist = MemberFactory(roles=["activist"], post=post("safety"))
    assert annual_requirement(safety, 2030) == Decimal(48)
    assert annual_requirement(other, 2030) == Decimal(32)
    assert annual_requirement(activist, 2030) is None
    # The bulk path (reports) reads the posts itself: the same answers, by a list and by a subquery.
    ids = [safety.pk, other.pk, activist.pk]
    assert requirements_for(ids, 2030) == {safety.pk: Decimal(48), other.pk: Decimal(32)}
    from lms.org.models import Member

    assert requirements_for(Member.objects.filter(pk__in=ids).values("pk"), 2030) == \
        {safety.pk: Decimal(48), other.pk: Decimal(32)}


@pytest.mark.django_db
def test_posts_are_part_of_the_plan_version_and_copied_to_next_year(march_2030):
    plan = plan_with(rule("党员学时", roles=["member"], hours=32))
    before = plan.version
    assert "posts" not in snapshot(plan)["rules"][0]  # versions from before posts existed still compare equal
    plan.rules = [post_rule("党员学时", roles=["member"], posts=["safety", "finance"], hours=32)]
    plan.save()
    plan.refresh_from_db()
    assert plan.version == before + 1
    latest = PlanVersion.objects.get(plan=plan, version=plan.version)
    assert latest.rules["rules"][0]["posts"] == ["finance", "safety"]
    following = copy_plan(plan, 2031)
    assert [p.code for p in following.rules.get().posts.order_by("code")] == ["finance", "safety"]


@pytest.mark.django_db
def test_plan_api_lists_rule_posts_by_code(march_2030):
    plan_with(post_rule("安全岗位", posts=["safety"], hours=10))
    with_hr = MemberFactory(roles=["member", "hr"])
    client = Client()
    client.force_login(with_hr.user)
    r = client.get("/api/v1/training-plans/?year=2030")
    assert r.status_code == 200
    body = r.json()
    results = body["results"] if isinstance(body, dict) else body
    assert results[0]["rules"][0]["posts"] == ["safety"]


@pytest.mark.django_db
def test_branch_page_shows_and_filters_by_post(march_2030, django_capture_on_commit_callbacks):
    unit = org_unit("公司党委/第一党支部")
    with django_capture_on_commit_callbacks(execute=True):
        secretary = MemberFactory(roles=["member", "branch_secretary"], org_unit=unit)
    MemberFactory(name="安全员", org_unit=unit, post=post("safety"))
    MemberFactory(name="会计", org_unit=unit, post=post("finance"))
    client = Client()
    client.force_login(secretary.user)
    html = client.get("/training/branch/").content.decode()
    assert "安全管理" in html and "财务" in html
    html = client.get("/training/branch/?post=safety").content.decode()
    assert "安全员" in html and "会计" not in html
    r = client.get("/training/branch/?post=nope")
    assert r.status_code == 200 and '<span class="error">' in r.content.decode()
    r = client.get("/training/branch/?post=safety&export=csv")
    text = r.content.decode("utf-8-sig")
    assert "安全员" in text and "会计" not in text and "安全管理" in text
