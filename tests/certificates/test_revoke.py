"""Revocation and re-issue by HR (with a reason, who and when recorded), in the services and in the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from lms.certificates import access, services
from lms.certificates.models import Certificate
from tests.certificates.conftest import client_for


@pytest.fixture
def issued(people, course, complete):
    complete(people["m1"], course)
    return Certificate.objects.get(member=people["m1"])


@pytest.mark.django_db
def test_revoking_needs_a_reason_and_records_who_and_when(issued, people):
    hr = people["hr"].user
    with pytest.raises(services.CertificateError):
        services.revoke(issued, by=hr, reason="  ")
    services.revoke(issued, by=hr, reason="证书信息有误")
    issued.refresh_from_db()
    assert issued.is_revoked and issued.revoked_by == hr and issued.revoke_reason == "证书信息有误"
    with pytest.raises(services.CertificateError):
        services.revoke(issued, by=hr, reason="again")


@pytest.mark.django_db
def test_reissue_gives_a_new_code_and_current_facts(issued, people, course):
    hr = people["hr"].user
    with pytest.raises(services.CertificateError):
        services.reissue(issued, by=hr)  # only revoked ones
    people["m1"].name = "张维国"
    people["m1"].save()
    services.revoke(issued, by=hr, reason="姓名有误")
    new = services.reissue(issued, by=hr)
    assert new.pk != issued.pk and new.code != issued.code and new.replaces == issued
    assert new.member_name == "张维国" and new.course == course and not new.is_revoked
    assert Certificate.objects.get(pk=issued.pk).is_revoked
    with pytest.raises(services.CertificateError):
        services.reissue(issued, by=hr)  # a valid one exists again


@pytest.mark.django_db
def test_only_hr_of_the_organization_revokes(issued, people):
    assert access.can_revoke(people["hr"].user, issued)
    for who in ("m1", "sec1", "sec2", "m2"):
        assert not access.can_revoke(people[who].user, issued), who


@pytest.mark.django_db
def test_hr_revokes_in_the_admin(issued, people):
    client = client_for(people["hr"])
    listing = client.get(reverse("wagtailsnippets_certificates_certificate:list"))
    assert listing.status_code == 200 and "张卫国" in listing.content.decode()
    url = reverse("wagtailsnippets_certificates_certificate:revoke", args=[issued.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "学习记录造假"})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.is_revoked and issued.revoked_by == people["hr"].user and issued.revoke_reason == "学习记录造假"
    reissue = reverse("wagtailsnippets_certificates_certificate:reissue", args=[issued.pk])
    assert client.post(reissue).status_code == 302
    assert Certificate.objects.filter(member=people["m1"], revoked_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_secretaries_see_their_branch_in_the_admin_but_cannot_revoke(issued, people, template, complete):
    from lms.certificates.models import CourseCertificate

    complete(people["m2"], issued.course)
    assert CourseCertificate.objects.exists() and Certificate.objects.count() == 2
    sec1 = client_for(people["sec1"])
    html = sec1.get(reverse("wagtailsnippets_certificates_certificate:list")).content.decode()
    assert "张卫国" in html and people["m2"].name not in html
    url = reverse("wagtailsnippets_certificates_certificate:revoke", args=[issued.pk])
    assert sec1.post(url, {"reason": "x"}).status_code in (302, 403)
    assert not Certificate.objects.get(pk=issued.pk).is_revoked
    other = Certificate.objects.get(member=people["m2"])
    assert sec1.get(reverse("wagtailsnippets_certificates_certificate:inspect", args=[other.pk])).status_code == 404


@pytest.mark.django_db
def test_nobody_adds_or_edits_a_certificate_by_hand(issued):
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client = client_for(type("M", (), {"user": root})())
    assert client.get(reverse("wagtailsnippets_certificates_certificate:list")).status_code == 200
    assert client.get(reverse("wagtailsnippets_certificates_certificate:add")).status_code in (302, 403)
    edit = reverse("wagtailsnippets_certificates_certificate:edit", args=[issued.pk])
    assert client.get(edit).status_code in (302, 403)


@pytest.mark.django_db
def test_hr_edits_templates_and_course_settings(people, template):
    client = client_for(people["hr"])
    for name in ("certificatetemplate", "certificateprogramme", "coursecertificate"):
        assert client.get(reverse(f"wagtailsnippets_certificates_{name}:list")).status_code == 200, name
        assert client.get(reverse(f"wagtailsnippets_certificates_{name}:add")).status_code == 200, name
    sec = client_for(people["sec1"])
    response = sec.get(reverse("wagtailsnippets_certificates_certificatetemplate:add"))
    assert response.status_code in (302, 403)
