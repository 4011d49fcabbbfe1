import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import override_settings

from lms.notifications.models import Notification, NotificationPreference
from lms.training.engine import evaluate
from lms.training.models import Assignment, AssignmentNotice
from lms.training.reminders import run_reminders
from tests.factories import MemberFactory, make_course, org_unit
from tests.training.factories import ensure_reference_data, plan_with, rule

TZ = ZoneInfo("Asia/Shanghai")
D = datetime.date


def at(day: datetime.date, hour: int = 8):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TZ), tick=False)


@pytest.fixture
def org(db):
    with at(D(2030, 3, 10)):
        first, second = org_unit("公司党委/第一党支部"), org_unit("公司党委/第二党支部")
        people = {
            "m1": MemberFactory(roles=["member"], org_unit=org_unit("公司党委/第一党支部/一组"),
                                email="m1@example.com"),
            "m2": MemberFactory(roles=["member"], org_unit=second, email="m2@example.com"),
            "s1": MemberFactory(roles=["branch_secretary"], org_unit=first, email="s1@example.com"),
            "s2": MemberFactory(roles=["branch_secretary"], org_unit=second, email="s2@example.com"),
            "hr": MemberFactory(roles=["hr"], org_unit=org_unit("公司党委"), email="hr@example.com"),
        }
        course = make_course("年度必修课")
        plan_with(rule("党员必修", roles=["member"], courses=[course], due=D(2030, 6, 30)))
        evaluate()
    people["course"] = course
    return people


def beat(day, capture, hour=8):
    """One beat of the daily task on ``day`` (e-mails go out after commit)."""
    with at(day, hour), capture(execute=True):
        return run_reminders()


def events(since_id=0):
    return sorted((n.recipient.member.employee_no, n.kind) for n in
                  Notification.objects.filter(pk__gt=since_id).select_related("recipient__member"))


@pytest.mark.django_db
def test_reminders_then_escalation_day_by_day_each_exactly_once_under_a_doubled_beat(
        org, django_capture_on_commit_callbacks):
    m1, m2, s1, s2, hr = (org[k] for k in ("m1", "m2", "s1", "s2", "hr"))
    NotificationPreference.objects.create(user=m2.user, email_enabled=False)
    seen = {}
    day = D(2030, 6, 20)
    while day <= D(2030, 7, 20):
        last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        beat(day, django_capture_on_commit_callbacks)
        beat(day, django_capture_on_commit_callbacks, hour=20)  # the beat ran twice that day
        new = events(last)
        if new:
            seen[day] = new
        day += datetime.timedelta(days=1)

    both = lambda kind: sorted([(m1.employee_no, kind), (m2.employee_no, kind)])  # noqa: E731
    assert seen == {
        D(2030, 6, 23): both("training.due_soon"),
        D(2030, 6, 29): both("training.due_soon"),
        D(2030, 6, 30): both("training.due_today"),
        D(2030, 7, 1): both("training.overdue"),
        D(2030, 7, 7): sorted([(s1.employee_no, "training.escalate_branch"),
                               (s2.employee_no, "training.escalate_branch")]),
        D(2030, 7, 14): [(hr.employee_no, "training.escalate_hr")],
    }
    # The secretary of the first branch hears only about their own member.
    s1_notice = Notification.objects.get(recipient=s1.user, kind="training.escalate_branch")
    assert m1.name in s1_notice.body and m2.name not in s1_notice.body and "7" in s1_notice.body
    hr_notice = Notification.objects.get(recipient=hr.user)
    assert m1.name in hr_notice.body and m2.name in hr_notice.body
    assert all(n.required for n in Notification.objects.all())
    # m2 turned e-mail off: in-app notices still arrive, e-mails do not.
    assert Notification.objects.filter(recipient=m2.user).count() == 4
    to = sorted(addr for msg in mail.outbox for addr in msg.to)
    assert to == sorted(["m1@example.com"] * 4 + ["s1@example.com", "s2@example.com", "hr@example.com"])
    assert Notification.objects.filter(recipient=m1.user, email_status="sent").count() == 4
    assert Notification.objects.filter(recipient=m2.user, email_status="skipped").count() == 4
    assert AssignmentNotice.objects.count() == 2 * 6


@pytest.mark.django_db
def test_notices_list_several_courses_in_one_message(org, django_capture_on_commit_callbacks):
    m1 = org["m1"]
    with at(D(2030, 3, 10)):
        extra = make_course("补充课程")
        plan_with(rule("党员必修", roles=["member"], courses=[org["course"], extra], due=D(2030, 6, 30)))
        evaluate()
    beat(D(2030, 6, 25), django_capture_on_commit_callbacks)
    notice = Notification.objects.get(recipient=m1.user)
    assert "年度必修课" in notice.body and "补充课程" in notice.body and "2030-06-30" in notice.body
    assert "5" in notice.title  # due in 5 days


@pytest.mark.django_db
def test_a_new_due_date_gets_its_own_reminders(org, django_capture_on_commit_callbacks):
    m1 = org["m1"]
    beat(D(2030, 6, 29), django_capture_on_commit_callbacks)
    assert Notification.objects.filter(recipient=m1.user, kind="training.due_soon").count() == 1
    a = Assignment.objects.get(member=m1)
    a.due_on = D(2030, 7, 31)
    a.save()
    beat(D(2030, 7, 30), django_capture_on_commit_callbacks)
    assert Notification.objects.filter(recipient=m1.user, kind="training.due_soon").count() == 2
    beat(D(2030, 7, 30), django_capture_on_commit_callbacks)
    assert Notification.objects.filter(recipient=m1.user, kind="training.due_soon").count() == 2


@pytest.mark.django_db
@override_settings(LMS_TRAINING_REMINDER_DAYS=[3], LMS_TRAINING_ESCALATE_BRANCH_DAYS=2,
                   LMS_TRAINING_ESCALATE_HR_DAYS=5)
def test_reminder_and_escalation_days_are_configurable(org, django_capture_on_commit_callbacks):
    s1, hr = org["s1"], org["hr"]
    beat(D(2030, 6, 26), django_capture_on_commit_callbacks)
    assert not Notification.objects.exists()
    beat(D(2030, 6, 27), django_capture_on_commit_callbacks)
    assert Notification.objects.filter(kind="training.due_soon").count() == 2
    beat(D(2030, 7, 2), django_capture_on_commit_callbacks)
    assert Notification.objects.filter(recipient=s1.user, kind="training.escalate_branch").exists()
    assert not Notification.objects.filter(recipient=hr.user).exists()
    beat(D(2030, 7, 5), django_capture_on_commit_callbacks)
    assert Notification.objects.filter(recipient=hr.user, kind="training.escalate_hr").exists()


@pytest.mark.django_db
def test_completed_or_withdrawn_assignments_are_not_reminded(org, django_capture_on_commit_callbacks):
    m1, m2 = org["m1"], org["m2"]
    Assignment.objects.filter(member=m1).update(status="completed")
    Assignment.objects.filter(member=m2).update(status="withdrawn")
    for day in (D(2030, 6, 23), D(2030, 6, 30), D(2030, 7, 14)):
        beat(day, django_capture_on_commit_callbacks)
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_beats_running_at_the_same_moment_send_each_notice_once():
    ensure_reference_data()
    with at(D(2030, 3, 10)):
        unit = org_unit("公司党委/第一党支部")
        MemberFactory(roles=["branch_secretary"], org_unit=unit, email="sec@example.com")
        members = [MemberFactory(roles=["member"], org_unit=unit, email=f"p{i}@example.com") for i in range(12)]
        course = make_course("并发提醒课")
        plan_with(rule("党员必修", roles=["member"], courses=[course], due=D(2030, 6, 20)))
        evaluate()
    barrier = threading.Barrier(3)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(run_reminders())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    with at(D(2030, 6, 28)):
        threads = [threading.Thread(target=run) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    assert not errors, errors
    # 8 days overdue: overdue notice to each member, escalation to the secretary, once in all.
    assert Notification.objects.filter(kind="training.overdue").count() == 12
    assert Notification.objects.filter(kind="training.escalate_branch").count() == 1
    assert sorted(r["overdue"] for r in results) == [0, 0, 12]
    assert sorted(addr for msg in mail.outbox for addr in msg.to) == sorted(
        [m.email for m in members] + ["sec@example.com"])
