"""Plan rules compiled to plain data, and matching members against them without queries."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from lms.catalog.models import CoursePage

from .models import PlanRule, TrainingPlan


@dataclass(frozen=True)
class MemberFacts:
    """What rule matching needs to know about a member."""

    id: int
    is_active: bool
    path: str
    created_on: datetime.date
    roles: dict[str, datetime.date] = field(default_factory=dict)  # role code → gained on
    post: str | None = None  # the code of the member's post (岗位), if any


@dataclass
class CompiledRule:
    id: int
    name: str
    role_codes: frozenset[str]
    new_role_holders_only: bool
    unit_path: str | None
    due_mode: str
    due_date: datetime.date | None
    due_days: int | None
    annual_hours: Decimal | None
    course_ids: list[int] = field(default_factory=list)
    post_codes: frozenset[str] = frozenset()  # empty: any post (or none)

    def matched_roles(self, facts: MemberFacts, plan_start: datetime.date, plan_end: datetime.date):
        """Gained-on dates of the member's roles that make this rule apply; None when it does not apply.

        Every condition the rule gives must hold: the org subtree, one of its posts and one of its roles."""
        if self.unit_path is not None and not facts.path.startswith(self.unit_path):
            return None
        if self.post_codes and facts.post not in self.post_codes:
            return None
        if not self.role_codes:
            return []
        dates = [d for code, d in facts.roles.items() if code in self.role_codes
                 and (not self.new_role_holders_only or (d is not None and plan_start <= d <= plan_end))]
        return dates or None

    def due_for(self, facts: MemberFacts, role_dates, plan_start: datetime.date) -> datetime.date:
        if self.due_mode == PlanRule.DueMode.AFTER_ROLE:
            gained = min((d for d in role_dates if d is not None), default=None) or facts.created_on
            # A role held since before the plan year starts the clock on 1 January.
            return max(gained, plan_start) + datetime.timedelta(days=self.due_days or 0)
        return self.due_date or datetime.date(plan_start.year, 12, 31)


def compile_rules(plan: TrainingPlan, *, with_courses: bool = True) -> list[CompiledRule]:
    compiled = []
    rules = PlanRule.objects.filter(plan=plan).select_related("org_unit").order_by("sort_order", "pk")
    rules = rules.prefetch_related("roles", "posts", *(("courses", "categories") if with_courses else ()))
    for rule in rules:
        course_ids: list[int] = []
        if with_courses:
            ids = {c.pk for c in rule.courses.all() if c.live}
            if rule.tier:
                ids.update(CoursePage.objects.live().filter(tier=rule.tier).values_list("pk", flat=True))
            category_ids = [c.pk for c in rule.categories.all()]
            if category_ids:
                ids.update(CoursePage.objects.live().filter(categories__in=category_ids)
                           .values_list("pk", flat=True))
            course_ids = sorted(ids)
        compiled.append(CompiledRule(
            id=rule.pk, name=rule.name, role_codes=frozenset(r.code for r in rule.roles.all()),
            new_role_holders_only=rule.new_role_holders_only,
            unit_path=rule.org_unit.path if rule.org_unit_id else None,
            due_mode=rule.due_mode, due_date=rule.due_date, due_days=rule.due_days,
            annual_hours=rule.annual_hours, course_ids=course_ids,
            post_codes=frozenset(p.code for p in rule.posts.all()),
        ))
    return compiled


def member_facts(member_ids) -> dict[int, MemberFacts]:
    """Facts for many members in two queries."""
    from django.utils import timezone

    from lms.org.models import Member, MemberRole

    roles: dict[int, dict[str, datetime.date]] = {}
    for member_id, code, gained in (MemberRole.objects.filter(member_id__in=member_ids)
                                    .values_list("member_id", "role__code", "gained_on")):
        roles.setdefault(member_id, {})[code] = gained
    facts = {}
    for member_id, active, path, created, post in (
            Member.objects.filter(pk__in=member_ids)
            .values_list("pk", "is_active", "org_unit__path", "created_at", "post__code")):
        facts[member_id] = MemberFacts(member_id, active, path or "", timezone.localdate(created),
                                       roles.get(member_id, {}), post)
    return facts


def facts_in_range(low: int, high: int) -> dict[int, MemberFacts]:
    """Facts for members with low <= id <= high (a full re-evaluation walks the table in id ranges)."""
    from django.utils import timezone

    from lms.org.models import Member, MemberRole

    roles: dict[int, dict[str, datetime.date]] = {}
    for member_id, code, gained in (MemberRole.objects.filter(member_id__gte=low, member_id__lte=high)
                                    .values_list("member_id", "role__code", "gained_on")):
        roles.setdefault(member_id, {})[code] = gained
    tz = timezone.get_current_timezone()
    facts = {}
    for member_id, active, path, created, post in (
            Member.objects.filter(pk__gte=low, pk__lte=high)
            .values_list("pk", "is_active", "org_unit__path", "created_at", "post__code")):
        facts[member_id] = MemberFacts(member_id, active, path or "", created.astimezone(tz).date(),
                                       roles.get(member_id, {}), post)
    return facts


def highest_hours(rules: list[CompiledRule], facts: MemberFacts, plan: TrainingPlan) -> Decimal | None:
    hours = [r.annual_hours for r in rules
             if r.annual_hours is not None and r.matched_roles(facts, plan.starts_on, plan.ends_on) is not None]
    return max(hours) if hours else None

