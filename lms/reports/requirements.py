"""Annual hour requirements of many members at once.

Reports cover up to the whole organization (100k members), so asking the
requirement provider once per member is not an option. This module finds a
set-based equivalent of ``settings.LMS_HOUR_REQUIREMENT_PROVIDER``:

1. a bulk variant next to the provider -- ``<provider>_bulk``, ``<provider>s``
   (e.g. ``lms.training.requirements.plan_requirements``) or
   ``plan_requirements_bulk`` -- called as ``f(member_ids, year) -> {member_id: Decimal | None}``;
2. for the default role-based provider, a computation over MemberRole rows;
3. otherwise the provider per member (correct, slow; logged once).
"""

import logging
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string

from lms.org.models import Member, MemberRole
from lms.records import requirements as records_requirements

log = logging.getLogger(__name__)

DEFAULT_PROVIDER = "lms.records.requirements.default_requirement"
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


def default_requirements_bulk(member_ids, year: int) -> dict[int, Decimal | None]:
    """Role defaults (lms.records.requirements.DEFAULT_HOURS) for a queryset or list of member ids."""
    hours = records_requirements.DEFAULT_HOURS
    result: dict[int, Decimal | None] = {}
    rows = MemberRole.objects.filter(member_id__in=member_ids, role__code__in=list(hours)).values_list(
        "member_id", "role__code")
    for member_id, code in rows.iterator(chunk_size=5000):
        value = hours[code]
        current = result.get(member_id)
        if current is None or value > current:
            result[member_id] = value
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


def requirements_bulk(member_ids, year: int) -> dict[int, Decimal | None]:
    """{member_id: annual requirement or None}; ``member_ids`` may be a values('pk') queryset."""
    path = provider_path()
    if path == DEFAULT_PROVIDER:
        return default_requirements_bulk(member_ids, year)
    bulk = _bulk_function(path)
    if bulk is not None:
        if not isinstance(member_ids, list | tuple | set):
            member_ids = list(member_ids.values_list("pk", flat=True)) if hasattr(member_ids, "values_list") \
                else list(member_ids)
        result: dict[int, Decimal | None] = {}
        for chunk in _chunks(member_ids, 20_000):
            result.update(bulk(chunk, year))
        return result
    log.warning("No bulk variant of %s: computing requirements one member at a time", path)
    if hasattr(member_ids, "values_list"):
        member_ids = member_ids.values_list("pk", flat=True)
    return _per_member(import_string(path), member_ids, year)


def period_requirements(member_ids, period) -> dict[int, Decimal | None]:
    """Requirement owed over ``period``: each year's requirement times the period's share of that year."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    seen: set[int] = set()
    for year in period.years():
        share = period.fraction(year)
        if share == 0:
            continue
        for member_id, hours in requirements_bulk(member_ids, year).items():
            if hours is None:
                continue
            seen.add(member_id)
            totals[member_id] += Decimal(hours) * share
    return {mid: totals[mid].quantize(Decimal("0.01")) for mid in seen}
