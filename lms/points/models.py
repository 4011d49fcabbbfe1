"""Points (积分): rules HR edits, the append-only points ledger and what is kept beside it (a member's account row,
the per-period totals the leaderboards read, the verified study time per day)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Action(models.TextChoices):
    LESSON = "lesson", _("Lesson completed")
    COURSE = "course", _("Course completed")
    QUIZ = "quiz", _("Quiz passed")
    EXAM = "exam", _("Exam score band")
    ACTIVITY = "activity", _("Organizational life attended")
    STUDY = "study", _("Daily study time")
    TALK = "talk", _("Video watched to the end")


class PointRule(models.Model):
    """One way of earning points. Rules are data: HR adds, changes and switches them off in the admin; a change
    applies to events from then on, points already credited stay as they were."""

    name = models.CharField(_("name"), max_length=80)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    points = models.PositiveSmallIntegerField(pgettext_lazy("points", "points"), default=1,
                                              help_text=_("Points for each event."))
    daily_cap = models.PositiveIntegerField(
        _("daily cap"), default=0, help_text=_("Most points a member earns from this rule in one day; 0: no cap."))
    yearly_cap = models.PositiveIntegerField(
        _("yearly cap"), default=0, help_text=_("Most points a member earns from this rule in one year; 0: no cap."))
    valid_days = models.PositiveIntegerField(
        _("validity (days)"), default=0,
        help_text=_("Points expire this many days after they were earned; 0: they do not expire."))
    min_minutes = models.PositiveSmallIntegerField(
        _("minimum minutes"), default=0, help_text=_("Daily study time: the verified minutes a day needs."))
    min_percent = models.PositiveSmallIntegerField(
        _("from score (%)"), default=0, help_text=_("Exam score band: lowest score, in percent of the maximum."))
    max_percent = models.PositiveSmallIntegerField(
        _("to score (%)"), default=100, help_text=_("Exam score band: highest score, in percent of the maximum."))
    starts_on = models.DateField(_("applies from"), null=True, blank=True)
    ends_on = models.DateField(_("applies until"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    code = models.SlugField(_("code"), max_length=40, blank=True, help_text=_("Set for the rules seeded at set-up."))
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("point rule")
        verbose_name_plural = _("point rules")
        constraints = [models.UniqueConstraint(fields=["code"], condition=~models.Q(code=""),
                                               name="points_rule_code_once")]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.points is not None and self.points < 1:
            errors["points"] = _("A rule gives at least one point.")
        if self.min_percent is not None and self.min_percent > 100:
            errors["min_percent"] = _("A percentage is at most 100.")
        if self.max_percent is not None and self.max_percent > 100:
            errors["max_percent"] = _("A percentage is at most 100.")
        if (self.min_percent or 0) > (self.max_percent if self.max_percent is not None else 100):
            errors["max_percent"] = _("The band ends below where it starts.")
        if self.action == Action.STUDY and not self.min_minutes:
            errors["min_minutes"] = _("Daily study time needs a number of minutes.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The rule ends before it starts.")
        if errors:
            raise ValidationError(errors)

    def applies_on(self, day: datetime.date) -> bool:
        return self.active and (self.starts_on is None or day >= self.starts_on) and (
            self.ends_on is None or day <= self.ends_on)

    def expires_on(self, day: datetime.date) -> datetime.date | None:
        return day + datetime.timedelta(days=self.valid_days) if self.valid_days else None


class PointAccount(models.Model):
    """A member's points account: the privacy setting, and the row every credit of the member locks first, so
    caps are checked one credit at a time (select_for_update; SQLite serializes writing transactions anyway)."""

    member = models.OneToOneField("org.Member", primary_key=True, on_delete=models.CASCADE,
                                  related_name="point_account", verbose_name=_("member"))
    hide_name = models.BooleanField(_("hide my name on leaderboards"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")

    def __str__(self):
        return str(self.member_id)


class LedgerImmutable(ValidationError):
    pass


class PointEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LedgerImmutable(_("Point entries cannot be changed; add a reversing entry instead."))

    def delete(self):
        raise LedgerImmutable(_("Point entries cannot be deleted; add a reversing entry instead."))

    def live(self, today: datetime.date):
        """Entries that have not expired on ``today``."""
        return self.filter(models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=today))


class PointEntry(models.Model):
    """One credit (or its reversal) in the append-only points ledger."""

    member = models.ForeignKey("org.Member", on_delete=models.PROTECT, related_name="point_entries",
                               verbose_name=_("member"))
    rule = models.ForeignKey(PointRule, on_delete=models.PROTECT, related_name="entries", verbose_name=_("rule"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    source_key = models.CharField(_("source"), max_length=120,
                                  help_text=_("The event that earned the points, e.g. lesson:12."))
    title = models.CharField(_("title"), max_length=200)
    points = models.IntegerField(pgettext_lazy("points", "points"))
    rule_points = models.PositiveSmallIntegerField(_("points of the rule"), default=0)
    date = models.DateField(_("date"), help_text=_("The day earned, in the configured time zone."))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by", verbose_name=_("reverses"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = PointEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("point entry")
        verbose_name_plural = _("point entries")
        constraints = [
            # The database refuses a second credit for the same event under the same rule: exactly once.
            models.UniqueConstraint(fields=["member", "rule", "source_key"],
                                    condition=models.Q(reverses__isnull=True), name="points_credit_once"),
        ]
        indexes = [
            models.Index(fields=["member", "date"], name="points_entry_member_date"),
            models.Index(fields=["member", "action", "source_key"], name="points_entry_source"),
        ]

    def __str__(self):
        return f"{self.member_id} {self.date} {self.points} {self.title}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise LedgerImmutable(_("Point entries cannot be changed; add a reversing entry instead."))
        self.year, self.month = self.date.year, self.date.month
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutable(_("Point entries cannot be deleted; add a reversing entry instead."))

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    @property
    def capped(self) -> bool:
        return not self.is_reversal and self.points < self.rule_points


class PointTotal(models.Model):
    """A member's points in a month (``month`` 1–12) and in the year (``month`` 0), kept up to date with every
    ledger entry (same transaction, under the member's lock): what leaderboards and reports add up.
    ``services.rebuild_totals`` recomputes them from the ledger."""

    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="point_totals",
                               verbose_name=_("member"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    points = models.IntegerField(pgettext_lazy("points", "points"), default=0)

    class Meta:
        verbose_name = _("points total")
        verbose_name_plural = _("points totals")
        constraints = [models.UniqueConstraint(fields=["member", "year", "month"], name="points_total_once")]
        # Leaderboards read one period's rows with their member and points: an index-only scan on PostgreSQL
        # (``include`` is left out where the database has no covering indexes).
        indexes = [models.Index(fields=["year", "month", "member"], include=["points"], name="points_total_period")]


class StudyDay(models.Model):
    """Verified study time of a member on a day (the configured time zone): the seconds the server counted from
    lesson heartbeats (lms.progress), never a figure the client reported."""

    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    seconds = models.FloatField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "date"], name="points_study_day_once")]


class StudySeen(models.Model):
    """How much of a lesson progress row's counted study time has already gone into StudyDay."""

    progress_id = models.BigIntegerField(unique=True)
    seconds = models.FloatField(default=0)
