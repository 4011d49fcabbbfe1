"""Session idle timeout (staff shorter than members) and cookie flags."""

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from lms.accounts.models import LoginEvent

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_staff_logged_out_after_idle_time(hr):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = client_for(hr.user)
        assert client.get("/my/").status_code == 200
        traveller.shift(timezone.timedelta(minutes=25))
        assert client.get("/my/").status_code == 200  # activity resets the clock
        traveller.shift(timezone.timedelta(minutes=29))
        assert client.get("/my/").status_code == 200
        traveller.shift(timezone.timedelta(minutes=31))
        response = client.get("/my/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        assert "_auth_user_id" not in client.session
    assert LoginEvent.objects.filter(kind=LoginEvent.Kind.IDLE_LOGOUT, user=hr.user).exists()


def test_member_keeps_session_within_longer_window(member):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = client_for(member.user)
        traveller.shift(timezone.timedelta(minutes=100))
        assert client.get("/my/").status_code == 200
        traveller.shift(timezone.timedelta(minutes=121))
        assert client.get("/my/").status_code == 302


def test_idle_logout_shows_a_message(hr):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = client_for(hr.user)
        traveller.shift(timezone.timedelta(minutes=45))
        response = client.get("/my/", follow=True)
        assert "未操作" in response.content.decode()


def test_idle_limits_are_settings(member, settings):
    settings.LMS_MEMBER_SESSION_IDLE_MINUTES = 5
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = client_for(member.user)
        traveller.shift(timezone.timedelta(minutes=6))
        assert client.get("/my/").status_code == 302


def test_session_cookie_flags(member, client):
    assert settings.SESSION_COOKIE_HTTPONLY is True and settings.SESSION_COOKIE_SAMESITE == "Lax"
    client.post("/accounts/login/", {"username": member.user.username, "password": "Old-secret-2026"})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_password_validators_configured():
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert {"MinimumLengthValidator", "CommonPasswordValidator", "UserAttributeSimilarityValidator",
            "NumericPasswordValidator"} <= set(names)
    minimum = next(v for v in settings.AUTH_PASSWORD_VALIDATORS if v["NAME"].endswith("MinimumLengthValidator"))
    assert minimum["OPTIONS"]["min_length"] >= 10
