"""Points fixtures: an organization with two branches (the first with a party group), its people, and rules
made for each test (the seeded rules are switched off so a test sees only its own)."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from lms.points.models import PointRule
from tests.factories import MemberFactory, org_unit


def aware(*args) -> datetime.datetime:
    """A moment in the configured time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime(*args))


def make_rule(action="lesson", points=1, **kwargs) -> PointRule:
    kwargs.setdefault("name", f"{action} rule")
    return PointRule.objects.create(action=action, points=points, **kwargs)


@pytest.fixture
def no_seeded_rules(db):
    PointRule.objects.update(active=False)


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
    return {
        "hr": MemberFactory(org_unit=org["root"], roles=["member", "hr"]),
        "committee": MemberFactory(org_unit=org["root"], roles=["member", "committee_member"]),
        "sec1": MemberFactory(org_unit=org["branch1"], roles=["member", "branch_secretary"], name="书记一"),
        "m1": MemberFactory(org_unit=org["branch1"], roles=["member"], name="张三"),
        "g1": MemberFactory(org_unit=org["group1"], roles=["member"], name="李四"),
        "sec2": MemberFactory(org_unit=org["branch2"], roles=["member", "branch_secretary"], name="书记二"),
        "m2": MemberFactory(org_unit=org["branch2"], roles=["member"], name="王五"),
    }


def client_for(member, lang="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(member.user)
    return client
