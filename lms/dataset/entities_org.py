"""Roles, posts, org units and members: the people side of the standard."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils.translation import gettext as _

from lms.org import signals as org_signals
from lms.org.models import Member, MemberRole, OrgUnit, Post, Role

from .base import CREATED, UNCHANGED, UPDATED, Entity, ExportScope, unit_id
from .standard import (
    BOOLEAN,
    CODES,
    DATE,
    ENUM,
    JSON,
    REF,
    STRING,
    TEXT,
    Field,
    Invalid,
    parse_value,
    write_date,
)

CODE = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")
EMPLOYEE_NO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


def _changed(obj, values: dict) -> list[str]:
    names = [k for k, v in values.items() if getattr(obj, k) != v]
    for k in names:
        setattr(obj, k, values[k])
    return names


class _CodeList(Entity):
    """A code list that is data (roles, posts): created or renamed by code, never deleted by an import."""

    model = Role
    names = ("name", "name_en")

    def key(self, row):
        return row["code"]

    def check(self, row, ctx):
        return [] if CODE.match(row["code"]) else [("code", _("a code has only letters, digits, - and _"))]

    def find(self, ident, ctx):
        return self.model.objects.filter(code=ident).first()

    def apply(self, row, ctx):
        values = {k: "" if row[k] is None else row[k] for k in self.names}
        obj = ctx.local(self.name, row["code"])
        if obj is None:
            ctx.remember(self.name, row["code"], self.model.objects.create(code=row["code"], **values))
            return CREATED
        if _changed(obj, values):
            obj.save()
            return UPDATED
        return UNCHANGED


class Roles(_CodeList):
    name = "roles"
    fields = [Field("code", STRING, max_length=40), Field("name", STRING, max_length=60),
              Field("name_en", STRING, required=False, max_length=60),
              Field("description", TEXT, required=False)]
    names = ("name", "name_en", "description")

    def export(self, scope):
        for r in Role.objects.order_by("code"):
            yield {"code": r.code, "name": r.name, "name_en": r.name_en, "description": r.description}


class Posts(_CodeList):
    name = "posts"
    model = Post
    fields = [Field("code", STRING, max_length=40), Field("name", STRING, max_length=60),
              Field("name_en", STRING, required=False, max_length=60), Field("is_active", BOOLEAN)]
    names = ("name", "name_en", "is_active")

    def export(self, scope):
        for p in Post.objects.order_by("code"):
            yield {"code": p.code, "name": p.name, "name_en": p.name_en, "is_active": p.is_active}


def _unit_by_path(names: list[str]) -> OrgUnit | None:
    node = OrgUnit.get_root_nodes().filter(name=names[0]).first()
    for name in names[1:]:
        if node is None:
            return None
        node = node.get_children().filter(name=name).first()
    return node


class OrgUnits(Entity):
    name = "org_units"
    cacheable = False  # a sorted insert renumbers siblings' paths
    fields = [Field("id", STRING, max_length=400), Field("code", STRING, required=False, max_length=60),
              Field("name", STRING, max_length=120), Field("kind", ENUM, codes=lambda ctx: OrgUnit.Kind.values),
              Field("parent", REF, required=False, ref="org_units")]

    def export(self, scope: ExportScope):
        units = OrgUnit.objects.order_by("path")
        if not scope.everything:
            # The scope's subtrees and the units above them, so the tree can be rebuilt from the root.
            paths = {u.path[:n] for u in scope.units for n in range(OrgUnit.steplen, len(u.path), OrgUnit.steplen)}
            units = units.filter(scope.q("") | Q(path__in=paths))
        by_path: dict[str, OrgUnit] = {}
        for unit in units:
            by_path[unit.path] = unit
            parent = by_path.get(unit.path[:-OrgUnit.steplen]) if unit.depth > 1 else None
            unit._full = (parent._full + "/" if parent else "") + unit.name  # full_name without a query per unit
            yield {"id": unit.code or "path:" + unit._full, "code": unit.code, "name": unit.name, "kind": unit.kind,
                   "parent": (parent.code or "path:" + parent._full) if parent else None}

    def check(self, row, ctx):
        problems = []
        parent = row["parent"]
        if parent and ctx.in_dataset(self.name, parent) and ctx.rows[self.name][parent]["_line"] >= row["_line"]:
            return [("parent", _("a parent unit must come before its children"))]
        if parent and ctx.in_dataset(self.name, parent):
            above = ctx.rows[self.name][parent].get("_full")
        else:
            local = ctx.local(self.name, parent) if parent else None
            above = local.full_name if local else None
        row["_full"] = (above + "/" if above else "") + row["name"]
        if row["id"].startswith("path:"):
            if row["code"]:
                problems.append(("id", _("a unit with a code is identified by its code")))
            elif (not parent or above) and row["id"][5:] != row["_full"]:
                problems.append(("id", _("the path does not match the parent and the name")))
        elif row["id"] != row["code"]:
            problems.append(("id", _("must equal the code (or be path: and the names from the root)")))
        return problems

    def find(self, ident, ctx):
        if ident.startswith("path:"):
            names = [n for n in ident[5:].split("/") if n]
            return _unit_by_path(names) if names else None
        return OrgUnit.objects.filter(code=ident).order_by("path").first()

    def apply(self, row, ctx):
        parent = ctx.local(self.name, row["parent"]) if row["parent"] else None
        unit = ctx.local(self.name, row["id"])
        values = {"name": row["name"], "kind": row["kind"], "code": row["code"] or ""}
        if unit is None:
            if parent is None:
                OrgUnit.add_root(**values)
            else:
                parent.add_child(**values)
            return CREATED
        changed = _changed(unit, values)
        if changed:
            unit.save()
        current_parent = unit.get_parent()
        if (current_parent.pk if current_parent else None) != (parent.pk if parent else None):
            if parent is None:
                unit.move(OrgUnit.get_first_root_node(), "sorted-sibling")
            else:
                unit.move(parent, "sorted-child")
            changed.append("parent")
        return UPDATED if changed else UNCHANGED


def _role_codes(ctx):
    return ctx.codes("roles", Role)


def _post_codes(ctx):
    return ctx.codes("posts", Post)


class Members(Entity):
    name = "members"
    fields = [Field("employee_no", STRING, max_length=40), Field("name", STRING, max_length=60),
              Field("org_unit", REF, ref="org_units"), Field("roles", CODES, codes=_role_codes),
              Field("roles_gained_on", JSON, required=False),
              Field("post", ENUM, required=False, codes=_post_codes),
              Field("email", STRING, required=False, max_length=254),
              Field("phone", STRING, required=False, max_length=30), Field("joined_on", DATE, required=False),
              Field("is_active", BOOLEAN)]

    def key(self, row):
        return row["employee_no"]

    def export(self, scope):
        members = (Member.objects.filter(scope.q("org_unit__")).select_related("org_unit", "post")
                   .prefetch_related("member_roles__role").order_by("employee_no"))
        units: dict[int, str] = {}
        for m in members.iterator(chunk_size=2000):
            if m.org_unit_id not in units:
                units[m.org_unit_id] = unit_id(m.org_unit)
            held = sorted(m.member_roles.all(), key=lambda mr: mr.role.code)
            yield {"employee_no": m.employee_no, "name": m.name, "org_unit": units[m.org_unit_id],
                   "roles": [mr.role.code for mr in held],
                   "roles_gained_on": {mr.role.code: write_date(mr.gained_on) for mr in held},
                   "post": m.post.code if m.post_id else None, "email": m.email, "phone": m.phone,
                   "joined_on": write_date(m.joined_on), "is_active": m.is_active}

    def check(self, row, ctx):
        problems = []
        if not EMPLOYEE_NO.match(row["employee_no"]):
            problems.append(("employee_no", _("only letters, digits, _ . - (at most 40)")))
        if row["email"]:
            try:
                validate_email(row["email"])
            except ValidationError:
                problems.append(("email", _("not a valid e-mail address")))
        gained = row["roles_gained_on"] or {}
        if not isinstance(gained, dict) or set(gained) - set(row["roles"]):
            problems.append(("roles_gained_on", _("must map role codes of this member to dates")))
        else:
            try:
                row["roles_gained_on"] = {k: parse_value(Field(k, DATE), v) for k, v in gained.items()}
            except Invalid as exc:
                problems.append(("roles_gained_on", str(exc)))
        if ctx.local(self.name, row["employee_no"]) is None:
            user = get_user_model().objects.filter(username=row["employee_no"]).first()
            if user is not None and (user.is_staff or user.is_superuser):
                problems.append(("employee_no", _("is the username of an administrator account")))
            elif user is not None and Member.objects.filter(user=user).exists():
                problems.append(("employee_no", _("is the username of an account linked to another member")))
        return problems

    def find(self, ident, ctx):
        return Member.objects.filter(employee_no=ident).select_related("user").first()

    def apply(self, row, ctx):
        member = ctx.local(self.name, row["employee_no"])
        post = ctx.local("posts", row["post"]) if row["post"] else None
        values = {"name": row["name"], "org_unit_id": ctx.local("org_units", row["org_unit"]).pk,
                  "post_id": post.pk if post else None, "email": row["email"] or "", "phone": row["phone"] or "",
                  "joined_on": row["joined_on"], "is_active": row["is_active"]}
        outcome = UNCHANGED
        if member is None:
            User = get_user_model()
            user, created = User.objects.get_or_create(username=row["employee_no"],
                                                       defaults={"email": row["email"] or ""})
            if created:
                # No password travels in the standard: the member activates the account like an imported one.
                user.set_unusable_password()
                user.save(update_fields=["password"])
                org_signals.account_created_by_import.send(sender=Member, user=user)
            member = Member.objects.create(user=user, employee_no=row["employee_no"], **values)
            ctx.remember(self.name, row["employee_no"], member)
            outcome = CREATED
        elif _changed(member, values):
            member.save()
            outcome = UPDATED
        if self._set_roles(member, row["roles"], row["roles_gained_on"] or {}) and outcome == UNCHANGED:
            outcome = UPDATED
        return outcome

    @staticmethod
    def _set_roles(member: Member, codes: list[str], gained: dict) -> bool:
        held = {mr.role.code: mr for mr in member.member_roles.select_related("role")}
        changed = False
        for code, mr in held.items():
            if code not in codes:
                mr.delete()
                changed = True
            elif gained.get(code) and mr.gained_on != gained[code]:
                mr.gained_on = gained[code]
                mr.save(update_fields=["gained_on"])
                changed = True
        roles = {r.code: r for r in Role.objects.filter(code__in=[c for c in codes if c not in held])}
        for code in codes:
            if code not in held:
                extra = {"gained_on": gained[code]} if gained.get(code) else {}
                MemberRole.objects.create(member=member, role=roles[code], **extra)
                changed = True
        member.__dict__.pop("_role_codes", None)
        return changed
