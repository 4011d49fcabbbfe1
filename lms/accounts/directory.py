"""Directory login (LDAP / Active Directory) with django-auth-ldap, on when LDAP_SERVER_URI is set.

The directory checks the password; who is logged in is decided here, by the employee number: the user of the
active member whose ``employee_no`` is the entry's LMS_LDAP_EMPLOYEE_NUMBER_ATTR. An entry without a number,
or with one that no member has, is refused (no account is ever created), and so is one that leads to a staff
or superuser account: administrators log in with their local password only. Every refusal is logged.
"""

import logging

from django.conf import settings
from django_auth_ldap.backend import LDAPBackend

from lms.org.models import Member

logger = logging.getLogger(__name__)


def privileged(user) -> bool:
    return bool(user.is_staff or user.is_superuser)


class DirectoryBackend(LDAPBackend):
    def get_or_build_user(self, username, ldap_user):
        attr = getattr(settings, "LMS_LDAP_EMPLOYEE_NUMBER_ATTR", "employeeNumber")
        values = ldap_user.attrs.get(attr) or []
        number = str(values[0]).strip() if values else ""
        member = (Member.objects.filter(employee_no=number).select_related("user").first()
                  if number else None)
        if not number:
            reason = f"the entry has no {attr}"
        elif member is None:
            reason = f"no member has the employee number {number!r}"
        elif not (member.is_active and member.user.is_active):
            reason = f"the member {number!r} or their account is inactive"
        elif privileged(member.user):
            reason = f"the account of {number!r} is a staff or superuser account"
        else:
            return member.user, False
        logger.warning("Directory login of %r (%s) refused: %s.", username, ldap_user.dn, reason)
        raise ldap_user.AuthenticationFailed(reason)

    def get_user(self, user_id):
        """Each request of a directory session: only while the account may still log in this way."""
        user = super().get_user(user_id)
        if user is None or not user.is_active or privileged(user):
            return None
        return user
