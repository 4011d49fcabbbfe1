"""The outbox of statements to forward to an upstream LRS (LMS_XAPI_UPSTREAM_URL), one row per statement id."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ForwardedStatement(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Refused by the upstream LRS")

    statement_id = models.UUIDField(_("statement id"), unique=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Also the lease of a batch being sent: a worker that dies leaves its rows due again after the lease.
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("statement to forward")
        verbose_name_plural = _("statements to forward")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="xapi_fwd_due")]

    def __str__(self):
        return f"{self.statement_id} ({self.state})"
