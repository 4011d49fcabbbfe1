"""Member import from CSV/XLSX: all rows valid, or nothing is written.

The file states each member as a whole: an empty email, phone or roles cell clears them, and so does an empty
``post`` cell (the member holds no post). A file without a ``post`` column leaves the members' posts as they are,
so files made before posts existed keep working. A post is given by its code or its (Chinese) name; an unknown
post, or an inactive one the member does not already hold, refuses the whole import with the line and the value.
"""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.common.parsing import parse_date, split_codes
from lms.common.tabular import ImportReport, RowError, TabularError, header_of, load_import_rows

from . import signals
from .models import Member, OrgUnit, Post, Role

COLUMNS = ["employee_no", "name", "org_unit_path", "roles", "post", "email", "phone", "joined_on"]
REQUIRED = ["employee_no", "name", "org_unit_path"]
ALIASES = {
    "工号": "employee_no", "员工编号": "employee_no", "姓名": "name", "组织": "org_unit_path",
    "所在组织": "org_unit_path", "组织路径": "org_unit_path", "角色": "roles", "邮箱": "email",
    "电子邮箱": "email", "电话": "phone", "手机": "phone", "手机号": "phone", "加入日期": "joined_on",
    "入党日期": "joined_on", "岗位": "post", "岗位代码": "post", "岗位名称": "post",
}
EMPLOYEE_NO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,19}$")


class PostLookup:
    """Posts by code and by name (codes first: a code is never mistaken for another post's name). An inactive
    post is refused, except for a member who already holds it (as in the member form: re-importing the same
    file does not fail on a retired post)."""

    def __init__(self):
        posts = list(Post.objects.all())
        self.by_code = {p.code.lower(): p for p in posts}
        self.by_name = {p.name: p for p in posts}
        self.retired_held = set(Member.objects.filter(post__is_active=False).values_list("employee_no", "post_id"))

    def error(self, value: str, employee_no: str = "") -> str | None:
        post = self.find(value)
        if post is None:
            return _("unknown post %(v)s (use a post code or name)") % {"v": value}
        if not post.is_active and (employee_no, post.pk) not in self.retired_held:
            return _("post %(v)s is no longer in use") % {"v": value}
        return None

    def find(self, value: str) -> Post | None:
        return self.by_code.get(value.lower()) or self.by_name.get(value)


def _validate(line: int, row: dict, role_codes: set[str], seen: dict[str, int],
              posts: PostLookup | None = None) -> tuple[dict | None, list[RowError]]:
    errors = []
    out = {k: (row.get(k) or "").strip() for k in COLUMNS}
    for col in REQUIRED:
        if not out[col]:
            errors.append(RowError(line, _("%(col)s is required") % {"col": col}))
    emp = out["employee_no"]
    if emp and not EMPLOYEE_NO.match(emp):
        errors.append(RowError(line, _("employee_no %(v)s has invalid characters") % {"v": emp}))
    if emp in seen:
        errors.append(RowError(line, _("employee_no %(v)s is repeated (first on line %(first)d)")
                               % {"v": emp, "first": seen[emp]}))
    elif emp:
        seen[emp] = line
    if len(out["name"]) > 60:
        errors.append(RowError(line, _("name is longer than 60 characters")))
    codes = split_codes(out["roles"])
    unknown = [c for c in codes if c not in role_codes]
    if unknown:
        errors.append(RowError(line, _("unknown role code(s): %(codes)s") % {"codes": ", ".join(unknown)}))
    out["roles"] = set(codes)
    if posts is None:  # no post column: posts stay as they are
        out.pop("post")
    elif out["post"]:
        problem = posts.error(out["post"], emp)
        if problem:
            errors.append(RowError(line, problem))
        else:
            out["post"] = posts.find(out["post"])
    else:
        out["post"] = None
    if out["email"]:
        try:
            validate_email(out["email"])
        except ValidationError:
            errors.append(RowError(line, _("email %(v)s is not valid") % {"v": out["email"]}))
    if out["phone"] and not PHONE.match(out["phone"]):
        errors.append(RowError(line, _("phone %(v)s is not valid") % {"v": out["phone"]}))
    try:
        out["joined_on"] = parse_date(out["joined_on"])
    except ValueError:
        errors.append(RowError(line, _("joined_on %(v)s is not a date (use YYYY-MM-DD)") % {"v": out["joined_on"]}))
    else:
        if out["joined_on"] and out["joined_on"] > timezone.localdate():
            errors.append(RowError(line, _("joined_on is in the future")))
    path_parts = [p for p in out["org_unit_path"].replace("／", "/").split("/") if p.strip()]
    if out["org_unit_path"] and not path_parts:
        errors.append(RowError(line, _("org_unit_path is empty")))
    if any(len(p.strip()) > 120 for p in path_parts):
        errors.append(RowError(line, _("an org unit name is longer than 120 characters")))
    return (None if errors else out), errors


def import_members(data: bytes, filename: str, *, dry_run: bool = False) -> ImportReport:
    report = ImportReport()
    try:
        rows = load_import_rows(data, filename, ALIASES, REQUIRED)
    except TabularError as exc:
        report.errors.append(RowError(1, str(exc)))
        return report
    role_codes = set(Role.objects.values_list("code", flat=True))
    posts = PostLookup() if "post" in header_of(data, filename, ALIASES) else None
    seen: dict[str, int] = {}
    valid = []
    for line, row in rows:
        clean, errors = _validate(line, row, role_codes, seen, posts)
        report.errors.extend(errors)
        if clean:
            valid.append({**clean, "line": line})
    report.errors.extend(_account_errors(rows))
    report.errors.sort(key=lambda e: e.line)
    if report.errors or dry_run:
        return report
    try:
        with transaction.atomic():
            for row in valid:
                outcome = _apply(row)
                setattr(report, outcome, getattr(report, outcome) + 1)
    except AccountRefused as exc:
        # An account changed between the check and the import: nothing was written.
        return ImportReport(errors=[RowError(exc.line, exc.reason)])
    return report


class AccountRefused(Exception):
    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line, self.reason = line, reason


def _refusal(user, employee_no: str) -> str | None:
    """Why a new member ``employee_no`` may not take over the existing account ``user``, if it may not.

    An import only creates accounts for members: it never turns an administrator's account, or another
    member's, into this member's login.
    """
    if user.is_superuser or user.is_staff:
        return _("employee_no %(v)s is the username of an administrator account; it cannot be attached to a "
                 "member") % {"v": employee_no}
    other = Member.objects.filter(user=user).exclude(employee_no=employee_no).values_list("employee_no",
                                                                                           flat=True).first()
    if other is not None:
        return _("employee_no %(v)s is the username of an account already linked to member %(other)s") % {
            "v": employee_no, "other": other}
    return None


def _account_errors(rows: list[tuple[int, dict]]) -> list[RowError]:
    """Rows of new members whose employee number is the username of an account they may not take over."""
    lines = {}
    for line, row in rows:
        emp = (row.get("employee_no") or "").strip()
        if emp:
            lines.setdefault(emp, line)
    existing = set(Member.objects.filter(employee_no__in=lines).values_list("employee_no", flat=True))
    User = get_user_model()
    errors = []
    for user in User.objects.filter(username__in=[e for e in lines if e not in existing]):
        reason = _refusal(user, user.username)
        if reason:
            errors.append(RowError(lines[user.username], reason))
    return errors


def _apply(row: dict) -> str:
    User = get_user_model()
    unit = OrgUnit.ensure_path(row["org_unit_path"])
    member = Member.objects.filter(employee_no=row["employee_no"]).select_related("user", "post").first()
    fields = {"name": row["name"], "org_unit": unit, "email": row["email"], "phone": row["phone"],
              "joined_on": row["joined_on"]}
    if "post" in row:
        fields["post"] = row["post"]
    if member is None:
        user, _created = User.objects.get_or_create(username=row["employee_no"], defaults={"email": row["email"]})
        if _created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            # An activation link (HR) or a password someone else sets: the member changes it at first login.
            signals.account_created_by_import.send(sender=Member, user=user)
        else:
            reason = _refusal(User.objects.select_for_update().get(pk=user.pk), row["employee_no"])
            if reason:
                raise AccountRefused(row["line"], reason)
        member = Member.objects.create(user=user, employee_no=row["employee_no"], **fields)
        member.set_roles(row["roles"])
        return "created"
    changed = [k for k, v in fields.items() if getattr(member, k) != v]
    for k in changed:
        setattr(member, k, fields[k])
    if not member.is_active:
        member.is_active = True
        changed.append("is_active")
    if changed:
        member.save()
    added, removed = member.set_roles(row["roles"])
    return "updated" if (changed or added or removed) else "unchanged"
