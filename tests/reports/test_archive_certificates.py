"""The archive lists the member's certificates of the year: download for a valid one, 已撤销 for a revoked one;
the archive PDF lists them too."""


import pytest
from django.test import Client
from django.utils import timezone

from lms.certificates import services as certificates
from lms.certificates.models import CertificateTemplate, CourseCertificate
from lms.reports.archive import build_archive
from tests.factories import MemberFactory, make_course, org_unit

pytestmark = pytest.mark.django_db


def test_the_archive_lists_certificates_with_their_state():
    branch = org_unit("公司党委/第一党支部")
    member = MemberFactory(org_unit=branch, name="党员甲")
    hr = MemberFactory(org_unit=org_unit("公司党委"), roles=["member", "hr"])
    template = CertificateTemplate.objects.create(name="结业证书", organization="示例集团党委", title="结业证书")
    valid_course = make_course("党章党规学习", credit_hours="8")
    revoked_course = make_course("廉洁从业", credit_hours="2")
    for course in (valid_course, revoked_course):
        CourseCertificate.objects.create(course=course, template=template)
    now = timezone.now()
    valid = certificates.issue_for_course(member, valid_course, completed_at=now)
    revoked = certificates.issue_for_course(member, revoked_course, completed_at=now)
    certificates.revoke(revoked, by=hr.user, reason="重复颁发")
    year = timezone.localdate().year

    archive = build_archive(member, year)
    assert {c.pk for c in archive.certificates} == {valid.pk, revoked.pk}
    assert build_archive(member, year - 1).certificates == []

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(member.user)
    section = client.get(f"/archive/{member.pk}/?year={year}").content.decode().split('id="certificates"')[1]
    section = section.split("</section>")[0]
    valid_row = next(row for row in section.split("<tr>") if "党章党规学习" in row)
    revoked_row = next(row for row in section.split("<tr>") if "廉洁从业" in row)
    assert valid.get_download_url() in valid_row and valid.display_code in valid_row and ">8<" in valid_row
    assert "已撤销" in revoked_row and "href" not in revoked_row
    assert client.get(valid.get_download_url()).status_code == 200

    pdf = client.get(f"/archive/{member.pk}/pdf/?year={year}")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
