"""Organizational life: attendance recorded (sign-in or the secretary's marking) is stated as ``attended``; a
correction to absent voids it, and marking present again states a new attendance."""

import datetime

import pytest
from django.utils import timezone

from lms.activities import services as activities
from lms.activities.attendance import mark
from lms.activities.models import ActivityKind
from lms.xapi.models import Statement
from tests.factories import MemberFactory, org_unit

from .emitting import account, activity_iri, stored

pytestmark = pytest.mark.django_db


def aware(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def lecture(db):
    unit = org_unit("公司党委/第一党支部")
    secretary = MemberFactory(org_unit=unit, roles=["member", "branch_secretary"])
    meeting = activities.schedule(user=secretary.user, kind=ActivityKind.objects.get(code="party_lecture"),
                                  unit=unit, title="五月专题党课", starts_at=aware(2026, 5, 20, 14),
                                  ends_at=aware(2026, 5, 20, 16), place="三楼会议室", agenda="学习党章",
                                  lecturer="张书记")
    return meeting, secretary, MemberFactory(org_unit=unit, roles=["member"])


def test_attended_then_corrected_then_attended_again(lecture, django_capture_on_commit_callbacks):
    meeting, secretary, member = lecture
    with django_capture_on_commit_callbacks(execute=True):
        mark(meeting, member, "present", by=secretary.user)
    [attended] = [s for s in stored("attended") if s["actor"].get("account") == account(member)]
    assert attended["object"]["id"] == activity_iri("meeting", meeting.pk)
    assert attended["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/meeting"
    assert attended["object"]["definition"]["name"] == {"zh-Hans": "五月专题党课"}
    assert attended["timestamp"].startswith("2026-05-20T06:00:00")  # 14:00 in Shanghai

    with django_capture_on_commit_callbacks(execute=True):
        mark(meeting, member, "present", by=secretary.user)  # saved again, unchanged: nothing new
    assert len(stored("attended")) == 1

    with django_capture_on_commit_callbacks(execute=True):
        mark(meeting, member, "absent", by=secretary.user)
    [voiding] = stored("voided")
    assert voiding["object"] == {"objectType": "StatementRef", "id": attended["id"]}
    assert Statement.objects.get(statement_id=attended["id"]).voided

    with django_capture_on_commit_callbacks(execute=True):
        mark(meeting, member, "late", by=secretary.user)
    again = stored("attended")
    assert len(again) == 2 and again[1]["id"] != attended["id"]
    assert not Statement.objects.get(statement_id=again[1]["id"]).voided
