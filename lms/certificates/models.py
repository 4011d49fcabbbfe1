"""Certificates of completion: what HR configures (templates, programmes, per-course settings) and what members
receive (a certificate with the facts printed on it, frozen when it was issued, and an unguessable code)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import codes, conf
from .seal import validate_seal


def _default_organization() -> str:
    return getattr(settings, "LMS_ORGANIZATION_NAME", "")


class CertificateTemplate(models.Model):
    """What a certificate looks like: the issuing organization, its seal, the signatory and the title."""

    name = models.CharField(_("name"), max_length=120, help_text=_("For HR only, to tell templates apart."))
    organization = models.CharField(_("issuing organization"), max_length=120, default=_default_organization)
    title = models.CharField(_("certificate title"), max_length=40, default="结业证书",
                             help_text=_("Printed at the top, e.g. 结业证书 or 培训合格证书."))
    signatory = models.CharField(_("signatory"), max_length=60, blank=True,
                                 help_text=_("Optional, e.g. 党委组织部."))
    seal = models.FileField(_("seal image"), upload_to="certificates/seals/", blank=True,
                            validators=[validate_seal],
                            help_text=_("PNG or JPEG, at most %(mb)d MB; a transparent PNG prints best.")
                            % {"mb": conf.SEAL_MAX_MB})
    active = models.BooleanField(pgettext_lazy("in use", "active"), default=True,
                                 help_text=_("Inactive templates issue no new certificates."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")

    def __str__(self):
        return self.name


class CertificateProgramme(models.Model):
    """A training programme of several courses: one certificate once all of them are completed."""

    title = models.CharField(_("title"), max_length=200, help_text=_("Printed on the certificate."))
    courses = models.ManyToManyField("catalog.CoursePage", related_name="certificate_programmes",
                                     verbose_name=_("courses"))
    template = models.ForeignKey(CertificateTemplate, on_delete=models.PROTECT, related_name="programmes",
                                 verbose_name=_("template"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, null=True, blank=True,
                                validators=[MinValueValidator(Decimal("0"))],
                                help_text=_("Leave empty to print the sum of the courses' credit hours."))
    active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("certificate programme")
        verbose_name_plural = _("certificate programmes")

    def __str__(self):
        return self.title

    def total_hours(self) -> Decimal:
        if self.hours is not None:
            return self.hours
        return sum((c.credit_hours or Decimal("0") for c in self.courses.all()), Decimal("0"))


class CourseCertificate(models.Model):
    """A single course that issues a certificate on completion."""

    course = models.OneToOneField("catalog.CoursePage", on_delete=models.CASCADE, related_name="certificate_setting",
                                  verbose_name=_("course"))
    template = models.ForeignKey(CertificateTemplate, on_delete=models.PROTECT, related_name="course_settings",
                                 verbose_name=_("template"))
    enabled = models.BooleanField(_("issue certificates"), default=True)

    class Meta:
        verbose_name = _("course certificate")
        verbose_name_plural = _("course certificates")

    def __str__(self):
        return str(self.course)


class Certificate(models.Model):
    """One member's certificate for a course or a programme. The printed facts are copied in when it is issued,
    so renaming a course or a member later changes no certificate; a correction is a revocation and a new one."""

    class Kind(models.TextChoices):
        COURSE = "course", _("Course")
        PROGRAMME = "programme", _("Training programme")

    member = models.ForeignKey("org.Member", on_delete=models.PROTECT, related_name="certificates",
                               verbose_name=_("member"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COURSE)
    course = models.ForeignKey("catalog.CoursePage", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="certificates", verbose_name=_("course"))
    programme = models.ForeignKey(CertificateProgramme, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="certificates", verbose_name=_("programme"))
    template = models.ForeignKey(CertificateTemplate, on_delete=models.PROTECT, related_name="certificates",
                                 verbose_name=_("template"))
    code = models.CharField(_("verification code"), max_length=32, unique=True, default=codes.new_code,
                            editable=False)
    # What is printed, as it was when the certificate was issued.
    member_name = models.CharField(_("name"), max_length=60)
    title = models.CharField(_("course or programme"), max_length=255)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    issued_on = models.DateField(_("issued on"))
    organization = models.CharField(_("issuing organization"), max_length=120)
    certificate_title = models.CharField(_("certificate title"), max_length=40)
    signatory = models.CharField(_("signatory"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("revoked by"))
    revoke_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    replaces = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="replaced_by", verbose_name=_("replaces"))

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            # A member holds at most one valid certificate per course and per programme: completion firing twice,
            # or two completions at once, issue one. A revoked one may be followed by a re-issued one.
            models.UniqueConstraint(fields=["member", "course"],
                                    condition=Q(course__isnull=False, revoked_at__isnull=True),
                                    name="certificates_one_valid_per_course"),
            models.UniqueConstraint(fields=["member", "programme"],
                                    condition=Q(programme__isnull=False, revoked_at__isnull=True),
                                    name="certificates_one_valid_per_programme"),
            models.CheckConstraint(condition=~Q(course__isnull=False, programme__isnull=False),
                                   name="certificates_course_or_programme"),
        ]

    def __str__(self):
        return f"{self.member_name} · {self.title}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def display_code(self) -> str:
        return codes.display(self.code)

    def get_download_url(self) -> str:
        return reverse("certificates:pdf", args=[self.pk])

    def get_verification_path(self) -> str:
        return reverse("certificates:verify", args=[self.code])

    def verification_url(self) -> str:
        """Absolute: printed on the certificate and in its QR code."""
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + self.get_verification_path()
