import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def hash_secret(secret: str) -> str:
    # The secret is 32 random bytes, so a fast hash is enough: a slow one would cost every LRS request.
    return hashlib.sha256(secret.encode()).hexdigest()


class LrsClient(models.Model):
    """A system that talks to the LRS with HTTP Basic (key:secret), created by HR in the admin."""

    class Read(models.TextChoices):
        NONE = "none", _("No reading")
        OWN = "own", _("Statements it wrote")
        ALL = "all", _("All statements in its scope")

    name = models.CharField(_("name"), max_length=120)
    key = models.CharField(_("key"), max_length=64, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    can_write = models.BooleanField(_("may write statements and documents"), default=True)
    read = models.CharField(_("may read"), max_length=8, choices=Read.choices, default=Read.OWN)
    org_unit = models.ForeignKey(
        "org.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("org unit"),
        help_text=_("Limits reading all statements to the members of this unit and the units under it. "
                    "Empty: the whole organization."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("LRS client")
        verbose_name_plural = _("LRS clients")

    def __str__(self):
        return self.name

    def issue_secret(self) -> str:
        """A new secret (shown once); only its hash is kept."""
        if not self.key:
            self.key = secrets.token_hex(16)
        secret = secrets.token_urlsafe(32)
        self.secret_hash = hash_secret(secret)
        return secret

    def check_secret(self, secret: str) -> bool:
        return bool(self.secret_hash) and hmac.compare_digest(self.secret_hash, hash_secret(secret))
