"""The public verification page, its form and the public API: the printed facts and the status, nothing else."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lms.certificates import services
from lms.certificates.models import Certificate
from tests.certificates.conftest import course_with_lessons


@pytest.fixture
def issued(people, course, complete):
    complete(people["m1"], course)
    return Certificate.objects.get(member=people["m1"])


def page(certificate) -> str:
    response = Client().get(reverse("certificates:verify", args=[certificate.code]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_anyone_sees_the_printed_facts_of_a_valid_certificate(issued):
    html = page(issued)
    for shown in ("张卫国", "党章党规学习", "8 学时", issued.issued_on.isoformat(), "示例集团有限公司党委",
                  issued.display_code, "有效"):
        assert shown in html, shown
    assert 'name="robots" content="noindex' in html


@pytest.mark.django_db
def test_the_page_reveals_nothing_else_about_the_member(issued, people, template, complete):
    other = course_with_lessons("另一门课程")
    from lms.certificates.models import CourseCertificate

    CourseCertificate.objects.create(course=other, template=template)
    complete(people["m1"], other)
    assert Certificate.objects.filter(member=people["m1"]).count() == 2
    html = page(issued)
    for hidden in ("E90001", "zhang@example.com", "13800000000", "第一党支部", "另一门课程", "党委组织部",
                   people["m1"].user.username):
        assert hidden not in html, hidden


@pytest.mark.django_db
def test_a_revoked_certificate_says_so_with_the_date_but_not_the_reason(issued, people):
    services.revoke(issued, by=people["hr"].user, reason="内部原因：材料不实")
    html = page(issued)
    assert "已撤销" in html and timezone.localdate(issued.revoked_at).isoformat() in html
    assert "材料不实" not in html and "该证书有效" not in html


@pytest.mark.django_db
def test_unknown_and_malformed_codes_are_a_404_in_the_site_layout(issued):
    client = Client()
    unknown = "A" * 16 if issued.code != "A" * 16 else "B" * 16
    for code in (unknown, "not-a-code", "x" * 300, "ABCD%20EFGH", "1234"):
        response = client.get(f"/verify/{code}/")
        assert response.status_code == 404, code
        html = response.content.decode()
        assert 'id="main"' in html and "没有这个验证码的证书" in html


@pytest.mark.django_db
def test_a_code_typed_loosely_goes_to_its_page(issued):
    loose = issued.display_code.lower()
    response = Client().get(f"/verify/{loose}/")
    assert response.status_code == 302 and response["Location"] == reverse("certificates:verify", args=[issued.code])


@pytest.mark.django_db
def test_the_form_takes_a_code_and_explains_a_bad_one(issued):
    client = Client()
    assert client.get(reverse("certificates:verify-form")).status_code == 200
    response = client.get(reverse("certificates:verify-form"), {"code": f" {issued.display_code} "})
    assert response.status_code == 302 and response["Location"].endswith(f"/verify/{issued.code}/")
    bad = client.get(reverse("certificates:verify-form"), {"code": "12345"})
    assert bad.status_code == 400 and "16 位" in bad.content.decode()


@pytest.mark.django_db
def test_the_public_api_answers_the_same_facts_only(issued, api):
    response = api.get(f"/api/v1/certificates/verify/{issued.display_code}/")
    assert response.status_code == 200
    assert response.json() == {
        "code": issued.code, "holder": "张卫国", "kind": "course", "title": "党章党规学习", "hours": "8.0",
        "issued_on": issued.issued_on.isoformat(), "organization": "示例集团有限公司党委", "status": "valid",
        "revoked_on": None,
    }
    for code in ("A" * 16 if issued.code != "A" * 16 else "B" * 16, "bad"):
        missing = api.get(f"/api/v1/certificates/verify/{code}/")
        assert missing.status_code == 404 and missing.json()["code"] == "not_found"


@pytest.mark.django_db
def test_the_public_api_reports_a_revocation(issued, people, api):
    services.revoke(issued, by=people["hr"].user, reason="x")
    data = api.get(f"/api/v1/certificates/verify/{issued.code}/").json()
    assert data["status"] == "revoked" and data["revoked_on"] == timezone.localdate(issued.revoked_at).isoformat()
