"""Stored recommendations from the real database: candidates, reasons, cold start, serving filters."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import translation
from wagtail.models import PageViewRestriction

from lms.org.services import HR
from lms.recommend import services
from lms.recommend.compute import recompute
from lms.recommend.models import ItemNeighbour, Recommendation, RecomputeRun
from tests.factories import MemberFactory, make_course, make_lesson, role

from .conftest import complete, course_with_lesson

pytestmark = pytest.mark.django_db


def shown(member):
    with translation.override("zh-hans"):
        return services.recommendations_for(member)


def titles(items):
    return [r.title for r in items]


def by_title(items, title):
    return next(r for r in items if r.title == title)


def test_full_run_stores_every_active_members_lists_and_neighbourhoods(world):
    run = recompute()
    assert run.status == RecomputeRun.Status.DONE and run.kind == RecomputeRun.Kind.FULL
    assert run.members == 14 and run.recommendations == Recommendation.objects.count() > 0
    assert ItemNeighbour.objects.filter(signal="cf", source_course=world.C, course=world.D, co_count=4).exists()
    assert ItemNeighbour.objects.filter(signal="content", source_course=world.A, course=world.B).exists()


def test_reasons_match_their_signal(world):
    recompute()
    recs = shown(world.me)
    assert titles(recs["required"]) == ["党章党规学习"]
    assert recs["required"][0].reason_code == "required" and recs["required"][0].reason == "你的必修课程"
    d = by_title(recs["for_you"], "红色革命历史专题")  # completed with C by four members
    assert d.reason_code == "completed_with" and d.reason == "因为你学完了《党史学习教育》"
    b = by_title(recs["for_you"], "八项规定精神解读")  # nobody completed it; its text is close to A
    assert b.reason_code == "similar_content" and b.reason == "与《廉洁从业警示教育》内容相近"
    e = by_title(recs["for_you"], "安全生产专题培训")  # the branch's members did it, unrelated to my history
    assert e.reason_code == "peers" and e.reason == "同支部党员常学"
    with translation.override("en"):
        english = services.recommendations_for(world.me)
    assert by_title(english["for_you"], "红色革命历史专题").reason == "Because you completed “党史学习教育”"
    assert by_title(english["for_you"], "安全生产专题培训").reason == "Popular with Party member peers in your branch"


def test_never_completed_unpublished_invisible_or_not_meant_for_the_member(world, ready_talk):
    hidden_talk = ready_talk("第二支部内部视频", visibility="subtree", org_unit=world.b2)
    draft_talk = ready_talk("转写中的视频", status="transcribing")
    withdrawn = course_with_lesson("已下线课程")
    hr_only = course_with_lesson("人事内部课程")
    PageViewRestriction.objects.create(page=hr_only, restriction_type=PageViewRestriction.GROUPS).groups.add(
        Group.objects.get_or_create(name=HR)[0])
    from lms.recommend.models import TalkCompletion

    for m in [*world.fans, *world.others, *world.b2_members]:
        complete(m, withdrawn)
        complete(m, hr_only)
        TalkCompletion.objects.create(member=m, talk=hidden_talk)
        TalkCompletion.objects.create(member=m, talk=draft_talk)
    withdrawn.unpublish()
    recompute()
    mine = {(r.course_id, r.talk_id) for r in Recommendation.objects.filter(member=world.me)}
    assert (world.C.pk, None) not in mine and (world.A.pk, None) not in mine  # completed
    assert (withdrawn.pk, None) not in mine and (None, draft_talk.pk) not in mine  # unpublished / not ready
    assert (None, hidden_talk.pk) not in mine and (hr_only.pk, None) not in mine  # invisible to me
    assert (world.S.pk, None) not in mine  # meant for branch secretaries
    # A member of branch 2 may see the subtree talk: it is recommended there (the filter is per member).
    b2_new = MemberFactory(org_unit=world.b2)
    recompute([b2_new.pk])
    assert Recommendation.objects.filter(member=b2_new, talk=hidden_talk).exists()
    # Secretaries get their role-required course in the required section.
    secretary = MemberFactory(org_unit=world.b1, roles=["member", "branch_secretary"])
    recompute([secretary.pk])
    assert titles(shown(secretary)["required"]) == ["党章党规学习", "支部书记履职能力培训"]


def test_serving_rechecks_items_changed_since_the_last_run(world, ready_talk):
    talk = ready_talk("党史专题视频")
    for m in world.fans:
        from lms.recommend.models import TalkCompletion

        TalkCompletion.objects.create(member=m, talk=talk)
    recompute()
    before = titles(shown(world.me)["for_you"])
    assert {"红色革命历史专题", "党史专题视频", "安全生产专题培训"} <= set(before)
    world.D.unpublish()  # unpublished after the run
    talk.visibility, talk.org_unit = "subtree", world.b2  # now invisible to me
    talk.save()
    complete(world.me, world.E)  # completed after the run (no recompute yet)
    after = titles(shown(world.me)["for_you"])
    assert "红色革命历史专题" not in after and "党史专题视频" not in after and "安全生产专题培训" not in after
    assert after == [t for t in before if t in after]  # the rest keeps its order


def test_cold_start_member_gets_what_the_same_role_and_branch_completed_most(world):
    newcomer = MemberFactory(org_unit=world.b1)
    b2_newcomer = MemberFactory(org_unit=world.b2)
    activist = world.activist
    recompute()
    recs = shown(newcomer)["for_you"]
    assert recs[0].title == "红色革命历史专题"  # 7 of the branch's party members completed it
    assert titles(recs[:3]) == ["红色革命历史专题", "安全生产专题培训", "党史学习教育"]
    assert {r.reason for r in recs} == {"同支部党员常学"}
    # Branch 2 has no party member with history: the organization's party members stand in.
    assert {r.reason for r in shown(b2_newcomer)["for_you"]} == {"全单位党员常学"}
    # Nobody of the activist role has history anywhere: organization-wide popularity.
    assert {r.reason for r in shown(activist)["for_you"]} == {"大家都在学"}


def test_assignments_come_first_by_due_date(world):
    from lms.training.models import Assignment

    today = datetime.date.today()
    for course, days in ((world.F, 30), (world.E, 10)):
        Assignment.objects.create(member=world.me, course=course, source="manual", year=today.year,
                                  due_on=today + datetime.timedelta(days=days),
                                  original_due_on=today + datetime.timedelta(days=days))
    recompute()
    recs = shown(world.me)
    assert titles(recs["required"]) == ["安全生产专题培训", "党史故事会", "党章党规学习"]
    due = (today + datetime.timedelta(days=10)).isoformat()
    assert recs["required"][0].reason == f"你的必修课程，{due} 前完成"
    assert "安全生产专题培训" not in titles(recs["for_you"])  # not repeated in "for you"


def test_in_progress_courses_are_not_recommended_again(world):
    from lms.progress import services as progress

    progress.enroll(world.me, world.D)
    recompute()
    assert "红色革命历史专题" not in titles(shown(world.me)["for_you"])


def test_talks_completed_through_a_video_lesson_count_as_completed(world, ready_talk):
    talk = ready_talk("党史微视频", duration=60)
    course = make_course("党史视频课")
    make_lesson(course, rule="video", video=talk)
    for m in world.fans:
        complete(m, course)
    recompute([world.me.pk])
    assert Recommendation.objects.filter(member=world.me, talk=talk).exists()
    complete(world.me, course)  # the lesson's video is the talk
    recompute([world.me.pk])
    assert not Recommendation.objects.filter(member=world.me, talk=talk).exists()


def test_incremental_run_only_touches_the_given_members(world):
    recompute()
    other_before = list(Recommendation.objects.filter(member=world.fans[0]).values_list("pk", flat=True))
    run = recompute([world.me.pk])
    assert run.kind == RecomputeRun.Kind.INCREMENTAL and run.members == 1
    assert list(Recommendation.objects.filter(member=world.fans[0]).values_list("pk", flat=True)) == other_before


def test_inactive_members_get_nothing_but_their_history_still_counts(world):
    for m in world.fans:
        m.is_active = False
        m.save()
    run = recompute()
    assert run.members == 10
    assert not Recommendation.objects.filter(member__in=world.fans).exists()
    d = by_title(shown(world.me)["for_you"], "红色革命历史专题")
    assert d.reason_code == "completed_with"


def test_a_role_without_history_is_fine_and_an_empty_catalog_stores_nothing(db):
    member = MemberFactory(roles=["hr"])
    run = recompute()
    assert run.status == "done" and run.members == 1 and run.recommendations == 0
    assert shown(member) == {"required": [], "for_you": [], "computed_at": None}
    course = course_with_lesson("唯一课程")
    recompute()
    assert [r.reason_code for r in shown(member)["for_you"]] == ["popular"] or shown(member)["for_you"] == []
    assert course.pk


def test_role_name_in_reason_follows_the_member_role(world):
    recompute()
    rec = Recommendation.objects.filter(member=world.me, reason="peers").first()
    assert rec.reason_role == role("member")
