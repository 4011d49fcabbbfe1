"""Annual study-hour requirement from the year's training plan (``PLAN``, wired as
``settings.LMS_HOUR_REQUIREMENT_PROVIDER``): the highest ``annual_hours`` of the plan rules that match the member;
none when no rule with hours matches (e.g. a member who is only an activist). Years before the first plan fall back
to the programme defaults of ``lms.records.requirements``.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from lms.org.models import Member
from lms.records.requirements import ROLE_DEFAULTS, RequirementProvider, default_requirement, load_facts

from .models import TrainingPlan
from .plans import get_plan
from .rules import CompiledRule, MemberFacts, compile_rules, highest_hours, member_facts


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
    """The requirement of many members at once (for lists): a few queries in all."""
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


def _post_codes(member_ids, facts) -> dict[int, str]:
    """{member id: post code} of the members in ``facts`` that hold a post (``member_ids`` may be a subquery)."""
    holders = Member.objects.filter(post__isnull=False)
    if isinstance(member_ids, list | tuple | set):
        ids, out = sorted(facts), {}
        for start in range(0, len(ids), 900):
            out.update(holders.filter(pk__in=ids[start:start + 900]).values_list("pk", "post__code"))
        return out
    return {pk: code for pk, code in holders.filter(pk__in=member_ids).values_list("pk", "post__code")
            if pk in facts}


def _as_date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


class PlanRequirements(RequirementProvider):
    """The training plan's requirements; ``for_members`` matches the compiled rules once per distinct combination
    of facts the rules can tell apart, so a report over the whole organization costs a few queries."""

    def __init__(self):
        self._compiled: dict[tuple[int, int], list[CompiledRule]] = {}

    def for_member(self, member, year: int) -> Decimal | None:
        return plan_requirement(member, year)

    def _rules(self, year: int):
        """(plan, rules with annual hours) of the year's plan; (None, None) before the first plan."""
        plan = get_plan(year, create=year >= timezone.localdate().year)
        if plan is None:
            return None, None
        key = (plan.pk, plan.version)
        rules = self._compiled.get(key)
        if rules is None:
            rules = [r for r in compile_rules(plan, with_courses=False) if r.annual_hours is not None]
            if len(self._compiled) > 32:
                self._compiled.clear()
            self._compiled[key] = rules
        return plan, rules

    def needs_role_dates(self, years) -> bool:
        for year in years:
            _plan, rules = self._rules(year)
            if rules and any(r.new_role_holders_only for r in rules):
                return True
        return False

    def for_members(self, member_ids, year: int, facts=None) -> dict[int, Decimal]:
        plan, rules = self._rules(year)
        if plan is None:  # years before the first plan: the programme defaults
            return ROLE_DEFAULTS.for_members(member_ids, year, facts)
        if not plan.is_active or not rules:
            return {}
        facts = facts if facts is not None else load_facts(member_ids)
        unit_paths = [r.unit_path for r in rules if r.unit_path is not None]
        with_dates = any(r.new_role_holders_only for r in rules)
        # The records app's facts carry no post: read the posts only when a rule with hours names some.
        posts = _post_codes(member_ids, facts) if any(r.post_codes for r in rules) else {}
        today = timezone.localdate()
        memo: dict = {}
        result: dict[int, Decimal] = {}
        for member_id, (path, roles) in facts.items():
            post = posts.get(member_id)
            if with_dates:
                held = roles if isinstance(roles, dict) else dict.fromkeys(roles)
                key = (tuple(path.startswith(p) for p in unit_paths), frozenset(held.items()), post)
            elif unit_paths:
                key = (tuple(path.startswith(p) for p in unit_paths), frozenset(roles), post)
            else:
                key = (frozenset(roles), post)
            hours = memo.get(key, memo)
            if hours is memo:
                dated = {code: _as_date(roles[code]) if isinstance(roles, dict) else None for code in roles}
                hours = memo[key] = highest_hours(
                    rules, MemberFacts(member_id, True, path, today, dated, post), plan)
            if hours is not None:
                result[member_id] = hours
        return result


PLAN = PlanRequirements()
