"""Who may see, download and revoke certificates: the one rule used by pages, API and admin.

A member sees their own; branch secretaries and HR see those of the members in the units they oversee
(``lms.org.scope.managed_units``); only HR revokes and re-issues, and edits templates, programmes and course
settings. The public verification page needs no rule: it shows a certificate's printed facts to anyone who has
its code, and nothing else.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lms.org.scope import is_hr, managed_units, member_of, units_q

from .models import Certificate


def _managed_q(user) -> Q:
    return units_q(managed_units(user), prefix="member__org_unit__")


def visible_certificates(user) -> QuerySet[Certificate]:
    if not getattr(user, "is_authenticated", False):
        return Certificate.objects.none()
    q = _managed_q(user)
    member = member_of(user)
    if member is not None:
        q |= Q(member=member)
    return Certificate.objects.filter(q)


def can_download(user, certificate: Certificate) -> bool:
    return visible_certificates(user).filter(pk=certificate.pk).exists()


def revocable_certificates(user) -> QuerySet[Certificate]:
    if not is_hr(user):
        return Certificate.objects.none()
    return Certificate.objects.filter(_managed_q(user))


def can_revoke(user, certificate: Certificate) -> bool:
    """HR, for the members of its organization (also re-issue)."""
    return revocable_certificates(user).filter(pk=certificate.pk).exists()


def can_configure(user) -> bool:
    """Templates, programmes and course settings."""
    return is_hr(user)
