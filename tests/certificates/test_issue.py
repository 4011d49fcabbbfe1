"""Issuing: on course completion, once per member and course or programme, with the printed facts frozen."""

import re
from decimal import Decimal
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from lms.certificates import codes, handlers, services
from lms.certificates.models import Certificate, CertificateProgramme, CourseCertificate
from tests.certificates.conftest import course_with_lessons


@pytest.mark.django_db
def test_completing_a_course_issues_its_certificate_with_the_facts(people, course, complete):
    member = people["m1"]
    complete(member, course)
    certificate = Certificate.objects.get(member=member)
    assert certificate.course == course and certificate.kind == Certificate.Kind.COURSE
    assert certificate.member_name == "张卫国"
    assert certificate.title == "党章党规学习"
    assert certificate.hours == Decimal("8")
    assert certificate.issued_on == timezone.localdate()
    assert certificate.organization == "示例集团有限公司党委"
    assert certificate.certificate_title == "结业证书" and certificate.signatory == "党委组织部"
    assert re.fullmatch(r"[A-Z2-7]{16}", certificate.code)
    assert not certificate.is_revoked


@pytest.mark.django_db
def test_the_facts_stay_as_issued_when_the_course_or_member_changes(people, course, complete):
    member = people["m1"]
    complete(member, course)
    member.name = "张二"
    member.save()
    course.title = "新标题"
    course.save()
    certificate = Certificate.objects.get(member=member)
    assert (certificate.member_name, certificate.title) == ("张卫国", "党章党规学习")


@pytest.mark.django_db
def test_a_course_without_certificates_issues_none(people, complete, template):
    plain = course_with_lessons("普通课程")
    complete(people["m1"], plain)
    disabled = course_with_lessons("停用证书的课程")
    CourseCertificate.objects.create(course=disabled, template=template, enabled=False)
    complete(people["m1"], disabled)
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_an_inactive_template_issues_none(people, course, complete, template):
    template.active = False
    template.save()
    complete(people["m1"], course)
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_completion_firing_twice_issues_once(people, course, complete, django_capture_on_commit_callbacks):
    member = people["m1"]
    complete(member, course)
    first = Certificate.objects.get(member=member)
    with django_capture_on_commit_callbacks(execute=True):
        handlers.on_course_completed(None, member_id=member.pk, course_id=course.pk, completed_at=timezone.now())
        handlers.on_course_completed(None, member_id=member.pk, course_id=course.pk, completed_at=timezone.now())
    assert services.issue_for_completion(member.pk, course.pk) == [first]
    assert Certificate.objects.filter(member=member).count() == 1


@pytest.mark.django_db
def test_two_issuers_racing_issue_one_certificate(people, course):
    """The second issuer misses the first one's certificate in its check (both looked at the same moment): the
    unique constraint stops the second row, and the loser answers with the winner's certificate."""
    member = people["m1"]
    winner = services.issue_for_course(member, course)
    real_filter = Certificate.objects.filter

    def blind_first_check(*args, **kwargs):
        queryset = real_filter(*args, **kwargs)
        return queryset.none() if "revoked_at__isnull" not in kwargs else queryset

    with mock.patch.object(Certificate.objects, "filter", side_effect=blind_first_check):
        loser = services.issue_for_course(member, course)
    assert loser == winner
    assert Certificate.objects.filter(member=member, course=course).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_valid_certificate(people, course, template):
    member = people["m1"]
    first = services.issue_for_course(member, course)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(member=member, course=course, template=template, member_name="x", title="x",
                                   hours=1, issued_on=first.issued_on, organization="x", certificate_title="x")


@pytest.mark.django_db
def test_a_revoked_certificate_is_not_issued_again_by_completion(people, course, complete):
    member = people["m1"]
    complete(member, course)
    certificate = Certificate.objects.get(member=member)
    services.revoke(certificate, by=people["hr"].user, reason="错误颁发")
    services.issue_for_completion(member.pk, course.pk)
    assert services.issue_missing() == 0
    assert Certificate.objects.filter(member=member).count() == 1


@pytest.mark.django_db
def test_a_programme_issues_when_all_its_courses_are_completed(people, programme, complete):
    member = people["m1"]
    first, second = programme.courses.order_by("pk")
    complete(member, first)
    assert not Certificate.objects.filter(programme=programme).exists()
    complete(member, second)
    certificate = Certificate.objects.get(programme=programme)
    assert certificate.kind == Certificate.Kind.PROGRAMME and certificate.course is None
    assert certificate.title == "党性教育专题培训班"
    assert certificate.hours == Decimal("10.5")  # 6 + 4.5: the courses' credit hours
    assert Certificate.objects.filter(member=member).count() == 1  # the courses issue none of their own


@pytest.mark.django_db
def test_a_programme_prints_its_explicit_hours(people, programme, complete):
    programme.hours = Decimal("16")
    programme.save()
    for c in programme.courses.all():
        complete(people["m1"], c)
    assert Certificate.objects.get(programme=programme).hours == Decimal("16")


@pytest.mark.django_db
def test_course_and_programme_certificates_side_by_side(people, course, programme, complete):
    programme.courses.add(course)
    member = people["m1"]
    for c in programme.courses.all():
        complete(member, c)
    kinds = sorted(Certificate.objects.filter(member=member).values_list("kind", flat=True))
    assert kinds == ["course", "programme"]


@pytest.mark.django_db
def test_issue_missing_covers_earlier_completions_once(people, template, complete):
    course = course_with_lessons("先学后发证")
    complete(people["m1"], course)
    complete(people["m2"], course)
    programme = CertificateProgramme.objects.create(title="单课程培训班", template=template)
    programme.courses.set([course])
    CourseCertificate.objects.create(course=course, template=template)
    assert services.issue_missing() == 4
    assert services.issue_missing() == 0
    assert Certificate.objects.count() == 4


def test_codes_are_random_and_forgiving_when_typed():
    code = codes.new_code()
    assert re.fullmatch(r"[A-Z2-7]{16}", code) and code != codes.new_code()
    shown = codes.display(code)
    assert re.fullmatch(r"([A-Z2-7]{4}-){3}[A-Z2-7]{4}", shown)
    assert codes.normalize(f" {shown.lower()} ") == code
    assert codes.normalize("abcd efgh ijkl mn0p") == "ABCDEFGHIJKLMNOP"  # 0 read as O
    for bad in ("", "ABC", "A" * 17, "ABCD-EFGH-IJKL-MN9P", "<script>", None, "A" * 500, "ÄBCDEFGHIJKLMNOP"):
        assert codes.normalize(bad) is None
