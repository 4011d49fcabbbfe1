import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lms.notifications.models import Notification
from lms.site.management.commands.seed_demo import Command
from lms.training.demo import seed_training_demo
from lms.training.models import Assignment

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_demo_shows_assignments_an_overdue_member_and_the_escalation_notices():
    with time_machine.travel(datetime.datetime(2030, 9, 15, 9, tzinfo=TZ), tick=False):
        seed = Command(stdout=io.StringIO())
        members = seed.seed_org()
        courses = seed.seed_catalog(seed.seed_categories(), {}, members)
        seed.seed_progress(members, courses)
        summary = seed_training_demo()

        by_no = lambda no: Assignment.objects.filter(member__employee_no=no)  # noqa: E731
        # Everyone has the all-member required tier; new activists the induction course (30 days).
        titles = set(by_no("D2003").values_list("course__title", flat=True))
        assert titles >= {"新时代党员教育培训专题党课", "党章党规学习"}
        assert by_no("D2003").get(course__title="党章党规学习").status == "completed"
        induction = by_no("D1008").get(course__title="入党积极分子培训")
        assert induction.due_on == datetime.date(2030, 10, 15) and induction.status == "active"
        assert by_no("D1001").filter(course__title="支部书记履职能力培训", status="completed").exists()
        assert by_no("D2001").filter(course__title="支部书记履职能力培训", status="active").exists()
        overdue = by_no("D1004").get(course__title="廉洁从业警示教育")
        assert overdue.is_overdue and overdue.days_overdue == 20

        secretary = Notification.objects.get(recipient=members["D1001"].user, kind="training.escalate_branch")
        assert "刘洋" in secretary.body and "杨帆" in secretary.body
        hr = Notification.objects.get(recipient=members["D9001"].user, kind="training.escalate_hr")
        assert "刘洋" in hr.body and "杨帆" not in hr.body
        assert Notification.objects.filter(recipient=members["D1004"].user, kind="training.overdue").exists()
        assert summary["overdue_assignments"] == 2

        notices, rows = Notification.objects.count(), Assignment.objects.count()
        again = seed_training_demo()
        assert again["overdue_assignments"] == 0 and again["evaluation"]["created"] == 0
        assert (Notification.objects.count(), Assignment.objects.count()) == (notices, rows)
