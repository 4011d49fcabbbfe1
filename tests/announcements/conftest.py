"""An organization with two branches (the first with a party group), secretaries, committee members, HR, members
with posts, and helpers to publish and travel in time."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from lms.announcements import services
from lms.org.models import Post
from tests.factories import MemberFactory, org_unit


@pytest.fixture
def org(db):
    """公司党委 ─┬─ 第一党支部 ── 第一党小组
                 └─ 第二党支部"""
    return {
        "root": org_unit("公司党委"),
        "branch1": org_unit("公司党委/第一党支部"),
        "group1": org_unit("公司党委/第一党支部/第一党小组"),
        "branch2": org_unit("公司党委/第二党支部"),
    }


@pytest.fixture
def people(org):
    safety = Post.objects.get(code="safety")
    return {
        "hr": MemberFactory(org_unit=org["root"], roles=["member", "hr"], name="人事"),
        "party_committee": MemberFactory(org_unit=org["root"], roles=["member", "committee_member"], name="党委委员"),
        "sec1": MemberFactory(org_unit=org["branch1"], roles=["member", "branch_secretary"], name="书记一"),
        "committee1": MemberFactory(org_unit=org["branch1"], roles=["member", "committee_member"], name="支委一"),
        "m1": MemberFactory(org_unit=org["branch1"], roles=["member"], name="党员一", post=safety),
        "g1": MemberFactory(org_unit=org["group1"], roles=["member"], name="组员一"),
        "a1": MemberFactory(org_unit=org["group1"], roles=["activist"], name="积极分子一"),
        "sec2": MemberFactory(org_unit=org["branch2"], roles=["member", "branch_secretary"], name="书记二"),
        "m2": MemberFactory(org_unit=org["branch2"], roles=["member"], name="党员二", post=safety),
        "gone": MemberFactory(org_unit=org["branch2"], roles=["member"], name="离开", is_active=False),
    }


def aware(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


PUBLISHED = aware(2026, 5, 1, 9)
DEADLINE = aware(2026, 5, 10, 18)


def publish(user, unit, *, title="学习通知", body="请认真学习。", now=PUBLISHED, **kwargs):
    return services.publish(user=user, title=title, body=body, target_unit=unit, now=now, **kwargs)


@pytest.fixture
def committee_notice(org, people):
    """HR publishes to everyone on 1 May, to be confirmed by 10 May 18:00."""
    return publish(people["hr"].user, org["root"], title="年度学习安排", requires_confirmation=True,
                   confirm_by=DEADLINE)


def client_for(member, lang="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(member.user)
    return client


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield
