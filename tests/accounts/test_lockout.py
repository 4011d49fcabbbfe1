"""Brute force: accounts and client addresses lock after repeated failures, on the site and in the admin."""

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from lms.accounts.lockout import client_ip_address
from lms.accounts.models import ApiToken, LoginEvent

from .conftest import client_for

pytestmark = pytest.mark.django_db

LOGIN_URLS = ["/accounts/login/", "/admin/login/"]


def login(client, url, username, password):
    return client.post(url, {"username": username, "password": password})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, url, username, times):
    for _i in range(times):
        response = login(client, url, username, "wrong-password")
        assert response.status_code in (200, 429)


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_right_password_logs_in_before_the_limit(hr, url):
    client = Client()
    fail(client, url, hr.user.username, 4)
    response = login(client, url, hr.user.username, "Hr-secret-2026x")
    assert response.status_code == 302 and logged_in(client)


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_five_failures_lock_the_account(hr, url):
    client = Client()
    fail(client, url, hr.user.username, 5)
    response = login(client, url, hr.user.username, "Hr-secret-2026x")
    assert response.status_code == 429 and not logged_in(client)
    html = response.content.decode()
    assert "登录失败次数过多" in html and "15" in html
    # Per account: another address cannot log in either.
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert login(other, url, hr.user.username, "Hr-secret-2026x").status_code == 429
    assert not logged_in(other)


def test_lock_expires_after_the_cooloff(member):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = Client()
        fail(client, "/accounts/login/", member.user.username, 5)
        traveller.shift(timezone.timedelta(minutes=16))
        response = login(client, "/accounts/login/", member.user.username, "Old-secret-2026")
        assert response.status_code == 302 and logged_in(client)


def test_many_failures_from_one_address_lock_the_address(member, settings):
    settings.LMS_LOGIN_IP_FAILURE_LIMIT = 12
    attacker = Client(REMOTE_ADDR="10.1.1.1")
    for n in range(12):  # password spraying: few tries per account, many accounts
        login(attacker, "/accounts/login/", f"guess{n % 4}", "Password123")
    response = login(attacker, "/accounts/login/", member.user.username, "Old-secret-2026")
    assert response.status_code == 429 and not logged_in(attacker)
    # The account itself is not locked: from elsewhere it works.
    elsewhere = Client(REMOTE_ADDR="10.1.1.2")
    assert login(elsewhere, "/accounts/login/", member.user.username, "Old-secret-2026").status_code == 302


def test_api_token_not_affected_by_lockout(member):
    _token, key = ApiToken.objects.create(member.user)
    fail(Client(), "/accounts/login/", member.user.username, 6)
    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_login_events_for_failures_and_success(member):
    client = Client(HTTP_USER_AGENT="pytest-agent")
    login(client, "/accounts/login/", member.user.username, "wrong-password")
    login(client, "/accounts/login/", "nobody-like-this", "wrong-password")
    login(client, "/accounts/login/", member.user.username, "Old-secret-2026")
    events = list(LoginEvent.objects.order_by("id").values_list("kind", "username", "user_id", "ip_address"))
    assert events == [
        ("failed", member.user.username, member.user.pk, "127.0.0.1"),
        ("failed", "nobody-like-this", None, "127.0.0.1"),
        ("login", member.user.username, member.user.pk, "127.0.0.1"),
    ]
    assert LoginEvent.objects.filter(kind="login").get().user_agent == "pytest-agent"
    client.post("/accounts/logout/")
    assert LoginEvent.objects.filter(kind="logout", user=member.user).exists()


def test_lockout_is_logged(member):
    fail(Client(), "/accounts/login/", member.user.username, 6)
    assert LoginEvent.objects.filter(kind=LoginEvent.Kind.LOCKED, user=member.user).exists()


def test_hr_sees_and_unlocks_a_locked_account(member, hr):
    fail(Client(), "/accounts/login/", member.user.username, 5)
    hr_client = client_for(hr.user)
    page = hr_client.get("/accounts/manage/security/")
    html = page.content.decode()
    assert page.status_code == 200 and member.user.username in html and member.name in html
    response = hr_client.post("/accounts/manage/security/", {"action": "unlock_user",
                                                             "username": member.user.username})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=member.user.username).exists()
    assert login(Client(), "/accounts/login/", member.user.username, "Old-secret-2026").status_code == 302
    assert LoginEvent.objects.filter(kind=LoginEvent.Kind.UNLOCKED, user=member.user, actor=hr.user).exists()


def test_hr_unlocks_an_address(member, hr, settings):
    settings.LMS_LOGIN_IP_FAILURE_LIMIT = 6
    attacker = Client(REMOTE_ADDR="10.2.2.2")
    for n in range(6):
        login(attacker, "/accounts/login/", f"x{n}", "nope-nope-nope")
    hr_client = client_for(hr.user)
    assert "10.2.2.2" in hr_client.get("/accounts/manage/security/").content.decode()
    hr_client.post("/accounts/manage/security/", {"action": "unlock_ip", "ip_address": "10.2.2.2"})
    assert login(attacker, "/accounts/login/", member.user.username, "Old-secret-2026").status_code == 302


def test_hr_cannot_unlock_outside_scope(db, hr):
    from tests.factories import MemberFactory, org_unit

    stranger = MemberFactory(org_unit=org_unit("另一党委/某支部"))
    fail(Client(), "/accounts/login/", stranger.user.username, 5)
    response = client_for(hr.user).post("/accounts/manage/security/", {"action": "unlock_user",
                                                                       "username": stranger.user.username})
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username=stranger.user.username).exists()


def test_management_command_unlocks(member):
    fail(Client(), "/accounts/login/", member.user.username, 5)
    call_command("axes_reset_username", member.user.username)
    assert login(Client(), "/accounts/login/", member.user.username, "Old-secret-2026").status_code == 302


def test_hr_temporary_password_forces_a_change(member, hr):
    fail(Client(), "/accounts/login/", member.user.username, 5)
    response = client_for(hr.user).post("/accounts/manage/security/", {"action": "reset",
                                                                       "employee_no": member.employee_no})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = response.context["password"]
    client = Client()
    assert login(client, "/accounts/login/", member.user.username, password).status_code == 302  # lock lifted
    assert client.get("/my/")["Location"] == "/accounts/password/change/"
    assert LoginEvent.objects.filter(kind=LoginEvent.Kind.HR_RESET, user=member.user, actor=hr.user).exists()


def test_hr_cannot_reset_other_hr_or_superusers(hr, superuser, db):
    from tests.factories import MemberFactory

    other_hr = MemberFactory(roles=["member", "hr"])
    for employee_no in [other_hr.employee_no, hr.employee_no]:
        response = client_for(hr.user).post("/accounts/manage/security/", {"action": "reset",
                                                                           "employee_no": employee_no})
        assert response.status_code == 200 and "password" not in response.context
    other_hr.user.refresh_from_db()
    assert other_hr.user.check_password("pw")


def test_client_address_behind_trusted_proxy(settings, rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.5", REMOTE_ADDR="127.0.0.1")
    assert client_ip_address(request) == "127.0.0.1"
    settings.LMS_TRUSTED_PROXY_COUNT = 1
    assert client_ip_address(request) == "10.0.0.5"  # what our proxy saw; the left entry is client-supplied
    assert client_ip_address(rf.get("/", HTTP_X_FORWARDED_FOR="junk", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
