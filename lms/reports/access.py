"""Who may run which report over which units; built on lms.org.scope only.

- Members: their own archive, no reports.
- Branch secretaries: reports and archives of their branch subtree.
- HR: reports and archives of every unit in their scope.
- Trainers: the progress of learners in their own courses; no archives.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from lms.org.models import Member, OrgUnit, Post, Role
from lms.org.scope import can_view_member, is_hr, managed_units, member_of, units_q


class ReportAccessDenied(PermissionError):
    """The user may not run this report (for this scope)."""


class ReportInputError(ValueError):
    """Bad report parameters; the message is meant for the user."""


@dataclass
class ReportScope:
    """The units a report covers, already checked against the user's rights."""

    units: list[OrgUnit]
    role: str = ""
    post: str = ""  # a post (岗位) code: only members holding it
    courses_of: Member | None = None  # trainer scope: learners in this trainer's courses
    everything: bool = False  # command line without --org: the whole organization
    extra: dict = field(default_factory=dict)

    def member_q(self, prefix: str = "") -> Q:
        if self.everything:
            q = Q()
        else:
            q = units_q(self.units, prefix=f"{prefix}org_unit__")
        if self.role:
            q &= Q(**{f"{prefix}member_roles__role__code": self.role})
        if self.post:
            q &= Q(**{f"{prefix}post__code": self.post})
        return q

    def members(self) -> QuerySet[Member]:
        qs = Member.objects.filter(self.member_q())
        if self.role:
            qs = qs.distinct()
        return qs

    def member_ids(self) -> QuerySet:
        """A subquery of member ids (never a Python list: scopes hold 100k members)."""
        return Member.objects.filter(self.member_q()).values("pk")

    @property
    def label(self) -> str:
        names = ", ".join(u.full_name for u in self.units) if not self.everything else _("Whole organization")
        if self.role:
            role = Role.objects.filter(code=self.role).first()
            names = f"{names} · {role.name if role else self.role}"
        if self.post:
            post = Post.objects.filter(code=self.post).first()
            names = f"{names} · {post.name if post else self.post}"
        return names


def can_use_reports(user) -> bool:
    return bool(managed_units(user))


def is_trainer(user) -> bool:
    member = member_of(user)
    return bool(member and member.has_role(Role.TRAINER))


def _unit_in(unit: OrgUnit, roots: list[OrgUnit]) -> bool:
    return any(unit.path.startswith(root.path) for root in roots)


def parse_role(value) -> str:
    code = (value or "").strip()
    if code and not Role.objects.filter(code=code).exists():
        raise ReportInputError(_("Unknown role %(code)s.") % {"code": code})
    return code


def parse_post(value) -> str:
    """A post code (inactive posts too: their holders still show in reports)."""
    code = (str(value) if value is not None else "").strip()
    if code and not Post.objects.filter(code=code).exists():
        raise ReportInputError(_("Unknown post %(code)s.") % {"code": code})
    return code


def parse_org(value) -> OrgUnit | None:
    raw = (str(value) if value is not None else "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ReportInputError(_("org must be the id of an org unit."))
    unit = OrgUnit.objects.filter(pk=int(raw)).first()
    if unit is None:
        raise ReportInputError(_("There is no org unit with id %(id)s.") % {"id": raw})
    return unit


def report_scope(user, org=None, role: str = "", post: str = "") -> ReportScope:
    """Scope for the HR reports; raises ReportAccessDenied outside the user's units."""
    roots = managed_units(user)
    if not roots:
        raise ReportAccessDenied(_("Reports are available to HR and branch secretaries only."))
    unit = parse_org(org) if not isinstance(org, OrgUnit) else org
    if unit is not None:
        if not _unit_in(unit, roots):
            raise ReportAccessDenied(_("%(unit)s is outside the units you manage.") % {"unit": unit.full_name})
        roots = [unit]
    return ReportScope(units=roots, role=parse_role(role), post=parse_post(post))


def trainer_scope(user, org=None, role: str = "", post: str = "") -> ReportScope:
    """Scope for the course-progress report: own courses (trainers) and/or managed units (HR, secretaries)."""
    roots = managed_units(user)
    trainer = member_of(user) if is_trainer(user) else None
    if not roots and trainer is None:
        raise ReportAccessDenied(_("Course progress is available to trainers, HR and branch secretaries."))
    unit = parse_org(org) if not isinstance(org, OrgUnit) else org
    if unit is not None:
        if roots and not _unit_in(unit, roots) and trainer is None:
            raise ReportAccessDenied(_("%(unit)s is outside the units you manage.") % {"unit": unit.full_name})
    scope = ReportScope(units=roots, role=parse_role(role), post=parse_post(post), courses_of=trainer)
    scope.extra["org"] = unit
    return scope


def shell_scope(org=None, role: str = "", post: str = "") -> ReportScope:
    """The command line runs with the rights of the server: any unit, or everything."""
    unit = parse_org(org) if not isinstance(org, OrgUnit) else org
    if unit is None:
        return ReportScope(units=list(OrgUnit.get_root_nodes()), role=parse_role(role), post=parse_post(post),
                           everything=True)
    return ReportScope(units=[unit], role=parse_role(role), post=parse_post(post))


def can_view_archive(user, member: Member) -> bool:
    """Own archive; branch secretaries and HR within their scope. Trainers get no archives."""
    return can_view_member(user, member)


def can_correct(user, member: Member) -> bool:
    """HR and branch secretaries may reverse entries of members in scope, never their own."""
    if member.user_id == getattr(user, "pk", None):
        return False
    return bool(managed_units(user)) and can_view_member(user, member)


def can_read_audit_log(user) -> bool:
    return is_hr(user)
