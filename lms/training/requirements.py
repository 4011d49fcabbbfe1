"""Annual study-hour requirement from the year's training plan.

Wired as ``settings.LMS_HOUR_REQUIREMENT_PROVIDER``: the highest ``annual_hours``
of the plan rules that match the member; ``None`` when no rule with hours
matches (e.g. a member who is only an activist). Years before the first plan
fall back to the programme defaults of ``lms.records.requirements``.
"""

from decimal import Decimal

from django.utils import timezone

from lms.records.requirements import default_requirement

from .models import TrainingPlan
from .plans import get_plan
from .rules import CompiledRule, compile_rules, highest_hours, member_facts


def _plan_and_rules(year: int) -> tuple[TrainingPlan | None, list[CompiledRule]]:
    """The year's plan and its rules (not cached across calls: a few small queries, always current)."""
    plan = get_plan(year, create=year >= timezone.localdate().year)
    if plan is None:
        return None, []
    return plan, compile_rules(plan, with_courses=False)


def plan_requirement(member, year: int) -> Decimal | None:
    plan, rules = _plan_and_rules(year)
    if plan is None:
        return default_requirement(member, year)
    if not plan.is_active:
        return None
    facts = member_facts([member.pk]).get(member.pk)
    return highest_hours(rules, facts, plan) if facts else None


def plan_requirements(member_ids, year: int) -> dict[int, Decimal | None]:
    """The requirement of many members at once (for reports and lists): a few queries in all."""
    from lms.org.models import Member

    ids = list(member_ids)
    plan, rules = _plan_and_rules(year)
    if plan is None:
        return {m.pk: default_requirement(m, year) for m in Member.objects.filter(pk__in=ids)}
    if not plan.is_active:
        return dict.fromkeys(ids)
    out: dict[int, Decimal | None] = dict.fromkeys(ids)
    for start in range(0, len(ids), 2000):
        for member_id, facts in member_facts(ids[start:start + 2000]).items():
            out[member_id] = highest_hours(rules, facts, plan)
    return out
