import datetime
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from content_library.models import Category
from lms.org.importer import import_members
from lms.org.models import Member, MemberRole
from lms.progress import services as progress
from lms.records import ledger
from lms.records.requirements import annual_requirement
from lms.training import tasks
from lms.training.engine import evaluate
from lms.training.models import Assignment, PlanVersion, TrainingPlan
from lms.training.plans import INDUCTION_CATEGORY, get_plan
from tests.factories import MemberFactory, make_course, make_lesson, org_unit
from tests.training.factories import live, plan_with, rule

TZ = ZoneInfo("Asia/Shanghai")
D = datetime.date


@pytest.fixture
def march_2030():
    with time_machine.travel(datetime.datetime(2030, 3, 10, 10, 0, tzinfo=TZ), tick=False):
        yield


@pytest.mark.django_db
def test_default_plan_for_this_year_exists_after_migrate_with_programme_defaults():
    plan = TrainingPlan.objects.get(year=timezone.localdate().year)
    rules = {r.name: r for r in plan.rules.all()}
    assert len(rules) == 4
    assert sorted(r.code for r in rules["党员年度学习学时"].roles.all()) == ["member"]
    assert rules["党员年度学习学时"].annual_hours == Decimal(32)
    assert sorted(r.code for r in rules["支部书记、支委委员年度学习学时"].roles.all()) == \
        ["branch_secretary", "committee_member"]
    assert rules["支部书记、支委委员年度学习学时"].annual_hours == Decimal(56)
    assert rules["全员必修课程"].tier == "required_all" and not rules["全员必修课程"].roles.exists()
    induction = rules["入党积极分子入门培训"]
    assert [r.code for r in induction.roles.all()] == ["activist"]
    assert induction.due_mode == "after_role" and induction.due_days == 30 and induction.new_role_holders_only
    assert [c.name for c in induction.categories.all()] == [INDUCTION_CATEGORY]
    assert plan.version == 1 and PlanVersion.objects.filter(plan=plan).count() == 1


@pytest.mark.django_db
def test_default_hour_requirements_take_the_highest_applicable_rule(march_2030):
    unit = org_unit("公司党委/第一党支部")
    cases = {("member",): Decimal(32), ("branch_secretary",): Decimal(56), ("committee_member",): Decimal(56),
             ("member", "branch_secretary"): Decimal(56), ("activist",): None, (): None}
    for roles, expected in cases.items():
        member = MemberFactory(roles=list(roles), org_unit=unit)
        assert annual_requirement(member, 2030) == expected, roles
    # The 2030 plan was created on first use (a copy of the latest plan).
    assert TrainingPlan.objects.filter(year=2030).exists()


@pytest.mark.django_db
def test_rules_match_by_role_and_subtree_give_the_union_with_the_earliest_due_date(march_2030):
    first = org_unit("公司党委/第一党支部")
    first_group = org_unit("公司党委/第一党支部/一组")
    second = org_unit("公司党委/第二党支部")
    c1, c2, c3 = make_course("课一"), make_course("课二"), make_course("课三")
    plan = plan_with(
        rule("党员课程", roles=["member"], courses=[c1, c2], due=D(2030, 6, 30)),
        rule("一支部课程", unit=first, courses=[c2, c3], due=D(2030, 4, 30)),
        rule("书记学时", roles=["branch_secretary"], hours=56),
        rule("党员学时", roles=["member"], unit=first, hours=40),
    )
    in_group = MemberFactory(roles=["member"], org_unit=first_group)
    elsewhere = MemberFactory(roles=["member"], org_unit=second)
    activist_in_first = MemberFactory(roles=["activist"], org_unit=first)
    activist_elsewhere = MemberFactory(roles=["activist"], org_unit=second)
    secretary = MemberFactory(roles=["member", "branch_secretary"], org_unit=first)

    result = evaluate()

    assert live(plan) == {
        (in_group.pk, c1.pk): D(2030, 6, 30), (in_group.pk, c2.pk): D(2030, 4, 30),
        (in_group.pk, c3.pk): D(2030, 4, 30),
        (elsewhere.pk, c1.pk): D(2030, 6, 30), (elsewhere.pk, c2.pk): D(2030, 6, 30),
        (activist_in_first.pk, c2.pk): D(2030, 4, 30), (activist_in_first.pk, c3.pk): D(2030, 4, 30),
        (secretary.pk, c1.pk): D(2030, 6, 30), (secretary.pk, c2.pk): D(2030, 4, 30),
        (secretary.pk, c3.pk): D(2030, 4, 30),
    }
    assert result.created == 10 and result.withdrawn == 0
    shared = Assignment.objects.get(member=in_group, course=c2)
    assert shared.rule_name == "一支部课程" and shared.plan_version == plan.version and shared.year == 2030
    assert not Assignment.objects.filter(member=activist_elsewhere).exists()
    # Highest hours: 56 (secretary) beats 40 (member in the first branch) beats nothing.
    assert annual_requirement(secretary, 2030) == Decimal(56)
    assert annual_requirement(in_group, 2030) == Decimal(40)
    assert annual_requirement(elsewhere, 2030) is None


@pytest.mark.django_db
def test_tier_and_category_rules_follow_published_courses_and_new_activists(march_2030):
    required = make_course("必修一", tier="required_all")
    make_course("草稿必修", tier="required_all", live=False)
    make_course("选修", tier="elective")
    induction = make_course("入党积极分子入门", categories=[Category.objects.get(name=INDUCTION_CATEGORY)])
    plan = get_plan(2030)  # defaults: required_all tier for everyone, induction for new activists
    new_activist = MemberFactory(roles=[])
    MemberRole.objects.create(member=new_activist, role_id=_role_id("activist"), gained_on=D(2030, 2, 20))
    old_activist = MemberFactory(roles=[])
    MemberRole.objects.create(member=old_activist, role_id=_role_id("activist"), gained_on=D(2029, 5, 1))
    party_member = MemberFactory(roles=["member"])

    evaluate()

    assert live(plan) == {
        (new_activist.pk, required.pk): D(2030, 11, 30),
        (new_activist.pk, induction.pk): D(2030, 3, 22),  # 30 days after gaining the role
        (old_activist.pk, required.pk): D(2030, 11, 30),
        (party_member.pk, required.pk): D(2030, 11, 30),
    }


def _role_id(code):
    from lms.org.models import Role

    return Role.objects.get(code=code).pk


@pytest.mark.django_db
def test_role_change_adds_and_withdraws_assignments_keeping_history_and_hours(
        march_2030, django_capture_on_commit_callbacks):
    course = make_course("书记培训", credit_hours="4")
    lesson = make_lesson(course, credit_minutes=30)
    make_lesson(course)
    plan = plan_with(rule("书记必修", roles=["branch_secretary"], courses=[course], due=D(2030, 9, 30)))
    member = MemberFactory(roles=["member"])
    assert not Assignment.objects.filter(member=member).exists()

    with django_capture_on_commit_callbacks(execute=True):
        member.set_roles({"member", "branch_secretary"})
    first = Assignment.objects.get(member=member, course=course)
    assert (first.status, first.source, first.due_on, first.rule_name) == ("active", "rule", D(2030, 9, 30), "书记必修")

    progress.complete_lesson(member, lesson)  # half-way: the lesson credits nothing, the course is not done
    ledger.credit(member, source="offline", reference="offline:1", title="线下培训", hours=3)
    hours_before = ledger.hours_for_year(member, 2030)
    assert hours_before == Decimal("3.50")

    with time_machine.travel(datetime.datetime(2030, 4, 2, 9, tzinfo=TZ), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            member.set_roles({"member"})
    first.refresh_from_db()
    assert first.status == "withdrawn"
    assert timezone.localdate(first.withdrawn_at) == D(2030, 4, 2) and first.withdrawn_reason
    assert ledger.hours_for_year(member, 2030) == hours_before

    with django_capture_on_commit_callbacks(execute=True):
        member.set_roles({"member", "branch_secretary"})
    rows = list(Assignment.objects.filter(member=member, course=course).order_by("pk")
                .values_list("status", "plan_version"))
    assert rows == [("withdrawn", plan.version), ("active", plan.version)]


@pytest.mark.django_db
def test_evaluation_is_idempotent(march_2030):
    make_course("必修", tier="required_all")
    c = make_course("党员课")
    plan_with(rule("全员", tier="required_all", due=D(2030, 11, 30)),
              rule("党员", roles=["member"], courses=[c], due=D(2030, 5, 1)))
    for i in range(30):
        MemberFactory(roles=["member"] if i % 2 else ["activist"],
                      org_unit=org_unit(f"公司党委/第{i % 3 + 1}党支部"))
    first = evaluate()
    snapshot = list(Assignment.objects.order_by("pk").values())
    second = evaluate()
    assert first.created == 45 and first.changed == 45
    assert second.changed == 0 and second.members == first.members
    assert list(Assignment.objects.order_by("pk").values()) == snapshot


@pytest.mark.django_db
def test_moving_org_unit_withdraws_and_re_adds_subtree_rules(march_2030, django_capture_on_commit_callbacks):
    first, second = org_unit("公司党委/第一党支部"), org_unit("公司党委/第二党支部")
    course = make_course("一支部专题")
    plan = plan_with(rule("一支部", unit=first, courses=[course], due=D(2030, 6, 1)))
    member = MemberFactory(org_unit=org_unit("公司党委/第一党支部/二组"))
    evaluate()
    assert live(plan) == {(member.pk, course.pk): D(2030, 6, 1)}
    with django_capture_on_commit_callbacks(execute=True):
        member.org_unit = second
        member.save()
    assert live(plan) == {}
    assert Assignment.objects.get(member=member).status == "withdrawn"


@pytest.mark.django_db
def test_inactive_member_has_active_assignments_withdrawn(march_2030, django_capture_on_commit_callbacks):
    course = make_course("课")
    plan = plan_with(rule("全员", courses=[course], due=D(2030, 6, 1)))
    member = MemberFactory()
    evaluate()
    with django_capture_on_commit_callbacks(execute=True):
        member.is_active = False
        member.save()
    assert live(plan) == {}


@pytest.mark.django_db
def test_changing_the_plan_mid_year_re_evaluates_and_keeps_versions(march_2030, django_capture_on_commit_callbacks):
    a, b = make_course("甲"), make_course("乙")
    with django_capture_on_commit_callbacks(execute=True):
        plan = plan_with(rule("党员", roles=["member"], courses=[a], due=D(2030, 6, 30)))
    v1 = plan.version
    member = MemberFactory()
    evaluate()
    assert live(plan) == {(member.pk, a.pk): D(2030, 6, 30)}

    with time_machine.travel(datetime.datetime(2030, 7, 1, 9, tzinfo=TZ), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            r = plan.rules.get()
            plan.rules = [rule("党员", roles=["member"], courses=[b], due=D(2030, 9, 30))]
            plan.save()
    plan.refresh_from_db()
    assert plan.version == v1 + 1
    versions = {v.version: v.rules for v in PlanVersion.objects.filter(plan=plan)}
    assert versions[v1]["rules"][0]["courses"] == [a.pk] and versions[v1 + 1]["rules"][0]["courses"] == [b.pk]
    assert live(plan) == {(member.pk, b.pk): D(2030, 9, 30)}
    old = Assignment.objects.get(member=member, course=a)
    new = Assignment.objects.get(member=member, course=b)
    assert (old.status, old.plan_version, old.rule_name) == ("withdrawn", v1, "党员")
    assert old.rule_id is None or old.rule_id == r.pk  # the rule row may be replaced; its name is kept
    assert (new.status, new.plan_version) == ("active", v1 + 1)
    # Saving the plan unchanged records no new version.
    count = PlanVersion.objects.filter(plan=plan).count()
    plan.save()
    assert PlanVersion.objects.filter(plan=plan).count() == count and plan.version == v1 + 1


@pytest.mark.django_db
def test_due_date_moves_with_the_rule_but_never_before_the_assignment_day(march_2030):
    course = make_course("课")
    plan = plan_with(rule("全员", courses=[course], due=D(2030, 1, 31)))  # already past on 10 March
    member = MemberFactory()
    evaluate()
    a = Assignment.objects.get(member=member)
    assert a.due_on == D(2030, 3, 10) and a.original_due_on == D(2030, 3, 10)
    r = plan.rules.get()
    r.due_date = D(2030, 8, 31)
    r.save()
    evaluate()
    a.refresh_from_db()
    assert a.due_on == D(2030, 8, 31) and a.original_due_on == D(2030, 3, 10) and a.status == "active"


@pytest.mark.django_db
def test_completing_the_course_completes_the_assignment(march_2030, django_capture_on_commit_callbacks):
    course = make_course("必修课", credit_hours="2")
    lesson = make_lesson(course)
    plan_with(rule("全员", courses=[course], due=D(2030, 6, 1)))
    member = MemberFactory()
    evaluate()
    with django_capture_on_commit_callbacks(execute=True):
        progress.complete_lesson(member, lesson)
    a = Assignment.objects.get(member=member)
    assert a.status == "completed" and timezone.localdate(a.completed_at) == D(2030, 3, 10)


@pytest.mark.django_db
def test_completion_earlier_in_the_plan_year_counts_but_not_last_year(march_2030):
    course = make_course("必修课")
    lesson = make_lesson(course)
    this_year, last_year = MemberFactory(), MemberFactory()
    progress.complete_lesson(this_year, lesson, now=datetime.datetime(2030, 1, 20, 9, tzinfo=TZ))
    progress.complete_lesson(last_year, lesson, now=datetime.datetime(2029, 12, 20, 9, tzinfo=TZ))
    plan_with(rule("全员", courses=[course], due=D(2030, 6, 1)))
    result = evaluate()
    assert result.completed_on_create == 1
    done = Assignment.objects.get(member=this_year)
    assert done.status == "completed" and timezone.localdate(done.completed_at) == D(2030, 1, 20)
    assert Assignment.objects.get(member=last_year).status == "active"


@pytest.mark.django_db
def test_member_import_is_evaluated_in_one_batch_after_commit(march_2030, django_capture_on_commit_callbacks):
    course = make_course("必修", tier="required_all")
    plan = get_plan(2030)
    rows = ["employee_no,name,org_unit_path,roles"] + [
        f"T{i:04d},导入{i},公司党委/第{i % 4 + 1}党支部,{'member' if i % 2 else 'activist'}" for i in range(40)]
    with mock.patch.object(tasks.evaluate_members, "delay", wraps=tasks.evaluate_members.delay) as spy:
        with django_capture_on_commit_callbacks(execute=True):
            report = import_members("\n".join(rows).encode(), "members.csv")
    assert report.ok and report.created == 40
    assert spy.call_count == 1 and len(spy.call_args.args[0]) == 40
    assert {m for m, _c in live(plan)} == set(Member.objects.filter(employee_no__startswith="T")
                                                  .values_list("pk", flat=True))
    assert all(c == course.pk for _m, c in live(plan))


@pytest.mark.django_db
def test_deactivating_the_plan_withdraws_its_open_assignments(march_2030, django_capture_on_commit_callbacks):
    course = make_course("课")
    plan = plan_with(rule("全员", courses=[course], due=D(2030, 6, 1)))
    MemberFactory()
    evaluate()
    with django_capture_on_commit_callbacks(execute=True):
        plan.is_active = False
        plan.save()
    assert live(plan) == {}
    assert Assignment.objects.filter(plan=plan, status="withdrawn").count() == 1
