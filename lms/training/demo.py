"""Demo content for training plans (called by the lead's ``seed_demo``; safe to run twice).

- the default plan's activist induction rule points at the demo course 入党积极分子培训,
  and a rule requires 支部书记履职能力培训 of secretaries and committee members;
- every member is evaluated against the plan;
- two members get backdated, overdue hand-made assignments (20 and 9 days overdue);
- the reminder/escalation run sends the notices: the branch secretary (D1001) gets the
  list of overdue members, HR (D9001) the one overdue for two weeks or more.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from lms.catalog.models import CoursePage
from lms.org.models import Member, Role

from .engine import evaluate
from .models import Assignment, PlanRule
from .plans import get_plan
from .reminders import run_reminders

INDUCTION_COURSE = "入党积极分子培训"
SECRETARY_COURSE = "支部书记履职能力培训"
OVERDUE = [  # employee number, course title, days overdue
    ("D1004", "廉洁从业警示教育", 20),
    ("D1006", "安全生产专题培训", 9),
]


def seed_training_demo() -> dict:
    today = timezone.localdate()
    plan = get_plan()
    with transaction.atomic():
        induction = CoursePage.objects.live().filter(title=INDUCTION_COURSE).first()
        rule = plan.rules.filter(due_mode=PlanRule.DueMode.AFTER_ROLE, roles__code="activist").first()
        if induction and rule and not rule.courses.filter(pk=induction.pk).exists():
            rule.courses.add(induction)
            rule.save()  # parental many-to-many changes are written on save
        secretary_course = CoursePage.objects.live().filter(title=SECRETARY_COURSE).first()
        if secretary_course and not plan.rules.filter(courses=secretary_course).exists():
            new_rule = PlanRule(plan=plan, name="支部书记、支委委员履职培训", due_mode=PlanRule.DueMode.ABSOLUTE,
                                due_date=today + datetime.timedelta(days=45), sort_order=plan.rules.count())
            new_rule.roles = list(Role.objects.filter(code__in=["branch_secretary", "committee_member"]))
            new_rule.courses = [secretary_course]
            new_rule.save()
        plan.save()  # records the new version
    result = evaluate(plans=[plan])

    hr = Member.objects.filter(member_roles__role__code="hr").select_related("user").first()
    now = timezone.now()
    overdue = 0
    with transaction.atomic():
        for employee_no, title, days in OVERDUE:
            member = Member.objects.filter(employee_no=employee_no).first()
            course = CoursePage.objects.live().filter(title=title).first()
            if member is None or course is None:
                continue
            due = today - datetime.timedelta(days=days)
            _a, created = Assignment.objects.get_or_create(
                member=member, course=course, source=Assignment.Source.MANUAL, status=Assignment.Status.ACTIVE,
                defaults={"year": due.year, "due_on": due, "original_due_on": due,
                          "assigned_at": now - datetime.timedelta(days=days + 30),
                          "assigned_by": hr.user if hr else None, "note": "专项整改学习"},
            )
            overdue += created
    notices = run_reminders()
    return {"evaluation": result.as_dict(), "overdue_assignments": overdue, "notices": notices}


# The demo step of this app (lms.common.discovery.demo_steps, run by seed_demo).
DEMO_ORDER = 10
seed = seed_training_demo
