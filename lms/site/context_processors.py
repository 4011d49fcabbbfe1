from lms.org.scope import is_hr, managed_units, member_of


def site_nav(request):
    user = getattr(request, "user", None)
    member = member_of(user) if user else None
    return {
        "current_member": member,
        "nav_is_hr": bool(user and user.is_authenticated and is_hr(user)),
        "nav_manages_units": bool(user and user.is_authenticated and managed_units(user)),
    }
