"""The certificate PDF: drawn on demand for its holder and for HR and the secretary in scope; the QR code leads to
the absolute verification address."""


import pytest
import zxingcpp
from django.test import Client, override_settings
from django.urls import reverse
from PIL import Image

from lms.certificates import pdf, services
from lms.certificates.models import Certificate
from tests.certificates.conftest import client_for


@pytest.fixture
def issued(people, course, complete):
    complete(people["m1"], course)
    return Certificate.objects.get(member=people["m1"])


@pytest.mark.django_db
@override_settings(WAGTAILADMIN_BASE_URL="https://dangjian.example.com/")
def test_the_qr_code_leads_to_the_absolute_verification_page(issued):
    url = issued.verification_url()
    assert url == f"https://dangjian.example.com/verify/{issued.code}/"
    found = zxingcpp.read_barcodes(Image.open(pdf.qr_png(url)))
    assert [f.text for f in found] == [url]


@pytest.mark.django_db
def test_the_holder_downloads_a_pdf(issued, people):
    response = client_for(people["m1"]).get(reverse("certificates:pdf", args=[issued.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment") and issued.code in response["Content-Disposition"]
    content = response.content
    assert content.startswith(b"%PDF") and len(content) > 5000
    assert b"/Subtype /Image" in content  # the seal and the QR code
    # The holder's name is in the document title (the page text is drawn in a subset font).
    assert "张卫国".encode("utf-16-be").hex().upper().encode() in content.upper()


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("m1", 200), ("sec1", 200), ("hr", 200), ("m2", 404), ("sec2", 404)])
def test_who_may_download(issued, people, who, status):
    assert client_for(people[who]).get(reverse("certificates:pdf", args=[issued.pk])).status_code == status


@pytest.mark.django_db
def test_visitors_log_in_first_and_unknown_ids_are_404(issued, people):
    response = Client().get(reverse("certificates:pdf", args=[issued.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client = client_for(people["m1"])
    assert client.get("/certificates/999999999/pdf/").status_code == 404
    assert client.get("/certificates/99999999999999999999999/pdf/").status_code == 404


@pytest.mark.django_db
def test_a_revoked_certificate_still_prints_marked_as_revoked(issued, people):
    services.revoke(issued, by=people["hr"].user, reason="x")
    content = pdf.render(Certificate.objects.get(pk=issued.pk))
    assert content.startswith(b"%PDF")


@pytest.mark.django_db
def test_a_missing_seal_file_does_not_break_the_pdf(issued, template):
    template.seal.storage.delete(template.seal.name)
    assert pdf.render(issued).startswith(b"%PDF")
    template.seal = ""
    template.save()
    assert pdf.render(Certificate.objects.get(pk=issued.pk)).startswith(b"%PDF")


@pytest.mark.django_db
def test_the_pdf_is_drawn_in_english_too(issued):
    from django.utils import translation

    with translation.override("en"):
        assert pdf.render(issued).startswith(b"%PDF")
