"""Annual study-hour requirements: one provider interface, per member and for many members.

``settings.LMS_HOUR_REQUIREMENT_PROVIDER`` names a ``RequirementProvider`` (the training plan's, see
lms.training.requirements.PLAN); without one the programme's role defaults apply (32 h members, 56 h branch
secretaries and committee members). Reports, archives, the API and lists all ask ``provider()``, so there is one
calculation of who owes how many hours.

``facts`` (from ``load_facts``) maps member id → (org unit path, {role code: gained on}): what reports have
loaded anyway, so a provider need not query the members again.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string

from lms.org.models import Member, MemberRole

DEFAULT_HOURS = {"member": Decimal(32), "branch_secretary": Decimal(56), "committee_member": Decimal(56)}
DEFAULT_PROVIDER = "lms.records.requirements.ROLE_DEFAULTS"
CHUNK = 900  # below SQLite's 999 bound parameters


def _chunks(ids, size=CHUNK):
    ids = list(ids)
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def load_facts(member_ids) -> dict[int, tuple[str, dict]]:
    """{member_id: (org unit path, {role code: gained on})} for a values('pk') queryset or a list of ids."""
    if isinstance(member_ids, list | tuple | set) and len(member_ids) > CHUNK:
        facts: dict[int, tuple[str, dict]] = {}
        for chunk in _chunks(member_ids):
            facts.update(load_facts(chunk))
        return facts
    facts = {}
    for pk, path in Member.objects.filter(pk__in=member_ids).values_list("pk", "org_unit__path").iterator(
            chunk_size=10_000):
        facts[pk] = (path or "", {})
    for member_id, code, gained in MemberRole.objects.filter(member_id__in=member_ids).values_list(
            "member_id", "role__code", "gained_on").iterator(chunk_size=10_000):
        if member_id in facts:
            facts[member_id][1][code] = gained
    return facts


class RequirementProvider:
    """Who owes how many hours in a year. Subclasses answer for one member and for many at once."""

    def for_member(self, member, year: int) -> Decimal | None:
        raise NotImplementedError

    def for_members(self, member_ids, year: int, facts=None) -> dict[int, Decimal]:
        """{member_id: hours}, members without a requirement left out."""
        raise NotImplementedError

    def needs_role_dates(self, years) -> bool:
        """Whether the answer depends on when roles were gained (then ``facts`` must carry the dates)."""
        return False


class RoleDefaults(RequirementProvider):
    def for_member(self, member, year: int) -> Decimal | None:
        hours = [DEFAULT_HOURS[c] for c in member.role_codes if c in DEFAULT_HOURS]
        return max(hours) if hours else None

    def for_members(self, member_ids, year: int, facts=None) -> dict[int, Decimal]:
        facts = facts if facts is not None else load_facts(member_ids)
        result = {}
        for member_id, (_path, roles) in facts.items():
            values = [DEFAULT_HOURS[c] for c in roles if c in DEFAULT_HOURS]
            if values:
                result[member_id] = max(values)
        return result


ROLE_DEFAULTS = RoleDefaults()


def default_requirement(member, year: int) -> Decimal | None:
    return ROLE_DEFAULTS.for_member(member, year)


def provider() -> RequirementProvider:
    found = import_string(getattr(settings, "LMS_HOUR_REQUIREMENT_PROVIDER", DEFAULT_PROVIDER))
    found = found() if isinstance(found, type) else found
    if not isinstance(found, RequirementProvider):
        raise TypeError("LMS_HOUR_REQUIREMENT_PROVIDER must name a lms.records.requirements.RequirementProvider")
    return found


def annual_requirement(member, year: int) -> Decimal | None:
    """Hours the member must earn in ``year``; None when no rule applies."""
    return provider().for_member(member, year)


def requirements_for(member_ids, year: int, facts=None) -> dict[int, Decimal]:
    """{member_id: hours} for many members (``member_ids`` may be a values('pk') queryset)."""
    return provider().for_members(member_ids, year, facts)
