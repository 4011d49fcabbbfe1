"""Annual hour requirements of many members at once.

Reports cover up to the whole organization (100k members), so asking the
requirement provider once per member is not an option. This module finds a
set-based equivalent of ``settings.LMS_HOUR_REQUIREMENT_PROVIDER``:

1. the programme defaults (``lms.records``) and the training plan
   (``lms.training.requirements.plan_requirement``) are computed here from
   member facts the report has already loaded (unit path, roles and when they
   were gained): the plan's rules are compiled once with the training app's
   own ``compile_rules`` and matched with its ``highest_hours``, once per
   distinct combination of facts the rules can tell apart;
2. another provider with a bulk variant next to it -- ``<provider>_bulk``,
   ``<provider>s`` or ``plan_requirements_bulk`` -- is called as
   ``f(member_ids, year) -> {member_id: Decimal | None}``;
3. otherwise the provider is asked per member (correct, slow; logged).

``facts`` maps member id → (org unit path, roles): roles are either the role codes or, when a rule
depends on when roles were gained (see ``needs_role_dates``), {role code: gained on}.
"""

import datetime
import logging
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from lms.org.models import Member, MemberRole
from lms.records import requirements as records_requirements

log = logging.getLogger(__name__)

DEFAULT_PROVIDER = "lms.records.requirements.default_requirement"
TRAINING_PROVIDER = "lms.training.requirements.plan_requirement"
CHUNK = 900  # below SQLite's 999 bound parameters


def provider_path() -> str:
    return getattr(settings, "LMS_HOUR_REQUIREMENT_PROVIDER", DEFAULT_PROVIDER)


def _bulk_function(path: str):
    module_path, _dot, name = path.rpartition(".")
    for candidate in (f"{module_path}.{name}_bulk", f"{module_path}.{name}s", f"{module_path}.plan_requirements_bulk"):
        try:
            return import_string(candidate)
        except ImportError:
            continue
    return None


def load_facts(member_ids) -> dict[int, tuple[str, dict]]:
    """{member_id: (org unit path, {role code: gained on})} for a values('pk') queryset or a list of ids."""
    if isinstance(member_ids, list | tuple | set) and len(member_ids) > CHUNK:
        facts: dict[int, tuple[str, dict]] = {}
        for chunk in _chunks(member_ids):
            facts.update(load_facts(chunk))
        return facts
    facts: dict[int, tuple[str, dict]] = {}
    for pk, path in Member.objects.filter(pk__in=member_ids).values_list("pk", "org_unit__path").iterator(
            chunk_size=10_000):
        facts[pk] = (path or "", {})
    for member_id, code, gained in MemberRole.objects.filter(member_id__in=member_ids).values_list(
            "member_id", "role__code", "gained_on").iterator(chunk_size=10_000):
        if member_id in facts:
            facts[member_id][1][code] = gained
    return facts


def default_requirements_bulk(member_ids, year: int, facts=None) -> dict[int, Decimal | None]:
    """Role defaults (lms.records.requirements.DEFAULT_HOURS)."""
    hours = records_requirements.DEFAULT_HOURS
    facts = facts if facts is not None else load_facts(member_ids)
    result: dict[int, Decimal | None] = {}
    for member_id, (_path, roles) in facts.items():
        values = [hours[c] for c in roles if c in hours]
        if values:
            result[member_id] = max(values)
    return result


_compiled: dict[tuple[int, int], list] = {}


def _training_plan_rules(year: int):
    """(plan, rules with annual hours) of the year's training plan; (None, None) before the first plan."""
    from lms.training.plans import get_plan
    from lms.training.rules import compile_rules

    plan = get_plan(year, create=year >= timezone.localdate().year)
    if plan is None:
        return None, None
    key = (plan.pk, plan.version)
    rules = _compiled.get(key)
    if rules is None:
        rules = [r for r in compile_rules(plan, with_courses=False) if r.annual_hours is not None]
        if len(_compiled) > 32:
            _compiled.clear()
        _compiled[key] = rules
    return plan, rules


def needs_role_dates(period) -> bool:
    """Whether requirements depend on when roles were gained (so facts must carry the dates)."""
    if provider_path() != TRAINING_PROVIDER:
        return False
    for year in period.years():
        plan, rules = _training_plan_rules(year)
        if rules and any(r.new_role_holders_only for r in rules):
            return True
    return False


def _as_date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def training_requirements_bulk(member_ids, year: int, facts=None) -> dict[int, Decimal | None]:
    """What lms.training.requirements.plan_requirement answers, for many members in a few queries."""
    from lms.training.rules import MemberFacts, highest_hours

    plan, rules = _training_plan_rules(year)
    if plan is None:  # years before the first plan: the programme defaults
        return default_requirements_bulk(member_ids, year, facts)
    if not plan.is_active or not rules:
        return {}
    facts = facts if facts is not None else load_facts(member_ids)
    unit_paths = [r.unit_path for r in rules if r.unit_path is not None]
    with_dates = any(r.new_role_holders_only for r in rules)
    today = timezone.localdate()
    memo: dict = {}
    result: dict[int, Decimal | None] = {}
    for member_id, (path, roles) in facts.items():
        if with_dates:
            held = roles if isinstance(roles, dict) else dict.fromkeys(roles)
            key = (tuple(path.startswith(p) for p in unit_paths), frozenset(held.items()))
        elif unit_paths:
            key = (tuple(path.startswith(p) for p in unit_paths), frozenset(roles))
        else:
            key = frozenset(roles)
        hours = memo.get(key, memo)
        if hours is memo:
            dated = {code: _as_date(roles[code]) if isinstance(roles, dict) else None for code in roles}
            hours = memo[key] = highest_hours(rules, MemberFacts(member_id, True, path, today, dated), plan)
        if hours is not None:
            result[member_id] = hours
    return result


def _chunks(ids, size=CHUNK):
    ids = list(ids)
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _per_member(provider, member_ids, year: int) -> dict[int, Decimal | None]:
    result = {}
    for chunk in _chunks(member_ids):
        for member in Member.objects.filter(pk__in=chunk).prefetch_related("member_roles__role"):
            member._role_codes = {mr.role.code for mr in member.member_roles.all()}
            result[member.pk] = provider(member, year)
    return result


def requirements_bulk(member_ids, year: int, facts=None) -> dict[int, Decimal | None]:
    """{member_id: annual requirement}, members without one left out; ``member_ids`` may be a values('pk')
    queryset; ``facts`` (see module doc) saves the queries when the caller already has them."""
    path = provider_path()
    if path == DEFAULT_PROVIDER:
        return default_requirements_bulk(member_ids, year, facts)
    if path == TRAINING_PROVIDER:
        return training_requirements_bulk(member_ids, year, facts)
    bulk = _bulk_function(path)
    if bulk is not None:
        if not isinstance(member_ids, list | tuple | set):
            member_ids = list(member_ids.values_list("pk", flat=True)) if hasattr(member_ids, "values_list") \
                else list(member_ids)
        result: dict[int, Decimal | None] = {}
        for chunk in _chunks(member_ids, 20_000):
            result.update({k: v for k, v in bulk(chunk, year).items() if v is not None})
        return result
    log.warning("No bulk variant of %s: computing requirements one member at a time", path)
    if hasattr(member_ids, "values_list"):
        member_ids = member_ids.values_list("pk", flat=True)
    return {k: v for k, v in _per_member(import_string(path), member_ids, year).items() if v is not None}


def period_requirements(member_ids, period, facts=None) -> dict[int, Decimal | None]:
    """Requirement owed over ``period``: each year's requirement times the period's share of that year."""
    years = [(y, period.fraction(y)) for y in period.years()]
    years = [(y, share) for y, share in years if share]
    cent = Decimal("0.01")
    if len(years) == 1:  # one year: many members share few distinct values
        (year, share), = years
        scaled: dict = {}
        result = {}
        for member_id, hours in requirements_bulk(member_ids, year, facts).items():
            value = scaled.get(hours)
            if value is None:
                value = scaled[hours] = (Decimal(hours) * share).quantize(cent)
            result[member_id] = value
        return result
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for year, share in years:
        for member_id, hours in requirements_bulk(member_ids, year, facts).items():
            totals[member_id] += Decimal(hours) * share
    return {mid: total.quantize(cent) for mid, total in totals.items()}
