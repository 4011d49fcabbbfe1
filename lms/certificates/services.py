"""Certificates of completion: PDF with a verification code and QR, a public verification page, revocation by HR.

The app's public surface for other apps (docs/architecture.md):

- ``certificates_for(member, year=None)`` — a member's certificates (for the archive: title, hours, issued_on,
  organization, display_code, is_revoked, get_download_url());
- ``issue_for_completion(member_id, course_id, completed_at)`` — what completing a course issues (the handler of
  ``lms.progress.signals.course_completed`` calls it);
- ``issue_missing()`` — certificates for completions made before a course or programme issued them;
- ``revoke(certificate, by, reason)`` and ``reissue(certificate, by)``; ``find(code)`` for verification.
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.catalog.models import CoursePage
from lms.org.models import Member
from lms.progress.models import Enrollment

from . import codes
from .models import Certificate, CertificateProgramme, CertificateTemplate, CourseCertificate

logger = logging.getLogger(__name__)

CODE_ATTEMPTS = 3


class CertificateError(Exception):
    """An action that the certificate's state does not allow; the message is for people."""


def _local_date(value) -> datetime.date:
    if value is None:
        return timezone.localdate()
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def _subject(course=None, programme=None) -> Q:
    return Q(course=course) if course is not None else Q(programme=programme)


def _issue(member: Member, template: CertificateTemplate, *, title: str, hours, issued_on: datetime.date,
           course: CoursePage | None = None, programme: CertificateProgramme | None = None,
           replaces: Certificate | None = None) -> tuple[Certificate, bool]:
    """Issue once: an existing certificate of the member for the course or programme (valid or revoked) is
    returned as it is, unless this is an explicit re-issue (``replaces``). Two issuers racing meet the unique
    constraint on valid certificates; the loser returns the winner's certificate."""
    subject = _subject(course, programme)
    kind = Certificate.Kind.COURSE if course is not None else Certificate.Kind.PROGRAMME
    if replaces is None:
        existing = Certificate.objects.filter(subject, member=member).order_by(F("revoked_at").asc(nulls_first=True),
                                                                              "-id").first()
        if existing is not None:
            return existing, False
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    member=member, kind=kind, course=course, programme=programme, template=template,
                    code=codes.new_code(),
                    member_name=member.name, title=title[:255], hours=Decimal(str(hours or 0)),
                    issued_on=issued_on, organization=template.organization,
                    certificate_title=template.title, signatory=template.signatory, replaces=replaces,
                )
            return certificate, True
        except IntegrityError:
            valid = Certificate.objects.filter(subject, member=member, revoked_at__isnull=True).first()
            if valid is not None:
                return valid, False
            # Otherwise the random code met another one (80 bits: practically never): draw again.
    raise CertificateError(_("No certificate could be issued; try again."))


def _course_setting(course_id: int) -> CourseCertificate | None:
    return (CourseCertificate.objects.filter(course_id=course_id, enabled=True, template__active=True)
            .select_related("template", "course").first())


def _completion_dates(member_id: int, course_ids) -> dict[int, datetime.datetime]:
    return dict(Enrollment.objects.filter(member_id=member_id, course_id__in=list(course_ids),
                                          completed_at__isnull=False).values_list("course_id", "completed_at"))


def issue_for_course(member: Member, course: CoursePage, completed_at=None) -> Certificate | None:
    """The course's own certificate, when the course issues one."""
    setting = _course_setting(course.pk)
    if setting is None:
        return None
    certificate, _created = _issue(member, setting.template, title=course.title, hours=course.credit_hours,
                                   issued_on=_local_date(completed_at), course=course)
    return certificate


def issue_for_programme(member: Member, programme: CertificateProgramme) -> Certificate | None:
    """The programme's certificate, once the member has completed every one of its courses."""
    if not (programme.active and programme.template.active):
        return None
    course_ids = set(programme.courses.values_list("pk", flat=True))
    if not course_ids:
        return None
    done = _completion_dates(member.pk, course_ids)
    if set(done) != course_ids:
        return None
    certificate, _created = _issue(member, programme.template, title=programme.title, hours=programme.total_hours(),
                                   issued_on=_local_date(max(done.values())), programme=programme)
    return certificate


def issue_for_completion(member_id: int, course_id: int, completed_at=None) -> list[Certificate]:
    """A member completed a course: its certificate, and those of the programmes it completes. Idempotent."""
    member = Member.objects.filter(pk=member_id).first()
    course = CoursePage.objects.filter(pk=course_id).first()
    if member is None or course is None:
        return []
    issued = []
    certificate = issue_for_course(member, course, completed_at)
    if certificate is not None:
        issued.append(certificate)
    for programme in (CertificateProgramme.objects.filter(active=True, template__active=True, courses=course)
                      .select_related("template").distinct()):
        certificate = issue_for_programme(member, programme)
        if certificate is not None:
            issued.append(certificate)
    return issued


def issue_missing() -> int:
    """Certificates for completions made before their course or programme issued any (e.g. after HR switches a
    course on, and in the demo). Revoked certificates stay revoked: nothing is issued where one exists."""
    created = 0
    for setting in CourseCertificate.objects.filter(enabled=True, template__active=True).select_related(
            "course", "template"):
        had = set(Certificate.objects.filter(course=setting.course).values_list("member_id", flat=True))
        for enrollment in (Enrollment.objects.filter(course=setting.course, completed_at__isnull=False)
                           .exclude(member_id__in=had).select_related("member")):
            _cert, new = _issue(enrollment.member, setting.template, title=setting.course.title,
                                hours=setting.course.credit_hours, issued_on=_local_date(enrollment.completed_at),
                                course=setting.course)
            created += new
    for programme in CertificateProgramme.objects.filter(active=True, template__active=True).select_related(
            "template"):
        course_ids = list(programme.courses.values_list("pk", flat=True))
        if not course_ids:
            continue
        had = set(Certificate.objects.filter(programme=programme).values_list("member_id", flat=True))
        candidates = (Enrollment.objects.filter(course_id=course_ids[0], completed_at__isnull=False)
                      .exclude(member_id__in=had).select_related("member"))
        for enrollment in candidates:
            before = Certificate.objects.filter(programme=programme, member=enrollment.member).exists()
            if issue_for_programme(enrollment.member, programme) is not None and not before:
                created += 1
    return created


def revoke(certificate: Certificate, *, by, reason: str) -> Certificate:
    """Revoke with a reason; who and when are recorded. A revocation is final (a correction is a re-issue)."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give a reason for the revocation."))
    with transaction.atomic():
        updated = Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=by, revoke_reason=reason[:300])
        certificate.refresh_from_db()
    if not updated:
        raise CertificateError(_("This certificate is already revoked."))
    logger.info("certificate %s revoked by user %s", certificate.pk, getattr(by, "pk", None))
    return certificate


def reissue(certificate: Certificate, *, by) -> Certificate:
    """A new certificate (new code, facts as they are now: the member's current name, the course's title and
    hours) in place of a revoked one."""
    if not certificate.is_revoked:
        raise CertificateError(_("Only a revoked certificate can be re-issued."))
    member = certificate.member
    template = certificate.template
    if certificate.course_id is not None:
        course = certificate.course
        title, hours, programme = course.title, course.credit_hours, None
    elif certificate.programme_id is not None:
        course, programme = None, certificate.programme
        title, hours = programme.title, programme.total_hours()
        template = programme.template
    else:
        raise CertificateError(_("The course or programme of this certificate no longer exists."))
    if course is not None:
        setting = CourseCertificate.objects.filter(course=course).select_related("template").first()
        template = setting.template if setting is not None else template
    new, created = _issue(member, template, title=title, hours=hours, issued_on=certificate.issued_on,
                          course=course, programme=programme, replaces=certificate)
    if not created:
        raise CertificateError(_("The member already holds a valid certificate for this."))
    logger.info("certificate %s re-issued as %s by user %s", certificate.pk, new.pk, getattr(by, "pk", None))
    return new


def find(code_text) -> Certificate | None:
    """The certificate a typed or scanned code names, or None (malformed codes are not looked up)."""
    code = codes.normalize(code_text)
    if code is None:
        return None
    return Certificate.objects.filter(code=code).first()


def certificates_for(member: Member, year: int | None = None, *, include_revoked: bool = True):
    """A member's certificates, newest first; ``year``: those issued in that year. For the archive."""
    queryset = Certificate.objects.filter(member=member)
    if year is not None:
        queryset = queryset.filter(issued_on__year=year)
    if not include_revoked:
        queryset = queryset.filter(revoked_at__isnull=True)
    return queryset.order_by("-issued_on", "-id")
