"""Reminders before the deadline and escalation to the secretaries after it, exactly once each, with time travel."""

import datetime

import pytest

from lms.announcements import reminders, services
from lms.announcements.models import Recipient
from lms.notifications.models import Notification

from .conftest import DEADLINE, aware, publish

pytestmark = pytest.mark.django_db


def notices(member, kind):
    return list(Notification.objects.filter(recipient=member.user, kind=kind).order_by("pk")
                .values_list("title", "body"))


def confirm(announcement, member, now):
    receipt = Recipient.objects.select_related("announcement").get(announcement=announcement, member=member)
    return services.confirm(receipt, now=now)


def test_unconfirmed_members_are_reminded_once_a_day_before_the_deadline(committee_notice, people):
    confirm(committee_notice, people["m1"], aware(2026, 5, 3, 9))
    assert reminders.run(now=aware(2026, 5, 9, 17))["reminded"] == 0  # 25 hours before: not yet
    assert reminders.run(now=aware(2026, 5, 9, 18, 10))["reminded"] == 8  # the nine recipients but m1
    assert reminders.run(now=aware(2026, 5, 9, 18, 25))["reminded"] == 0
    assert reminders.run(now=aware(2026, 5, 10, 17))["reminded"] == 0
    assert notices(people["g1"], "announcements.reminder") == [
        ("Please confirm: 年度学习安排",
         "You have not yet confirmed that you read this announcement; the deadline is 2026-05-10 18:00.")]
    assert notices(people["m1"], "announcements.reminder") == []
    stamped = Recipient.objects.filter(announcement=committee_notice, reminded_at__isnull=False)
    assert stamped.count() == 8 and {r.reminded_at for r in stamped} == {aware(2026, 5, 9, 18, 10)}


def test_the_reminder_lead_is_a_setting(committee_notice, settings):
    settings.ANNOUNCEMENTS_REMIND_BEFORE_HOURS = 48
    assert reminders.run(now=aware(2026, 5, 8, 18, 10))["reminded"] == 9


def test_published_inside_the_window_the_publication_was_the_reminder(org, people):
    late = publish(people["sec1"].user, org["branch1"], requires_confirmation=True,
                   confirm_by=aware(2026, 5, 1, 20), now=aware(2026, 5, 1, 9))
    assert reminders.run(now=aware(2026, 5, 1, 9, 15))["reminded"] == 0
    assert not Recipient.objects.filter(announcement=late, reminded_at__isnull=False).exists()


def test_after_the_deadline_each_secretary_is_told_once_with_the_names(committee_notice, people):
    for who in ("m1", "hr", "party_committee", "committee1", "sec2"):
        confirm(committee_notice, people[who], aware(2026, 5, 4, 9))
    assert reminders.run(now=aware(2026, 5, 10, 17, 59))["escalated"] == 0
    # After the deadline: 书记一 for 组员一, 积极分子一 (and the secretary himself, unconfirmed, goes to the
    # publisher); 第二党支部's 党员二 goes to 书记二.
    first = reminders.run(now=aware(2026, 5, 10, 18, 5))
    again = reminders.run(now=aware(2026, 5, 10, 18, 20))
    assert first["escalated"] == 3 and again["escalated"] == 0
    (title, body), = notices(people["sec1"], "announcements.escalation")
    assert title == "2 members have not confirmed: 年度学习安排"
    assert "组员一" in body and "积极分子一" in body and "党员二" not in body and "2026-05-10 18:00" in body
    (title2, body2), = notices(people["sec2"], "announcements.escalation")
    assert title2 == "1 member has not confirmed: 年度学习安排" and body2.endswith("党员二")
    (title3, body3), = notices(people["hr"], "announcements.escalation")  # the publisher, for the secretary
    assert body3.endswith("书记一")
    note = Notification.objects.get(recipient=people["sec1"].user, kind="announcements.escalation")
    assert note.key == f"announcement:{committee_notice.pk}:escalation"
    assert note.url == f"/announcements/{committee_notice.pk}/stats/"
    assert Recipient.objects.filter(announcement=committee_notice, escalated_at__isnull=False).count() == 4
    # A late confirmation is still taken, and escalates nothing more.
    confirm(committee_notice, people["g1"], aware(2026, 5, 11, 9))
    assert reminders.run(now=aware(2026, 5, 12, 9)) == {"reminded": 0, "escalated": 0}


def test_a_claimed_stamp_is_never_sent_twice(committee_notice, people):
    """Two workers: whoever stamps a row first sends it; the other finds nothing left to claim."""
    rows = reminders._claim(committee_notice, "reminded_at", aware(2026, 5, 9, 18, 1))
    assert len(rows) == 9
    assert reminders._claim(committee_notice, "reminded_at", aware(2026, 5, 9, 18, 2)) == []


def test_withdrawn_or_unconfirmed_announcements_chase_nobody(org, people, committee_notice):
    plain = publish(people["sec2"].user, org["branch2"])
    services.withdraw(committee_notice, now=aware(2026, 5, 2, 9))
    assert reminders.run(now=aware(2026, 5, 9, 18, 30)) == {"reminded": 0, "escalated": 0}
    assert reminders.run(now=aware(2026, 5, 11, 9)) == {"reminded": 0, "escalated": 0}
    assert not Recipient.objects.filter(announcement=plain, reminded_at__isnull=False).exists()


def test_the_periodic_task_runs_by_name(committee_notice):
    from celery import current_app
    from django_celery_beat.models import PeriodicTask

    result = current_app.tasks["announcements.run_reminders"].delay(
        (DEADLINE - datetime.timedelta(hours=1)).isoformat())
    assert result.get() == {"reminded": 9, "escalated": 0}
    task = PeriodicTask.objects.get(task="announcements.run_reminders")
    assert task.interval.every == 15 and task.queue == "default" and task.enabled
