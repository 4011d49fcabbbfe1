"""The year's plan: one slot per required occurrence, by kind and period, for branches and party groups."""

import datetime

import pytest
from django.utils import timezone

from lms.activities.models import KindYearRule, PlanSlot
from lms.activities.plans import SlotState, generate_plans, slot_state
from lms.activities.services import mark_held, schedule

from .conftest import aware, kind


def slots_of(unit, code=None):
    qs = PlanSlot.objects.filter(unit=unit, year=2026)
    if code:
        qs = qs.filter(kind__code=code)
    return list(qs.order_by("window_start", "seq").values_list("window_start", "window_end"))


def test_a_branch_gets_every_required_occurrence_and_a_group_its_meetings(org):
    created = generate_plans(2026)
    b1 = org["branch1"]
    assert len(slots_of(b1, "branch_assembly")) == 4 and len(slots_of(b1, "party_lecture")) == 4
    assert len(slots_of(b1, "branch_committee")) == 12 and len(slots_of(b1, "theme_day")) == 12
    assert len(slots_of(b1, "org_life_meeting")) == 1 and len(slots_of(b1, "member_review")) == 1
    assert slots_of(b1, "group_meeting") == [] and slots_of(b1, "central_training") == []
    assert slots_of(b1, "party_lecture")[1] == (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    assert slots_of(b1, "branch_committee")[1] == (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    group = slots_of(org["group1"])
    assert len(group) == 12 and group[11] == (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
    assert slots_of(org["root"]) == []
    per_branch = 4 + 12 + 4 + 12 + 1 + 1
    assert created == 2 * per_branch + 12
    assert generate_plans(2026) == 0  # idempotent


def test_the_committee_changes_a_year_without_touching_others(org):
    KindYearRule.objects.create(kind=kind("party_lecture"), year=2026, hours=3, period="quarterly", min_count=2)
    generate_plans(2026, [org["branch2"]])
    generate_plans(2027, [org["branch2"]])
    assert len(slots_of(org["branch2"], "party_lecture")) == 8
    assert PlanSlot.objects.filter(unit=org["branch2"], year=2027, kind__code="party_lecture").count() == 4


def test_a_branch_created_mid_year_gets_only_the_windows_still_open(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), time_travel(datetime.date(2026, 8, 15)):
        from lms.org.models import OrgUnit

        new = org["root"].add_child(name="第三党支部", kind=OrgUnit.Kind.BRANCH)
    lectures = slots_of(new, "party_lecture")
    assert lectures == [(datetime.date(2026, 8, 15), datetime.date(2026, 9, 30)),
                        (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))]
    assert len(slots_of(new, "theme_day")) == 5  # August (from the 15th) to December
    assert len(slots_of(new, "org_life_meeting")) == 1


def test_slot_states_follow_scheduling_holding_and_time(org, people):
    generate_plans(2026, [org["branch1"]])
    today = datetime.date(2026, 5, 10)
    q2 = PlanSlot.objects.get(unit=org["branch1"], kind__code="party_lecture", seq=2)
    q1 = PlanSlot.objects.get(unit=org["branch1"], kind__code="party_lecture", seq=1)
    assert slot_state(q2, today) == SlotState.UPCOMING and slot_state(q1, today) == SlotState.OVERDUE
    activity = schedule(user=people["sec1"].user, kind=kind("party_lecture"), unit=org["branch1"], title="党课",
                        starts_at=aware(2026, 5, 20, 14), ends_at=aware(2026, 5, 20, 16))
    q2.refresh_from_db()
    assert q2.activity == activity and slot_state(q2, today) == SlotState.SCHEDULED
    mark_held(activity, now=aware(2026, 5, 20, 15))
    q2.refresh_from_db()
    assert slot_state(q2, datetime.date(2026, 7, 1)) == SlotState.HELD


class time_travel:
    """Freeze today's date for code that asks timezone.localdate()."""

    def __init__(self, day):
        import time_machine

        self.traveller = time_machine.travel(timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))),
                                             tick=False)

    def __enter__(self):
        self.traveller.start()

    def __exit__(self, *exc):
        self.traveller.stop()


@pytest.fixture(autouse=True)
def eager_tasks(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
