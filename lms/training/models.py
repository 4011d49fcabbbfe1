"""Training plans (per year, versioned), their rules, and the assignments they produce.

A plan's rules match members by role, post (岗位) and/or org-unit subtree and give them
required courses (explicit courses, a whole tier or categories) with a due
date, plus an annual study-hour requirement. Assignments are never deleted:
a rule that stops matching withdraws the assignment (status + timestamp),
so who was assigned what, when and by which rule stays visible.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from lms.catalog.models import Tier

from .signals import plan_saved


class TrainingPlan(ClusterableModel):
    """The training plan of one year, edited by HR in the Wagtail admin."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(
        _("active"), default=True,
        help_text=_("An inactive plan assigns nothing; its open assignments are withdrawn."),
    )
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("name"), FieldPanel("is_active")]),
        FieldPanel("notes"),
        InlinePanel("rules", heading=_("Rules"), label=_("Rule")),
    ]

    class Meta:
        ordering = ["-year"]
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")

    def __str__(self):
        return f"{self.year} {self.name}"

    @property
    def starts_on(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def ends_on(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    def save(self, *args, **kwargs):
        # ClusterableModel.save() commits the rules (and their many-to-many
        # fields) too, so the version recorded afterwards (handlers.py) sees the final rules.
        super().save(*args, **kwargs)
        plan_saved.send(sender=TrainingPlan, instance=self)


class PlanVersion(models.Model):
    """A snapshot of a plan's rules each time they change (the plan's history)."""

    plan = models.ForeignKey(TrainingPlan, on_delete=models.CASCADE, related_name="versions",
                             verbose_name=_("plan"))
    version = models.PositiveIntegerField(_("version"))
    rules = models.JSONField(_("rules"), default=list)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["plan", "-version"]
        constraints = [models.UniqueConstraint(fields=["plan", "version"], name="unique_plan_version")]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")

    def __str__(self):
        return f"{self.plan} v{self.version}"


class PlanRule(Orderable, ClusterableModel):
    """Who (roles, posts and/or org subtree: all that are given must match) must take what
    (courses/tier/categories) by when, and how many hours."""

    class DueMode(models.TextChoices):
        ABSOLUTE = "absolute", _("On a fixed date")
        AFTER_ROLE = "after_role", _("N days after the member gains the role")

    plan = ParentalKey(TrainingPlan, on_delete=models.CASCADE, related_name="rules", verbose_name=_("plan"))
    name = models.CharField(_("name"), max_length=120)
    roles = ParentalManyToManyField(
        "org.Role", blank=True, related_name="+", verbose_name=_("roles"),
        help_text=_("Members holding any of these roles match; leave empty for everyone."),
    )
    posts = ParentalManyToManyField(
        "org.Post", blank=True, related_name="+", verbose_name=pgettext_lazy("job post", "posts"),
        help_text=_("Members holding any of these posts match; leave empty for any post."),
    )
    new_role_holders_only = models.BooleanField(
        _("only members who gained the role this year"), default=False,
        help_text=_("For induction training: members who already held the role before the plan year do not match."),
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("org unit"), help_text=_("Only members in this unit and its sub-units; empty for all units."),
    )
    courses = ParentalManyToManyField("catalog.CoursePage", blank=True, related_name="+",
                                      verbose_name=_("required courses"))
    tier = models.CharField(_("whole tier"), max_length=20, choices=Tier.choices, blank=True,
                            help_text=_("Every published course of this tier is required."))
    categories = ParentalManyToManyField(
        "content_library.Category", blank=True, related_name="+", verbose_name=_("whole categories"),
        help_text=_("Every published course in these categories is required (e.g. the activist induction)."),
    )
    due_mode = models.CharField(_("due"), max_length=20, choices=DueMode.choices, default=DueMode.ABSOLUTE)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_days = models.PositiveIntegerField(_("days after gaining the role"), null=True, blank=True)
    annual_hours = models.DecimalField(
        _("annual study hours"), max_digits=5, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Study hours a matching member must earn in the plan year; the highest applicable rule wins."),
    )

    panels = [
        FieldPanel("name"),
        MultiFieldPanel([FieldPanel("roles"), FieldPanel("posts"), FieldPanel("new_role_holders_only"),
                         FieldPanel("org_unit")],
                        heading=_("Who")),
        MultiFieldPanel([FieldPanel("courses"), FieldPanel("tier"), FieldPanel("categories")],
                        heading=_("Required courses")),
        FieldRowPanel([FieldPanel("due_mode"), FieldPanel("due_date"), FieldPanel("due_days")]),
        FieldPanel("annual_hours"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("plan rule")
        verbose_name_plural = _("plan rules")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.due_mode == self.DueMode.ABSOLUTE and self.due_date is None:
            raise ValidationError({"due_date": _("A fixed due date is required.")})
        if self.due_mode == self.DueMode.AFTER_ROLE and self.due_days is None:
            raise ValidationError({"due_days": _("Give the number of days after the role is gained.")})
        if self.due_date and self.plan_id and self.due_date.year < self.plan.year:
            raise ValidationError({"due_date": _("The due date is before the plan year.")})


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Assignment.Status.ACTIVE)

    def overdue(self, today: datetime.date | None = None):
        return self.filter(status=Assignment.Status.ACTIVE, due_on__lt=today or timezone.localdate())


class Assignment(models.Model):
    """A course a member must complete by a date, from a plan rule or assigned by hand."""

    class Source(models.TextChoices):
        RULE = "rule", _("Training plan")
        MANUAL = "manual", _("Assigned by hand")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    member = models.ForeignKey("org.Member", on_delete=models.PROTECT, related_name="assignments",
                               verbose_name=_("member"))
    course = models.ForeignKey("catalog.CoursePage", on_delete=models.PROTECT, related_name="assignments",
                               verbose_name=_("course"))
    plan = models.ForeignKey(TrainingPlan, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="assignments", verbose_name=_("plan"))
    plan_version = models.PositiveIntegerField(_("plan version"), null=True, blank=True)
    rule = models.ForeignKey(PlanRule, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="assignments", verbose_name=_("rule"))
    rule_name = models.CharField(_("rule name"), max_length=120, blank=True,
                                 help_text=_("Kept even if the rule is later deleted."))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.RULE)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    due_on = models.DateField(_("due on"))
    original_due_on = models.DateField(_("due on when assigned"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("assigned by"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            # One live (active or completed) plan assignment per member, course and plan;
            # withdrawn rows are history and do not block a later re-assignment.
            models.UniqueConstraint(
                fields=["member", "course", "plan"],
                condition=models.Q(source="rule") & models.Q(status__in=["active", "completed"]),
                name="training_rule_assignment_once",
            ),
            models.UniqueConstraint(
                fields=["member", "course"],
                condition=models.Q(source="manual", status="active"),
                name="training_manual_assignment_once",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["member", "status"]),
            models.Index(fields=["plan", "member"]),
        ]

    def __str__(self):
        return f"{self.member} → {self.course} ({self.due_on})"

    def is_overdue_on(self, day: datetime.date) -> bool:
        return self.status == self.Status.ACTIVE and self.due_on < day

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    @property
    def days_overdue(self) -> int:
        return max(0, (timezone.localdate() - self.due_on).days) if self.status == self.Status.ACTIVE else 0


class AssignmentNotice(models.Model):
    """A reminder or escalation sent for an assignment: the row is the exactly-once claim.

    ``claim`` identifies the run that inserted it, so a run learns which notices are its
    own after a conflict-ignoring bulk insert (a doubled beat inserts nothing twice).
    """

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        DUE_TODAY = "due_today", _("Due today")
        OVERDUE = "overdue", _("Overdue")
        ESCALATE_BRANCH = "escalate_branch", _("Escalated to the branch secretary")
        ESCALATE_HR = "escalate_hr", _("Escalated to HR")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="notices",
                                   verbose_name=_("assignment"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    stage = models.PositiveSmallIntegerField(_("days before due"), default=0)
    due_on = models.DateField(_("due date"))
    claim = models.UUIDField(editable=False, db_index=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "kind", "stage", "due_on"], name="training_notice_once"),
        ]
        verbose_name = _("assignment notice")
        verbose_name_plural = _("assignment notices")

    def __str__(self):
        return f"{self.assignment_id} {self.kind}/{self.stage} {self.due_on}"
