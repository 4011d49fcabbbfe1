"""The study-hour ledger: append-only, corrections are reversing entries."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import sources


class LedgerImmutable(ValidationError):
    pass


class StudyHourQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LedgerImmutable(_("Ledger entries cannot be changed; add a reversing entry instead."))

    def delete(self):
        raise LedgerImmutable(_("Ledger entries cannot be deleted; add a reversing entry instead."))

    def for_year(self, year: int):
        return self.filter(year=year)

    def total_hours(self):
        from django.db.models import Sum

        return self.aggregate(total=Sum("hours"))["total"] or 0


class StudyHourEntry(models.Model):
    member = models.ForeignKey("org.Member", on_delete=models.PROTECT, related_name="study_hours",
                               verbose_name=_("member"))
    date = models.DateField(_("date"))
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    source = models.CharField(_("source"), max_length=20, choices=sources.choices)  # registered by the apps
    reference = models.CharField(
        _("reference"), max_length=120, blank=True,
        help_text=_("What earned the hours, e.g. course:12; unique per member and source."),
    )
    title = models.CharField(_("title"), max_length=200)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = StudyHourQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("study-hour entry")
        verbose_name_plural = _("study-hour entries")
        constraints = [
            # The database itself refuses a second credit for the same thing:
            # this is what makes crediting exactly-once under concurrency.
            models.UniqueConstraint(
                fields=["member", "source", "reference"],
                condition=models.Q(reverses__isnull=True) & ~models.Q(reference=""),
                name="ledger_credit_once",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "year"]),
            models.Index(fields=["year", "source"]),
        ]

    def __str__(self):
        return f"{self.member} {self.date} {self.hours}h {self.title}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise LedgerImmutable(_("Ledger entries cannot be changed; add a reversing entry instead."))
        if self.year is None and self.date:
            self.year = self.date.year
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutable(_("Ledger entries cannot be deleted; add a reversing entry instead."))

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None
