"""An organization with two branches (the first with a party group), its secretaries, HR and members."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from lms.activities.models import Activity, ActivityKind
from lms.activities.services import schedule
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
    return {
        "hr": MemberFactory(org_unit=org["root"], roles=["member", "hr"]),
        "sec1": MemberFactory(org_unit=org["branch1"], roles=["member", "branch_secretary"]),
        "committee1": MemberFactory(org_unit=org["branch1"], roles=["member", "committee_member"]),
        "m1": MemberFactory(org_unit=org["branch1"], roles=["member"]),
        "g1": MemberFactory(org_unit=org["group1"], roles=["member"]),
        "sec2": MemberFactory(org_unit=org["branch2"], roles=["member", "branch_secretary"]),
        "m2": MemberFactory(org_unit=org["branch2"], roles=["member"]),
    }


def kind(code: str) -> ActivityKind:
    return ActivityKind.objects.get(code=code)


def aware(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def lecture(org, people):
    """A 党课 of the first branch, 2026-05-20 14:00–16:00."""
    return schedule(user=people["sec1"].user, kind=kind("party_lecture"), unit=org["branch1"], title="五月专题党课",
                    starts_at=aware(2026, 5, 20, 14), ends_at=aware(2026, 5, 20, 16), place="三楼会议室",
                    agenda="学习党章", lecturer="张书记")


def client_for(member, lang="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(member.user)
    return client


__all__ = ["Activity", "aware", "client_for", "kind"]
