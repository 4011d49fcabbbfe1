from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node


class OrgUnit(MP_Node):
    """A node of the organization tree (committee → branch → group …).

    Materialized paths make "this unit and everything under it" a single
    indexed prefix query, which every permission and report scope relies on.
    """

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("Party committee")
        GENERAL_BRANCH = "general_branch", _("General branch")
        BRANCH = "branch", _("Branch")
        GROUP = "group", _("Party group")
        UNIT = "unit", _("Unit")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.UNIT)
    code = models.CharField(_("code"), max_length=60, blank=True)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        names = [a.name for a in self.get_ancestors()] + [self.name]
        return "/".join(names)

    def subtree_q(self, prefix: str = "") -> models.Q:
        """Q object matching rows whose org unit lies in this unit's subtree."""
        return models.Q(**{f"{prefix}path__startswith": self.path})

    def branch(self) -> "OrgUnit":
        """The nearest enclosing branch (self included), or the root-most unit."""
        if self.kind in (self.Kind.BRANCH, self.Kind.GENERAL_BRANCH):
            return self
        for ancestor in reversed(list(self.get_ancestors())):
            if ancestor.kind in (self.Kind.BRANCH, self.Kind.GENERAL_BRANCH):
                return ancestor
        return self

    @classmethod
    def ensure_path(cls, path: str) -> "OrgUnit":
        """Find or create the units named by ``A/B/C`` and return the last one."""
        names = [p.strip() for p in path.replace("／", "/").split("/") if p.strip()]
        if not names:
            raise ValueError("empty org unit path")
        node = cls.get_root_nodes().filter(name=names[0]).first()
        if node is None:
            node = cls.add_root(name=names[0], kind=cls.guess_kind(names[0], 0))
        for depth, name in enumerate(names[1:], start=1):
            child = node.get_children().filter(name=name).first()
            if child is None:
                child = node.add_child(name=name, kind=cls.guess_kind(name, depth))
            node = child
        return node

    @classmethod
    def guess_kind(cls, name: str, depth: int) -> str:
        if name.endswith("党委") or name.endswith("委员会"):
            return cls.Kind.COMMITTEE
        if name.endswith("党总支") or name.endswith("总支部"):
            return cls.Kind.GENERAL_BRANCH
        if name.endswith("支部"):
            return cls.Kind.BRANCH
        if name.endswith("小组"):
            return cls.Kind.GROUP
        return cls.Kind.COMMITTEE if depth == 0 else cls.Kind.UNIT


class Role(models.Model):
    """A role is data: codes are stable identifiers used by rules and imports."""

    MEMBER = "member"
    ACTIVIST = "activist"
    CANDIDATE = "candidate"
    BRANCH_SECRETARY = "branch_secretary"
    COMMITTEE_MEMBER = "committee_member"
    TRAINER = "trainer"
    HR = "hr"

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class Post(models.Model):
    """A post (岗位) is data like a role: codes are stable identifiers used by imports, plan rules, announcements
    and reports (运行操作, 设备维修, 安全管理…). A member holds at most one post."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True, help_text=_(
        "Inactive posts stay on the members who hold them but cannot be chosen for new members."))

    class Meta:
        ordering = ["code"]
        verbose_name = pgettext_lazy("job post", "post")
        verbose_name_plural = pgettext_lazy("job post", "posts")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class MemberQuerySet(models.QuerySet):
    def in_subtree(self, unit: OrgUnit):
        return self.filter(org_unit__path__startswith=unit.path)

    def with_role(self, code: str):
        return self.filter(member_roles__role__code=code)


class Member(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="member", verbose_name=_("user")
    )
    employee_no = models.CharField(_("employee number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="members", verbose_name=_("org unit")
    )
    roles = models.ManyToManyField(Role, through="MemberRole", related_name="members", verbose_name=_("roles"))
    post = models.ForeignKey(Post, on_delete=models.PROTECT, null=True, blank=True, related_name="members",
                             verbose_name=pgettext_lazy("job post", "post"))
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["employee_no"]
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self):
        return f"{self.name} ({self.employee_no})"

    @property
    def role_codes(self) -> set[str]:
        cache = getattr(self, "_role_codes", None)
        if cache is None:
            cache = set(self.member_roles.values_list("role__code", flat=True))
            self._role_codes = cache
        return cache

    def has_role(self, code: str) -> bool:
        return code in self.role_codes

    def set_roles(self, codes: set[str], when=None) -> tuple[set[str], set[str]]:
        """Make the member hold exactly ``codes``; returns (added, removed)."""
        current = set(self.member_roles.values_list("role__code", flat=True))
        added, removed = codes - current, current - codes
        if removed:
            for mr in self.member_roles.filter(role__code__in=removed):
                mr.delete()
        for role in Role.objects.filter(code__in=added):
            MemberRole.objects.create(member=self, role=role, gained_on=when or timezone.localdate())
        self._role_codes = set(codes)
        return added, removed


class MemberRole(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="member_roles")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="member_roles")
    gained_on = models.DateField(_("gained on"), default=timezone.localdate)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "role"], name="unique_member_role")]
        verbose_name = _("member role")
        verbose_name_plural = _("member roles")

    def __str__(self):
        return f"{self.member} – {self.role}"
