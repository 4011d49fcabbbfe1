"""The demo step: credits what the other demos did, adds study days, hides one name; a second run adds nothing."""

import pytest

from lms.points import demo
from lms.points.models import PointEntry
from lms.progress import services as progress
from tests.factories import MemberFactory, make_course, make_lesson

from .conftest import make_rule


@pytest.mark.usefixtures("no_seeded_rules")
def test_seed_is_idempotent(org):
    make_rule("lesson", 1)
    make_rule("study", 1, min_minutes=30, daily_cap=1)
    member = MemberFactory(employee_no="D1003", org_unit=org["branch1"])
    lesson = make_lesson(make_course(), credit_minutes=20)
    progress.complete_lesson(member, lesson)  # no on-commit handlers here: the demo replays the ledger
    first = demo.seed()
    assert first["credited"] > 1
    assert PointEntry.objects.filter(member=member, action="lesson").count() == 1
    assert member.point_account.hide_name
    assert demo.seed()["credited"] == 0
