"""The member's pages: my certificates, the panel on 我的学习, the API list."""

import pytest
from django.urls import reverse

from lms.certificates import services
from lms.certificates.models import Certificate
from tests.certificates.conftest import client_for


@pytest.fixture
def issued(people, course, complete):
    complete(people["m1"], course)
    return Certificate.objects.get(member=people["m1"])


@pytest.mark.django_db
def test_my_certificates_lists_mine_with_download_links(issued, people):
    html = client_for(people["m1"]).get(reverse("certificates:mine")).content.decode()
    assert "党章党规学习" in html and issued.get_download_url() in html and "8 学时" in html
    other = client_for(people["m2"]).get(reverse("certificates:mine")).content.decode()
    assert "党章党规学习" not in other and "还没有证书" in other


@pytest.mark.django_db
def test_a_revoked_certificate_is_listed_without_a_download(issued, people):
    services.revoke(issued, by=people["hr"].user, reason="x")
    html = client_for(people["m1"]).get(reverse("certificates:mine")).content.decode()
    assert "已撤销" in html and issued.get_download_url() not in html


@pytest.mark.django_db
def test_my_learning_shows_the_certificates_panel(issued, people):
    html = client_for(people["m1"]).get(reverse("progress:my-learning")).content.decode()
    assert 'id="my-certificates"' in html and issued.get_download_url() in html
    html = client_for(people["m2"]).get(reverse("progress:my-learning")).content.decode()
    assert 'id="my-certificates"' not in html


@pytest.mark.django_db
def test_accounts_without_a_member_record_get_a_404_page(db, client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("staff", password="pw")
    client.force_login(user)
    assert client.get(reverse("certificates:mine")).status_code == 404


@pytest.mark.django_db
def test_the_api_lists_the_callers_certificates(issued, people, api):
    api.force_authenticate(people["m1"].user)
    data = api.get("/api/v1/certificates/me/").json()
    assert data["count"] == 1
    row = data["results"][0]
    assert row["code"] == issued.code and row["status"] == "valid" and row["pdf_url"] == issued.get_download_url()
    assert row["verification_url"].endswith(f"/verify/{issued.code}/")
    api.force_authenticate(people["m2"].user)
    assert api.get("/api/v1/certificates/me/").json()["count"] == 0


@pytest.mark.django_db
def test_certificates_for_a_year(issued, people):
    year = issued.issued_on.year
    assert list(services.certificates_for(people["m1"], year)) == [issued]
    assert list(services.certificates_for(people["m1"], year - 1)) == []
    services.revoke(issued, by=people["hr"].user, reason="x")
    assert list(services.certificates_for(people["m1"], year, include_revoked=False)) == []
