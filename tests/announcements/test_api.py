"""/api/v1/announcements/: mine, read and confirm."""

import pytest
from rest_framework.test import APIClient

from lms.announcements.models import Recipient

from .conftest import aware, publish

pytestmark = pytest.mark.django_db


def api_for(member) -> APIClient:
    client = APIClient()
    client.force_authenticate(member.user)
    return client


def test_members_list_read_and_confirm_their_announcements(committee_notice, org, people, time_machine):
    time_machine.move_to(aware(2026, 5, 5, 9), tick=False)
    plain = publish(people["sec1"].user, org["branch1"], title="支部通知")
    client = api_for(people["m1"])
    rows = client.get("/api/v1/announcements/").json()
    items = rows["results"] if isinstance(rows, dict) else rows
    assert {i["title"] for i in items} == {"年度学习安排", "支部通知"}
    one = client.get(f"/api/v1/announcements/{committee_notice.pk}/").json()
    assert one["requires_confirmation"] and one["confirmed_at"] is None and one["read_at"] is None
    read = client.post(f"/api/v1/announcements/{plain.pk}/read/").json()
    assert read["read_at"] is not None
    confirmed = client.post(f"/api/v1/announcements/{committee_notice.pk}/confirm/").json()
    assert confirmed["confirmed_at"] and confirmed["read_at"] and confirmed["confirmed_late"] is False
    again = client.post(f"/api/v1/announcements/{committee_notice.pk}/confirm/").json()
    assert again["confirmed_at"] == confirmed["confirmed_at"]
    bad = client.post(f"/api/v1/announcements/{plain.pk}/confirm/")
    assert bad.status_code == 400 and bad.json()["error"]
    assert api_for(people["m2"]).get(f"/api/v1/announcements/{plain.pk}/").status_code == 404
    assert APIClient().get("/api/v1/announcements/").status_code in (401, 403)
    assert Recipient.objects.get(announcement=plain, member=people["m1"]).read_at is not None
