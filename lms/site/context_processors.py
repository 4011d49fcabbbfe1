from django.urls import reverse

from lms.common.navigation import Viewer, entries_for
from lms.org.scope import is_hr, managed_units, member_of


def site_nav(request):
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    member = member_of(user) if authenticated else None
    viewer = Viewer(authenticated=authenticated, member=member,
                    manages_units=bool(authenticated and managed_units(user)),
                    is_hr=bool(authenticated and is_hr(user)),
                    roles=frozenset(member.role_codes) if member else frozenset())
    return {
        "current_member": member,
        "nav_is_hr": viewer.is_hr,
        "nav_manages_units": viewer.manages_units,
        "nav_entries": [{"key": e.key, "label": e.label, "url": reverse(e.url_name)} for e in entries_for(viewer)]
        if authenticated else [],
    }
