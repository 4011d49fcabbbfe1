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


def ensure_reference_data() -> None:
    """Roles and the Wagtail root page, for transactional tests that may run after another
    transactional test has flushed the data migrations' rows."""
    import importlib

    from django.apps import apps
    from django.conf import settings
    from wagtail.models import Locale, Page

    importlib.import_module("lms.org.migrations.0002_seed_roles").seed(apps, None)
    if Page.get_first_root_node() is None:
        locale, _created = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
