"""Annual study-hour requirement of a member.

The training-plan app supplies the real rules; until a provider is
configured the role defaults of the programme apply (32 h members,
56 h branch secretaries and committee members).
"""

from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_HOURS = {"member": Decimal(32), "branch_secretary": Decimal(56), "committee_member": Decimal(56)}


def default_requirement(member, year: int) -> Decimal | None:
    hours = [DEFAULT_HOURS[c] for c in member.role_codes if c in DEFAULT_HOURS]
    return max(hours) if hours else None


def annual_requirement(member, year: int) -> Decimal | None:
    """Hours the member must earn in ``year``; None when no rule applies."""
    provider = import_string(getattr(settings, "LMS_HOUR_REQUIREMENT_PROVIDER",
                                     "lms.records.requirements.default_requirement"))
    return provider(member, year)
