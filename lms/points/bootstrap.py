"""Idempotent set-up after migrate: the default point rules (like 学习强国's), left as HR edited them once
present, and HR's permission to edit rules in the admin."""

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from lms.org.services import HR

from .models import Action, PointRule

# code, name, action, points, daily cap, yearly cap, extra fields
DEFAULT_RULES = [
    ("lesson", "完成一节课", Action.LESSON, 1, 10, 0, {}),
    ("course", "完成一门课程", Action.COURSE, 5, 15, 0, {}),
    ("quiz", "测验合格", Action.QUIZ, 2, 10, 0, {}),
    ("exam-90", "考试成绩90分以上", Action.EXAM, 5, 10, 0, {"min_percent": 90, "max_percent": 100}),
    ("activity", "参加组织生活", Action.ACTIVITY, 3, 6, 0, {}),
    ("study-30", "每日学习30分钟", Action.STUDY, 1, 1, 0, {"min_minutes": 30}),
    ("talk", "完整观看一个视频", Action.TALK, 1, 6, 0, {}),
]

HR_PERMISSIONS = ["add_pointrule", "change_pointrule", "view_pointrule"]


def seed_rules(using="default") -> None:
    for order, (code, name, action, points, daily, yearly, extra) in enumerate(DEFAULT_RULES):
        PointRule.objects.using(using).get_or_create(code=code, defaults={
            "name": name, "action": action, "points": points, "daily_cap": daily, "yearly_cap": yearly,
            "order": (order + 1) * 10, **extra})


def grant_hr(sender, using="default") -> None:
    create_permissions(sender, verbosity=0, using=using)
    group, _created = Group.objects.using(using).get_or_create(name=HR)
    group.permissions.add(*Permission.objects.using(using).filter(content_type__app_label="points",
                                                                  codename__in=HR_PERMISSIONS))


def after_migrate(sender, using="default", **kwargs):
    with transaction.atomic(using=using):
        seed_rules(using)
        grant_hr(sender, using)
