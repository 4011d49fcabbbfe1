"""Point rules and caps: once per source event, daily and yearly caps on the day of the configured time zone,
score bands, study minutes, validity, rule windows."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from lms.points import selectors, services
from lms.points.models import LedgerImmutable, PointEntry, PointTotal, StudyDay
from tests.factories import MemberFactory

from .conftest import aware, make_rule

pytestmark = pytest.mark.usefixtures("no_seeded_rules")


def points_of(member, **filters) -> list[int]:
    return list(PointEntry.objects.filter(member=member, **filters).order_by("id").values_list("points", flat=True))


def test_lesson_credited_once_per_source(db):
    member = MemberFactory()
    make_rule("lesson", 1)
    first = services.credit(member.pk, "lesson", "lesson:1", title="第一课", when=aware(2026, 5, 20, 9))
    again = services.credit(member.pk, "lesson", "lesson:1", title="第一课", when=aware(2026, 5, 21, 9))
    assert [created for _e, created in first] == [True]
    assert [created for _e, created in again] == [False]
    assert points_of(member) == [1]
    assert PointTotal.objects.get(member=member, year=2026, month=0).points == 1
    assert PointTotal.objects.get(member=member, year=2026, month=5).points == 1


def test_daily_cap_cuts_the_credit_and_spends_the_event(db):
    member = MemberFactory()
    make_rule("lesson", 2, daily_cap=3)
    for n in range(3):
        services.credit(member.pk, "lesson", f"lesson:{n}", when=aware(2026, 5, 20, 10 + n))
    # 2, then 1 (cut at the cap), then 0: the event is recorded and will not earn on another day.
    assert points_of(member) == [2, 1, 0]
    assert [e.capped for e in PointEntry.objects.filter(member=member).order_by("id")] == [False, True, True]
    services.credit(member.pk, "lesson", "lesson:2", when=aware(2026, 5, 21, 10))
    assert points_of(member) == [2, 1, 0]
    summary = selectors.member_summary(member, datetime.date(2026, 5, 20), with_ranks=False)
    assert summary.today_points == 3 and summary.left_today == 0


def test_day_boundary_in_the_configured_time_zone(db, settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    member = MemberFactory()
    make_rule("lesson", 1, daily_cap=1)
    utc = datetime.UTC
    # 15:59 UTC is 23:59 in Shanghai on the 20th; 16:01 UTC is already 00:01 on the 21st.
    services.credit(member.pk, "lesson", "lesson:1", when=datetime.datetime(2026, 5, 20, 15, 59, tzinfo=utc))
    services.credit(member.pk, "lesson", "lesson:2", when=datetime.datetime(2026, 5, 20, 15, 59, 59, tzinfo=utc))
    services.credit(member.pk, "lesson", "lesson:3", when=datetime.datetime(2026, 5, 20, 16, 1, tzinfo=utc))
    rows = list(PointEntry.objects.filter(member=member).order_by("id").values_list("date", "points"))
    assert rows == [(datetime.date(2026, 5, 20), 1), (datetime.date(2026, 5, 20), 0),
                    (datetime.date(2026, 5, 21), 1)]
    # The month boundary too: 31 May 16:30 UTC is 1 June in Shanghai.
    services.credit(member.pk, "lesson", "lesson:4", when=datetime.datetime(2026, 5, 31, 16, 30, tzinfo=utc))
    assert PointEntry.objects.get(source_key="lesson:4").month == 6
    assert PointTotal.objects.get(member=member, year=2026, month=6).points == 1


def test_year_boundary_and_yearly_cap(db):
    member = MemberFactory()
    make_rule("course", 5, yearly_cap=12)
    for n, day in enumerate([(2026, 3, 1), (2026, 6, 1), (2026, 9, 1), (2026, 12, 31, 23, 30), (2027, 1, 1, 0, 5)]):
        services.credit(member.pk, "course", f"course:{n}", when=aware(*day))
    assert points_of(member) == [5, 5, 2, 0, 5]
    assert PointTotal.objects.get(member=member, year=2026, month=0).points == 12
    assert PointTotal.objects.get(member=member, year=2027, month=0).points == 5


def test_caps_are_per_rule_and_per_member(db):
    a, b = MemberFactory(), MemberFactory()
    make_rule("lesson", 1, daily_cap=1)
    make_rule("quiz", 2, daily_cap=2)
    when = aware(2026, 5, 20, 9)
    for member in (a, b):
        services.credit(member.pk, "lesson", "lesson:1", when=when)
        services.credit(member.pk, "quiz", "quiz:1", when=when)
    assert points_of(a) == [1, 2] and points_of(b) == [1, 2]


def test_two_rules_for_one_action_both_credit(db):
    member = MemberFactory()
    make_rule("lesson", 1, name="基础")
    make_rule("lesson", 2, name="专项加分")
    assert len(services.credit(member.pk, "lesson", "lesson:1", when=aware(2026, 5, 20, 9))) == 2
    assert sorted(points_of(member)) == [1, 2]


def test_exam_score_band_once_per_exam(db):
    member = MemberFactory()
    make_rule("exam", 5, min_percent=90, max_percent=100)
    make_rule("exam", 3, min_percent=80, max_percent=89)
    assert services.credit(member.pk, "exam", "exam:1", when=aware(2026, 5, 20, 9), percent=70) == []
    services.credit(member.pk, "exam", "exam:1", when=aware(2026, 5, 20, 10), percent=85)
    # A better attempt later does not add the higher band: the exam earned its band once.
    services.credit(member.pk, "exam", "exam:1", when=aware(2026, 5, 21, 10), percent=96)
    assert points_of(member) == [3]
    services.credit(member.pk, "exam", "exam:2", when=aware(2026, 5, 21, 10), percent=90)
    assert points_of(member) == [3, 5]


def test_daily_study_minutes_from_verified_time(db):
    member = MemberFactory()
    make_rule("study", 1, daily_cap=1, min_minutes=30)
    at = aware(2026, 5, 20, 20)
    # Two lessons' counted seconds add up on the day; the same total seen twice adds nothing.
    services.record_study(101, member.pk, 20 * 60, at)
    services.record_study(101, member.pk, 20 * 60, at)
    assert points_of(member) == []
    services.record_study(102, member.pk, 10 * 60, at)
    assert points_of(member) == [1]
    assert StudyDay.objects.get(member=member).seconds == 30 * 60
    # The next day starts from zero: 5 more minutes on lesson 101 go to the 21st.
    services.record_study(101, member.pk, 25 * 60, aware(2026, 5, 21, 0, 10))
    assert StudyDay.objects.get(member=member, date=datetime.date(2026, 5, 21)).seconds == 5 * 60
    assert points_of(member) == [1]


def test_validity_period_and_balance(db):
    member = MemberFactory()
    make_rule("lesson", 1, valid_days=30)
    services.credit(member.pk, "lesson", "lesson:1", when=aware(2026, 1, 10, 9))
    services.credit(member.pk, "lesson", "lesson:2", when=aware(2026, 2, 20, 9))
    entry = PointEntry.objects.get(source_key="lesson:1")
    assert entry.expires_on == datetime.date(2026, 2, 9)
    summary = selectors.member_summary(member, datetime.date(2026, 2, 25), with_ranks=False)
    assert summary.balance == 1 and summary.year_points == 2


def test_inactive_rule_and_rule_window(db):
    member = MemberFactory()
    make_rule("lesson", 1, active=False)
    make_rule("course", 5, starts_on=datetime.date(2026, 6, 1), ends_on=datetime.date(2026, 6, 30))
    assert services.credit(member.pk, "lesson", "lesson:1", when=aware(2026, 6, 10, 9)) == []
    assert services.credit(member.pk, "course", "course:1", when=aware(2026, 5, 31, 9)) == []
    assert len(services.credit(member.pk, "course", "course:2", when=aware(2026, 6, 30, 23))) == 1


def test_rule_validation():
    from lms.points.models import PointRule

    with pytest.raises(ValidationError) as exc:
        PointRule(name="x", action="exam", points=1, min_percent=95, max_percent=90).clean()
    assert "max_percent" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        PointRule(name="x", action="study", points=1, min_minutes=0).clean()
    assert "min_minutes" in exc.value.message_dict


def test_entries_are_immutable(db):
    member = MemberFactory()
    make_rule("lesson", 1)
    (entry, _created), = services.credit(member.pk, "lesson", "lesson:1", when=aware(2026, 5, 20, 9))
    with pytest.raises(LedgerImmutable):
        entry.save()
    with pytest.raises(LedgerImmutable):
        PointEntry.objects.filter(pk=entry.pk).update(points=100)
    with pytest.raises(LedgerImmutable):
        entry.delete()


def test_rebuild_totals_matches_ledger(db):
    member = MemberFactory()
    make_rule("lesson", 2)
    services.credit(member.pk, "lesson", "lesson:1", when=aware(2026, 5, 20, 9))
    services.credit(member.pk, "lesson", "lesson:2", when=aware(2026, 7, 2, 9))
    services.reverse_source(member.pk, "lesson", "lesson:1", reason="更正")
    before = set(PointTotal.objects.values_list("member_id", "year", "month", "points"))
    services.rebuild_totals()
    assert set(PointTotal.objects.values_list("member_id", "year", "month", "points")) == before
    assert (member.pk, 2026, 0, 2) in before
