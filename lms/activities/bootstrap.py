"""Idempotent set-up after migrate: the seeded activity kinds (三会一课 and the rest, with their usual
frequencies) and the periodic tasks. Kinds already present are left as the committee edited them."""

from decimal import Decimal

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from lms.org.services import HR

from .models import ActivityKind, Period, PlanUnit

# code, name, English name, hours credited, counts toward hours, planned for, frequency, minimum, committee only
SEEDED_KINDS = [
    ("branch_assembly", "支部党员大会", "Branch general meeting", "2", True, PlanUnit.BRANCH, Period.QUARTERLY, 1,
     False),
    ("branch_committee", "支委会", "Branch committee meeting", "1", False, PlanUnit.BRANCH, Period.MONTHLY, 1, True),
    ("group_meeting", "党小组会", "Party group meeting", "1", True, PlanUnit.GROUP, Period.MONTHLY, 1, False),
    ("party_lecture", "党课", "Party lecture", "2", True, PlanUnit.BRANCH, Period.QUARTERLY, 1, False),
    ("theme_day", "主题党日", "Theme party day", "2", True, PlanUnit.BRANCH, Period.MONTHLY, 1, False),
    ("org_life_meeting", "组织生活会", "Organizational life meeting", "3", True, PlanUnit.BRANCH, Period.YEARLY, 1,
     False),
    ("member_review", "民主评议党员", "Democratic review of members", "2", True, PlanUnit.BRANCH, Period.YEARLY, 1,
     False),
    ("central_training", "集中培训", "Centrally organized training", "2", True, PlanUnit.BRANCH, Period.NONE, 0,
     False),
]

REMINDERS_TASK = "activities: reminders and overdue plan slots"
YEARLY_TASK = "activities: next year's plans"


def seed_kinds(using="default") -> None:
    for order, (code, name, name_en, hours, counts, unit, period, minimum, committee) in enumerate(SEEDED_KINDS):
        ActivityKind.objects.using(using).get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "hours": Decimal(hours), "counts_toward_hours": counts,
            "plan_unit": unit, "period": period, "min_count": minimum, "committee_only": committee,
            "order": (order + 1) * 10})


def ensure_periodic_tasks(using="default") -> None:
    every, _created = IntervalSchedule.objects.using(using).get_or_create(every=10, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.using(using).get_or_create(
        name=REMINDERS_TASK, defaults={"task": "activities.run_reminders", "interval": every, "queue": "default"})
    # On 20 December the next year's plan is generated for every branch and group (idempotent).
    yearly, _created = CrontabSchedule.objects.using(using).get_or_create(
        minute="0", hour="3", day_of_month="20", month_of_year="12", day_of_week="*")
    PeriodicTask.objects.using(using).get_or_create(
        name=YEARLY_TASK, defaults={"task": "activities.generate_next_year", "crontab": yearly, "queue": "default"})


HR_PERMISSIONS = ["add_activitykind", "change_activitykind", "view_activitykind", "add_kindyearrule",
                  "change_kindyearrule", "delete_kindyearrule", "view_kindyearrule"]


def grant_hr(sender, using="default") -> None:
    """HR (the organization department, for the committee) edits kinds and each year's rules in the admin."""
    create_permissions(sender, verbosity=0, using=using)
    group, _created = Group.objects.using(using).get_or_create(name=HR)
    group.permissions.add(*Permission.objects.using(using).filter(content_type__app_label="activities",
                                                                  codename__in=HR_PERMISSIONS))


def after_migrate(sender, using="default", **kwargs):
    with transaction.atomic(using=using):
        seed_kinds(using)
        ensure_periodic_tasks(using)
        grant_hr(sender, using)
