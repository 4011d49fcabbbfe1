"""Who may upload SCORM packages: trainers, HR and superusers, as for H5P (package scripts run on our origin)."""

from lms.org.models import Role
from lms.org.scope import is_hr, member_of


def is_trainer(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or is_hr(user):
        return True
    member = member_of(user)
    if member is not None and member.is_active and member.has_role(Role.TRAINER):
        return True
    return user.has_perm("scorm.add_scormpackage")
