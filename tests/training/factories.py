"""Helpers to build training plans for tests."""

import datetime
from decimal import Decimal

from lms.training.models import PlanRule, TrainingPlan
from lms.training.plans import get_plan
from tests.factories import role


def rule(name="规则", *, roles=(), unit=None, courses=(), tier="", categories=(), due: datetime.date | None = None,
         days: int | None = None, hours=None, new_only=False) -> PlanRule:
    r = PlanRule(
        name=name, org_unit=unit, tier=tier, new_role_holders_only=new_only,
        due_mode=PlanRule.DueMode.AFTER_ROLE if days is not None else PlanRule.DueMode.ABSOLUTE,
        due_date=due, due_days=days, annual_hours=Decimal(str(hours)) if hours is not None else None,
    )
    r.roles = [role(c) for c in roles]
    r.courses = list(courses)
    r.categories = list(categories)
    return r


def plan_with(*rules: PlanRule, year: int | None = None) -> TrainingPlan:
    """This year's plan with exactly these rules."""
    plan = get_plan(year)
    plan.rules = list(rules)
    plan.save()
    plan.refresh_from_db()
    return plan


def live(plan: TrainingPlan):
    """Assignment rows of the plan that are not withdrawn, as {(member_id, course_id): due_on}."""
    return {(a.member_id, a.course_id): a.due_on
            for a in plan.assignments.exclude(status="withdrawn")}
