"""Writing and reading the report audit log."""

from django.db.models import Q, QuerySet

from lms.org.scope import is_hr, managed_units, visible_members

from .models import AuditLogEntry

Action = AuditLogEntry.Action
Channel = AuditLogEntry.Channel


def record(user, action: str, report: str, *, params: dict | None = None, scope=None, member=None,
           fmt: str = "", rows: int | None = None, channel: str = Channel.WEB,
           username: str = "") -> AuditLogEntry:
    """Append one audit line. ``scope`` is a ReportScope, a list of units, or None (archives use member)."""
    units = []
    label = ""
    if scope is not None:
        units = list(getattr(scope, "units", scope) or [])
        label = getattr(scope, "label", None) or ", ".join(u.full_name for u in units)
    elif member is not None:
        label = f"{member.name} ({member.employee_no})"
        units = [member.org_unit]
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    entry = AuditLogEntry.objects.create(
        user=user if authenticated else None,
        username=(user.get_username() if authenticated else username)[:150],
        action=action, channel=channel, report=report, params=params or {}, scope=label[:500],
        member=member, format=fmt, row_count=rows,
    )
    if units:
        entry.scope_units.set(units)
    return entry


def record_export(user, *, name: str, fmt: str, rows: int, units, params: dict) -> AuditLogEntry:
    """The audit line of an export made through lms.common.exports (e.g. the branch training status)."""
    return record(user, Action.EXPORT, name, params=params, scope=units, fmt=fmt, rows=rows)


def visible_entries(user) -> QuerySet[AuditLogEntry]:
    """HR read the audit lines of their scope: actions on their units or by people in them."""
    if not is_hr(user):
        return AuditLogEntry.objects.none()
    if getattr(user, "is_superuser", False):
        return AuditLogEntry.objects.all()
    q = Q(user__member__in=visible_members(user))
    for unit in managed_units(user):
        q |= Q(scope_units__path__startswith=unit.path)
    return AuditLogEntry.objects.filter(q).distinct()
