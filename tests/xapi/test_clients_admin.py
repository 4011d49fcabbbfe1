"""The LRS client admin: HR creates clients and sees the secret once; only its hash is stored; HR works within the
units HR oversees; members are refused."""

import base64
import re

import pytest
from django.test import Client
from django.urls import reverse

from lms.xapi.models import LrsClient
from lms.xapi.models.clients import hash_secret
from tests.factories import MemberFactory, UserFactory, org_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return {"mine": org_unit("甲公司党委/甲支部"), "other": org_unit("乙公司党委/乙支部")}


@pytest.fixture
def hr(units, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # staff groups follow roles on commit
        member = MemberFactory(roles=["member", "hr"], org_unit=units["mine"])
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(member.user)
    return client


def secret_on(response) -> str:
    match = re.search(r'<code class="xapi-secret">([^<]+)</code>', response.content.decode())
    assert match, "the secret is shown"
    return match.group(1)


def test_hr_creates_a_client_and_sees_the_secret_once(hr, units):
    response = hr.post(reverse("xapi_client_add"), {"name": "学习平台甲", "can_write": "on", "read": "own",
                                                    "org_unit": units["mine"].pk})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = secret_on(response)
    client = LrsClient.objects.get()
    assert client.name == "学习平台甲" and client.can_write and client.read == "own"
    assert client.org_unit == units["mine"]
    assert client.secret_hash == hash_secret(secret) and secret not in client.secret_hash
    assert client.key in response.content.decode()
    # The secret is never shown again: not in the list, not on the edit page.
    for url in (reverse("xapi_clients"), reverse("xapi_client_edit", args=[client.pk])):
        page = hr.get(url)
        assert page.status_code == 200
        assert secret not in page.content.decode()
        assert client.key in page.content.decode()
    # And it works against the LRS.
    auth = "Basic " + base64.b64encode(f"{client.key}:{secret}".encode()).decode()
    about = Client().get("/xapi/activities", {"activityId": "http://example.com/a"},
                         headers={"Authorization": auth, "X-Experience-API-Version": "1.0.3"})
    assert about.status_code == 200


def test_hr_may_only_pick_their_own_units(hr, units):
    response = hr.post(reverse("xapi_client_add"), {"name": "越权", "read": "all", "org_unit": units["other"].pk})
    assert response.status_code == 400
    response = hr.post(reverse("xapi_client_add"), {"name": "全组织", "read": "all", "org_unit": ""})
    assert response.status_code == 400
    assert not LrsClient.objects.exists()
    form = hr.get(reverse("xapi_client_add")).content.decode()
    assert "甲支部" in form and "乙支部" not in form


def test_hr_sees_and_edits_only_clients_of_their_units(hr, units, lrs_client):
    other, _key, _secret = lrs_client(name="别家", org_unit=units["other"])
    mine, _key, _secret = lrs_client(name="自家", org_unit=units["mine"])
    listing = hr.get(reverse("xapi_clients")).content.decode()
    assert "自家" in listing and "别家" not in listing
    assert hr.get(reverse("xapi_client_edit", args=[other.pk])).status_code == 404
    assert hr.post(reverse("xapi_client_rotate", args=[other.pk])).status_code == 404
    assert hr.post(reverse("xapi_client_deactivate", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.is_active


def test_edit_scopes_and_deactivate(hr, units, lrs_client):
    client, _key, _secret = lrs_client(name="自家", org_unit=units["mine"], read="own")
    response = hr.post(reverse("xapi_client_edit", args=[client.pk]),
                       {"name": "改名", "read": "all", "org_unit": units["mine"].pk, "is_active": "on"})
    assert response.status_code == 302
    client.refresh_from_db()
    assert (client.name, client.read, client.can_write, client.is_active) == ("改名", "all", False, True)
    assert hr.post(reverse("xapi_client_deactivate", args=[client.pk])).status_code == 302
    client.refresh_from_db()
    assert not client.is_active


def test_rotate_shows_a_new_secret_and_the_old_one_stops_working(hr, units, lrs_client):
    client, _key, old = lrs_client(org_unit=units["mine"])
    response = hr.post(reverse("xapi_client_rotate", args=[client.pk]))
    assert response.status_code == 200
    new = secret_on(response)
    client.refresh_from_db()
    assert new != old and client.check_secret(new) and not client.check_secret(old)
    assert hr.get(reverse("xapi_client_rotate", args=[client.pk])).status_code == 405


def test_superuser_may_give_the_whole_organization(lrs_client):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    response = client.post(reverse("xapi_client_add"), {"name": "总部", "read": "all", "org_unit": ""})
    assert response.status_code == 200
    assert LrsClient.objects.get().org_unit is None


@pytest.mark.parametrize("roles", [["member"], ["member", "branch_secretary"], ["member", "trainer"]])
def test_others_are_refused(units, lrs_client, roles, django_capture_on_commit_callbacks):
    target, _key, _secret = lrs_client(org_unit=units["mine"])
    with django_capture_on_commit_callbacks(execute=True):
        member = MemberFactory(roles=roles, org_unit=units["mine"])
    client = Client()
    client.force_login(member.user)
    for method, url in [("get", reverse("xapi_clients")), ("get", reverse("xapi_client_add")),
                        ("post", reverse("xapi_client_add")), ("get", reverse("xapi_client_edit", args=[target.pk])),
                        ("post", reverse("xapi_client_rotate", args=[target.pk])),
                        ("post", reverse("xapi_client_deactivate", args=[target.pk]))]:
        response = getattr(client, method)(url, {"name": "x", "read": "all"} if method == "post" else None)
        assert response.status_code in (302, 403), (url, response.status_code)
    assert LrsClient.objects.count() == 1
    target.refresh_from_db()
    assert target.is_active


def test_menu_item_is_shown_to_hr_only(hr):
    page = hr.get("/admin/").content.decode()
    assert reverse("xapi_clients") in page
