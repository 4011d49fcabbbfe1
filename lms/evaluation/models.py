"""Survey templates (HR edits them in the admin), their attachment to a course or an activity, and responses.

A member answers an attachment once (``Response`` is unique per member and attachment). Answers keep a copy of
the item's text and of the chosen option texts, so editing a template later never changes what was answered.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable

LIKERT_MIN, LIKERT_MAX = 1, 5
MAX_OPTIONS = 20


class SurveyTemplate(ClusterableModel):
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    anonymous_free_text = models.BooleanField(
        _("free-text answers are anonymous"), default=True,
        help_text=_("When set, nobody sees who wrote a free-text answer (recommended)."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [FieldPanel("title"), FieldPanel("intro"), FieldPanel("anonymous_free_text"), FieldPanel("active"),
              InlinePanel("items", label=_("Questions"), min_num=1)]

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("survey template")
        verbose_name_plural = _("survey templates")

    def __str__(self):
        return self.title


class ItemKind(models.TextChoices):
    LIKERT = "likert", _("Rating 1–5")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Free text")


CHOICE_KINDS = (ItemKind.SINGLE, ItemKind.MULTIPLE)


def split_options(text: str) -> list[str]:
    seen, out = set(), []
    for line in (text or "").splitlines():
        line = line.strip()
        if line and line not in seen:
            seen.add(line)
            out.append(line)
    return out


class SurveyItem(Orderable):
    template = ParentalKey(SurveyTemplate, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices, default=ItemKind.LIKERT)
    text = models.CharField(_("question"), max_length=500)
    options = models.TextField(_("options"), blank=True, help_text=_("Choice questions: one option per line."))
    required = models.BooleanField(_("answer required"), default=True)

    panels = [FieldPanel("kind"), FieldPanel("text"), FieldPanel("options"), FieldPanel("required")]

    class Meta(Orderable.Meta):
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")

    def __str__(self):
        return self.text

    @property
    def option_list(self) -> list[str]:
        return split_options(self.options)

    def clean(self):
        super().clean()
        if self.kind in CHOICE_KINDS:
            count = len(self.option_list)
            if count < 2:
                raise ValidationError({"options": _("A choice question needs at least two options, one per line.")})
            if count > MAX_OPTIONS:
                raise ValidationError({"options": _("At most %(n)d options.") % {"n": MAX_OPTIONS}})


class SurveyAssignment(models.Model):
    """A template attached to a course or to an activity."""

    class Opens(models.TextChoices):
        AFTER_LESSONS = "after_lessons", _("After the member finished the course's lessons")
        ANY_TIME = "any_time", _("Any time while enrolled")

    template = models.ForeignKey(SurveyTemplate, on_delete=models.PROTECT, related_name="assignments",
                                 verbose_name=_("survey template"))
    course = models.ForeignKey("catalog.CoursePage", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("course"))
    activity = models.ForeignKey("activities.Activity", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("activity"),
                                 help_text=_("Activity surveys open to attendees once the activity has ended."))
    required_before_completion = models.BooleanField(
        _("required before the course completes"), default=False,
        help_text=_("Courses only: the course (and its study hours) completes only after the member answered. "
                    "A lesson “Course evaluation” is added to the course for it."))
    opens = models.CharField(_("opens"), max_length=20, choices=Opens.choices, default=Opens.AFTER_LESSONS)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("survey attachment")
        verbose_name_plural = _("survey attachments")
        constraints = [
            models.CheckConstraint(condition=Q(course__isnull=False, activity__isnull=True)
                                   | Q(course__isnull=True, activity__isnull=False), name="evaluation_one_target"),
            models.UniqueConstraint(fields=["template", "course"], condition=Q(course__isnull=False),
                                    name="evaluation_template_course_once"),
            models.UniqueConstraint(fields=["template", "activity"], condition=Q(activity__isnull=False),
                                    name="evaluation_template_activity_once"),
        ]

    def __str__(self):
        return f"{self.template} · {self.target}"

    @property
    def target(self):
        return self.course if self.course_id else self.activity

    @property
    def kind(self) -> str:
        return "course" if self.course_id else "activity"

    def clean(self):
        super().clean()
        if bool(self.course_id) == bool(self.activity_id):
            raise ValidationError(_("Choose either a course or an activity."))
        if self.activity_id and self.required_before_completion:
            raise ValidationError({"required_before_completion": _(
                "Only a course survey can be required before completion.")})
        dupes = SurveyAssignment.objects.filter(template_id=self.template_id).exclude(pk=self.pk)
        if self.course_id and dupes.filter(course_id=self.course_id).exists() or (
                self.activity_id and dupes.filter(activity_id=self.activity_id).exists()):
            raise ValidationError(_("This survey is already attached there."))


class Response(models.Model):
    """One member's answers to one attachment, submitted once."""

    assignment = models.ForeignKey(SurveyAssignment, on_delete=models.CASCADE, related_name="responses",
                                   verbose_name=_("survey attachment"))
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="survey_responses",
                               verbose_name=_("member"))
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [models.UniqueConstraint(fields=["assignment", "member"], name="evaluation_one_response")]
        indexes = [models.Index(fields=["assignment", "submitted_at"], name="evaluation_resp_when")]

    def __str__(self):
        return f"{self.assignment_id}/{self.member_id}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(SurveyItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="answers")
    question = models.CharField(_("question"), max_length=500)  # the item's text when answered
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    choices = models.JSONField(_("chosen options"), default=list, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [models.CheckConstraint(
            condition=Q(rating__isnull=True) | Q(rating__gte=LIKERT_MIN, rating__lte=LIKERT_MAX),
            name="evaluation_rating_range")]

    def __str__(self):
        return f"{self.response_id}: {self.question}"
