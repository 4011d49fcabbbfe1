"""Announcements (通知公告), their attachments and one recipient row per member reached, made when published.

Materializing the recipients keeps the statistics plain grouped counts and makes every reminder and escalation
exactly once: a notice is sent by whoever sets the row's stamp with a conditional UPDATE."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lms.org.models import Member, OrgUnit, Post, Role


class AnnouncementQuerySet(models.QuerySet):
    def live(self):
        """Published and not withdrawn."""
        return self.filter(published_at__isnull=False, withdrawn_at__isnull=True)


class Announcement(models.Model):
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Plain text; blank lines separate paragraphs."))
    publisher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("publisher"))
    publisher_unit = models.ForeignKey(OrgUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                       verbose_name=_("publishing unit"))
    target_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="announcements",
                                    verbose_name=_("for the members of"))
    target_roles = models.ManyToManyField(Role, blank=True, related_name="+", verbose_name=_("only these roles"))
    target_posts = models.ManyToManyField(Post, blank=True, related_name="+",
                                          verbose_name=pgettext_lazy("job post", "only these posts"))
    requires_confirmation = models.BooleanField(_("read and confirm required"), default=False)
    confirm_by = models.DateTimeField(_("confirm by"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("announcements:detail", args=[self.pk])

    @property
    def is_live(self) -> bool:
        return self.published_at is not None and self.withdrawn_at is None

    def overdue(self, now=None) -> bool:
        return bool(self.requires_confirmation and self.confirm_by and (now or timezone.now()) >= self.confirm_by)


def attachment_path(instance: Attachment, filename: str) -> str:
    """A random name under media: the original name is kept on the row, the path cannot be guessed."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"announcements/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name

    @property
    def is_image(self) -> bool:
        return self.name.lower().rsplit(".", 1)[-1] in ("jpg", "jpeg", "png")


class Recipient(models.Model):
    """A member an announcement reached when it was published, with their branch at that moment."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="recipients")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="announcement_receipts")
    branch = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["announcement", "member"],
                                               name="unique_announcement_recipient")]
        indexes = [models.Index(fields=["member", "read_at"], name="ann_recipient_member_read"),
                   models.Index(fields=["announcement", "confirmed_at"], name="ann_recipient_confirmed")]
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")

    def __str__(self):
        return f"{self.announcement_id} → {self.member_id}"

    @property
    def confirmed_late(self) -> bool:
        deadline = self.announcement.confirm_by
        return bool(self.confirmed_at and deadline and self.confirmed_at > deadline)
