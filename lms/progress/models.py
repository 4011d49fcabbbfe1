from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Enrollment(models.Model):
    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        ASSIGNMENT = "assignment", _("Assigned")
        ADMIN = "admin", _("Enrolled by an administrator")

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("In progress")
        COMPLETED = "completed", _("Completed")

    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="enrollments",
                               verbose_name=_("member"))
    course = models.ForeignKey("catalog.CoursePage", on_delete=models.CASCADE, related_name="enrollments",
                               verbose_name=_("course"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.SELF)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ENROLLED)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "course"], name="unique_enrollment")]
        indexes = [models.Index(fields=["course", "status"])]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")

    def __str__(self):
        return f"{self.member} → {self.course}"


class LessonProgress(models.Model):
    """Progress of one member in one lesson.

    ``watched`` holds merged [start, end) second intervals actually played,
    so re-watching does not inflate the count and skipping ahead earns nothing.
    """

    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="lesson_progress",
                               verbose_name=_("member"))
    lesson = models.ForeignKey("catalog.LessonPage", on_delete=models.CASCADE, related_name="progress",
                               verbose_name=_("lesson"))
    watched = models.JSONField(_("watched intervals"), default=list, blank=True)
    watched_seconds = models.FloatField(_("seconds watched"), default=0)
    last_position = models.FloatField(null=True, blank=True)
    last_beat_at = models.DateTimeField(null=True, blank=True)
    # When the current run of continuous beats began: of a member's lessons beating at once, only the one
    # whose run began last is credited (services.record_heartbeat).
    stream_started_at = models.DateTimeField(null=True, blank=True)
    time_spent_seconds = models.FloatField(_("time spent (s)"), default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "lesson"], name="unique_lesson_progress")]
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")

    def __str__(self):
        return f"{self.member} @ {self.lesson_id}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None
