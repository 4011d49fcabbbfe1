"""Account state beside Django's user: the forced password change, the login event log and API tokens."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


class AccountState(models.Model):
    """One row per user who ever had a flag; no row means nothing is required of the user."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="account_state", verbose_name=_("user"))
    must_change_password = models.BooleanField(
        _("must change password"), default=False,
        help_text=_("The user is sent to the password change page until they choose a new password."))
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account state")
        verbose_name_plural = _("account states")

    def __str__(self):
        return str(self.user)


class LoginEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError("login events cannot be changed")

    def delete(self):
        raise ValueError("login events cannot be deleted")


class LoginEvent(models.Model):
    """Sign-ins, failures, lockouts, password and two-step verification events. Append-only."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Logged in")
        FAILED = "failed", _("Failed login")
        LOCKED = "locked", _("Refused: locked out")
        LOGOUT = "logout", _("Logged out")
        IDLE_LOGOUT = "idle_logout", _("Logged out after inactivity")
        PASSWORD_CHANGED = "password_changed", _("Changed password")
        PASSWORD_RESET = "password_reset", _("Reset password by e-mail")
        ACTIVATION_ISSUED = "activation_issued", _("Activation link issued")
        ACTIVATED = "activated", _("Activated account")
        UNLOCKED = "unlocked", _("Unlocked")
        HR_RESET = "hr_reset", _("Temporary password set by HR")
        MFA_VERIFIED = "mfa_verified", _("Two-step verification passed")
        MFA_FAILED = "mfa_failed", _("Wrong verification code")
        MFA_ENROLLED = "mfa_enrolled", _("Authenticator set up")
        MFA_DISABLED = "mfa_disabled", _("Authenticator removed")

    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("user"))
    username = models.CharField(_("user name"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    path = models.CharField(_("path"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("done by"))
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = LoginEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("login event")
        verbose_name_plural = _("login events")
        indexes = [models.Index(fields=["username", "-created_at"], name="accounts_event_username")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("login events cannot be changed")
        super().save(*args, **kwargs)


class ApiToken(AbstractAuthToken):
    """An API key (django-rest-knox, KNOX_TOKEN_MODEL): only its SHA-512 digest and its first characters
    (``token_key``, shown as the prefix) are stored; the key itself is shown once, when it is created. See
    api_tokens.py."""

    name = models.CharField(_("name"), max_length=100, blank=True,
                            help_text=_("What the token is for, e.g. the script or device that uses it."))
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.token_key}… ({self.user})"
