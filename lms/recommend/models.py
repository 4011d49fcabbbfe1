"""Stored recommendations, dismissals, talk completions and the recompute bookkeeping.

Items are courses (``catalog.CoursePage``) or talks (``content_library.Talk``): each row names
exactly one of the two through a pair of nullable foreign keys (a check constraint enforces it),
so deleting a course or talk cleans up its rows.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _one_item(prefix: str = "") -> Q:
    course, talk = f"{prefix}course__isnull", f"{prefix}talk__isnull"
    return Q(**{course: False, talk: True}) | Q(**{course: True, talk: False})


class ItemMixin:
    """``item`` / ``kind`` / ``item_id`` of a row with a course and a talk foreign key."""

    @property
    def kind(self) -> str:
        return "course" if self.course_id else "talk"

    @property
    def item(self):
        return self.course if self.course_id else self.talk

    @property
    def item_id(self) -> int:
        return self.course_id or self.talk_id


class Recommendation(ItemMixin, models.Model):
    class Section(models.TextChoices):
        REQUIRED = "required", _("Required for you")
        FOR_YOU = "for_you", _("Recommended for you")

    class Reason(models.TextChoices):
        REQUIRED = "required", _("Required or assigned, not done yet")
        COMPLETED_WITH = "completed_with", _("Completed by members who completed an item you completed")
        SIMILAR_CONTENT = "similar_content", _("Close in content to an item you completed")
        PEERS = "peers", _("Often completed by your branch colleagues in the same role")
        ROLE_PEERS = "role_peers", _("Often completed by members in the same role")
        POPULAR = "popular", _("Popular across the organization")
        WEAK_TOPIC = "weak_topic", _("Strengthens a question category the member scored low in")

    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="recommendations",
                               verbose_name=_("member"))
    section = models.CharField(_("section"), max_length=10, choices=Section.choices)
    rank = models.PositiveSmallIntegerField(_("rank"))
    course = models.ForeignKey("catalog.CoursePage", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("course"))
    talk = models.ForeignKey("content_library.Talk", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("talk"))
    score = models.FloatField(_("score"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    # What the reason refers to: the completed course/talk, or the peer role.
    reason_course = models.ForeignKey("catalog.CoursePage", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("because of course"))
    reason_talk = models.ForeignKey("content_library.Talk", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("because of talk"))
    reason_role = models.ForeignKey("org.Role", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("peer role"))
    # A weak-topic recommendation: the question category the member scored low in (lms.quizzes).
    reason_category = models.ForeignKey("quizzes.QuestionCategory", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name=_("weak question category"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        ordering = ["member", "section", "rank"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.CheckConstraint(condition=_one_item(), name="recommend_rec_one_item"),
            models.UniqueConstraint(fields=["member", "course"], condition=Q(course__isnull=False),
                                    name="recommend_rec_member_course"),
            models.UniqueConstraint(fields=["member", "talk"], condition=Q(talk__isnull=False),
                                    name="recommend_rec_member_talk"),
        ]
        indexes = [models.Index(fields=["member", "section", "rank"], name="recommend_rec_member_rank")]

    def __str__(self):
        return f"{self.member_id} {self.section}#{self.rank} {self.kind}:{self.item_id}"

    @property
    def reason_item(self):
        return self.reason_course if self.reason_course_id else self.reason_talk


class Dismissal(ItemMixin, models.Model):
    """A member said "not interested": the item is never recommended to them again."""

    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="recommendation_dismissals",
                               verbose_name=_("member"))
    course = models.ForeignKey("catalog.CoursePage", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("course"))
    talk = models.ForeignKey("content_library.Talk", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("talk"))
    created_at = models.DateTimeField(_("dismissed at"), default=timezone.now)

    class Meta:
        verbose_name = _("dismissed recommendation")
        verbose_name_plural = _("dismissed recommendations")
        constraints = [
            models.CheckConstraint(condition=_one_item(), name="recommend_dismissal_one_item"),
            models.UniqueConstraint(fields=["member", "course"], condition=Q(course__isnull=False),
                                    name="recommend_dismissal_member_course"),
            models.UniqueConstraint(fields=["member", "talk"], condition=Q(talk__isnull=False),
                                    name="recommend_dismissal_member_talk"),
        ]

    def __str__(self):
        return f"{self.member_id} ✕ {self.kind}:{self.item_id}"


class TalkCompletion(models.Model):
    """A member marked a talk as done (outside a course).

    A talk also counts as completed when the member completed a lesson whose video is the
    talk (``LessonProgress.completed_at``: the progress app enforces the 90 %-watched rule),
    so lessons need no row here.
    """

    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="talk_completions",
                               verbose_name=_("member"))
    talk = models.ForeignKey("content_library.Talk", on_delete=models.CASCADE, related_name="completions",
                             verbose_name=_("talk"))
    completed_at = models.DateTimeField(_("completed at"), default=timezone.now)

    class Meta:
        verbose_name = _("talk completion")
        verbose_name_plural = _("talk completions")
        constraints = [models.UniqueConstraint(fields=["member", "talk"], name="recommend_talk_completion_once")]

    def __str__(self):
        return f"{self.member_id} ✓ talk:{self.talk_id}"


class ItemNeighbour(models.Model):
    """An item's nearest items by one signal, stored by the full recompute.

    ``cf`` rows feed "members who completed this also completed" (``co_count`` = members who
    completed both); ``content`` rows let incremental recomputes reuse the text similarity
    without segmenting every transcript again.
    """

    class Signal(models.TextChoices):
        CF = "cf", _("Completed by the same members")
        CONTENT = "content", _("Similar content")

    signal = models.CharField(_("signal"), max_length=10, choices=Signal.choices)
    source_course = models.ForeignKey("catalog.CoursePage", null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="+")
    source_talk = models.ForeignKey("content_library.Talk", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="+")
    course = models.ForeignKey("catalog.CoursePage", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    talk = models.ForeignKey("content_library.Talk", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    co_count = models.PositiveIntegerField(_("members who completed both"), default=0)

    class Meta:
        verbose_name = _("similar item")
        verbose_name_plural = _("similar items")
        constraints = [
            models.CheckConstraint(condition=_one_item(), name="recommend_neighbour_one_item"),
            models.CheckConstraint(condition=_one_item("source_"), name="recommend_neighbour_one_source"),
        ]
        indexes = [
            models.Index(fields=["signal", "source_course", "rank"], name="recommend_nb_course"),
            models.Index(fields=["signal", "source_talk", "rank"], name="recommend_nb_talk"),
        ]


class DirtyMember(models.Model):
    """A member whose recommendations are stale (a completion since the last compute)."""

    member = models.OneToOneField("org.Member", on_delete=models.CASCADE, primary_key=True, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)


class RecomputeRun(models.Model):
    """One recompute (nightly full or incremental), with its outcome."""

    class Kind(models.TextChoices):
        FULL = "full", _("All members")
        INCREMENTAL = "incremental", _("Members with new completions")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    members = models.PositiveIntegerField(_("members"), default=0)
    recommendations = models.PositiveIntegerField(_("recommendations"), default=0)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("recommendation run")
        verbose_name_plural = _("recommendation runs")

    def __str__(self):
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class FlushSchedule(models.Model):
    """Singleton (pk=1): when the pending incremental recompute is due; null = none pending.

    Completions in a burst find a flush already pending and only mark their member dirty,
    so they coalesce into one recompute.
    """

    due_at = models.DateTimeField(null=True, blank=True)
