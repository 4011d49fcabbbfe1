"""Two-step login for privileged users: enrolment, the code after the password (site and admin), wrong codes,
backup codes, the required setting, and plain members who are never asked."""

import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lms.accounts import mfa
from lms.accounts.models import AccountState, LoginEvent

from .conftest import client_for

pytestmark = pytest.mark.django_db

Kind = LoginEvent.Kind
HR_PASSWORD = "Hr-secret-2026x"
VERIFY_URL = "/accounts/mfa/verify/"


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def authenticator_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=mfa.DEVICE_NAME, confirmed=True)


def password_login(url: str, username: str, password: str) -> Client:
    client = Client()
    response = client.post(url, {"username": username, "password": password})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    return client


def next_step(traveller) -> None:
    """A TOTP code is good once: the next one comes with the next 30-second step."""
    traveller.shift(timezone.timedelta(seconds=31))


def test_enrolment_shows_qr_and_key_and_needs_a_right_code(secretary):
    client = client_for(secretary.user)
    page = client.get("/accounts/mfa/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    device = TOTPDevice.objects.get(user=secretary.user, confirmed=False)
    html = page.content.decode()
    assert mfa.secret_text(device) in html and 'src="/accounts/mfa/qr.svg"' in html
    qr = client.get("/accounts/mfa/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert "no-store" in qr["Cache-Control"]

    wrong = client.post("/accounts/mfa/", {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()

    done = client.post("/accounts/mfa/", {"action": "confirm", "code": code_for(device)})
    assert done.status_code == 200
    device.refresh_from_db()
    assert device.confirmed and device.name == mfa.DEVICE_NAME
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.content.decode())
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=secretary.user).count() == 10
    assert client.get("/accounts/mfa/qr.svg").status_code == 404  # the key is shown only while setting up
    assert client.get("/my/").status_code == 200  # this session is verified
    assert LoginEvent.objects.filter(kind=Kind.MFA_ENROLLED, user=secretary.user).exists()
    assert LoginEvent.objects.filter(kind=Kind.MFA_FAILED, user=secretary.user, detail="enrolment").exists()


def test_plain_members_cannot_enrol(member):
    client = client_for(member.user)
    assert client.get("/accounts/mfa/").status_code == 403
    assert client.get("/accounts/mfa/qr.svg").status_code == 403


@pytest.mark.parametrize("login_url,next_url", [("/accounts/login/", "/my/"), ("/admin/login/", "/admin/")])
def test_password_login_then_blocked_until_code(hr, login_url, next_url):
    device = authenticator_for(hr.user)
    with time_machine.travel(timezone.now(), tick=False):
        client = password_login(login_url, hr.user.username, HR_PASSWORD)
        for path in (next_url, "/", "/admin/pages/", "/django-admin/", "/accounts/password/change/"):
            response = client.get(path)
            assert response.status_code == 302 and response["Location"].startswith(VERIFY_URL), path
        api = client.get("/api/v1/me/")
        assert api.status_code == 403 and api.json()["code"] == "mfa_required"
        page = client.get(f"{VERIFY_URL}?next={next_url}")
        assert page.status_code == 200 and "验证器" in page.content.decode()

        response = client.post(VERIFY_URL, {"code": code_for(device), "next": next_url})
        assert response.status_code == 302 and response["Location"] == next_url
        assert client.get(next_url).status_code == 200
        assert client.get("/api/v1/me/").status_code == 200
    assert LoginEvent.objects.filter(kind=Kind.MFA_VERIFIED, user=hr.user).exists()


def test_wrong_code_refused_counted_and_throttled(hr):
    device = authenticator_for(hr.user)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = password_login("/accounts/login/", hr.user.username, HR_PASSWORD)
        response = client.post(VERIFY_URL, {"code": "123456" if code_for(device) != "123456" else "654321"})
        assert response.status_code == 200 and "验证码不正确" in response.content.decode()
        assert client.get("/my/").status_code == 302
        event = LoginEvent.objects.get(kind=Kind.MFA_FAILED)
        assert event.user == hr.user and event.username == hr.user.username
        assert AccessAttempt.objects.get(username=hr.user.username).failures_since_start == 1
        # django-otp's back-off: right after a wrong code even the right one is not checked.
        response = client.post(VERIFY_URL, {"code": code_for(device)})
        assert response.status_code == 200 and "错误次数过多" in response.content.decode()
        traveller.shift(timezone.timedelta(seconds=5))
        assert client.post(VERIFY_URL, {"code": code_for(device)}).status_code == 302
        assert client.get("/my/").status_code == 200


def test_wrong_codes_lock_the_account(hr):
    authenticator_for(hr.user)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = password_login("/accounts/login/", hr.user.username, HR_PASSWORD)
        for _i in range(4):
            assert client.post(VERIFY_URL, {"code": "999999"}).status_code == 200
            traveller.shift(timezone.timedelta(seconds=20))  # past django-otp's back-off
        response = client.post(VERIFY_URL, {"code": "999999"})
        assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()
        assert "_auth_user_id" not in client.session  # the half-finished login is over
        # The password no longer gets in either, until the cool-off passes or HR unlocks.
        again = Client().post("/accounts/login/", {"username": hr.user.username, "password": HR_PASSWORD})
        assert again.status_code == 429
    assert LoginEvent.objects.filter(kind=Kind.MFA_FAILED, user=hr.user).count() == 5
    assert LoginEvent.objects.filter(kind=Kind.LOCKED, user=hr.user).exists()


def test_backup_code_works_once(hr):
    authenticator_for(hr.user)
    codes = mfa.new_backup_codes(hr.user)
    client = password_login("/accounts/login/", hr.user.username, HR_PASSWORD)
    assert client.post(VERIFY_URL, {"code": codes[0].upper()}).status_code == 302
    assert client.get("/my/").status_code == 200
    assert LoginEvent.objects.filter(kind=Kind.MFA_VERIFIED, detail="backup code").exists()
    other = password_login("/accounts/login/", hr.user.username, HR_PASSWORD)
    assert other.post(VERIFY_URL, {"code": codes[0]}).status_code == 200  # used up
    assert StaticToken.objects.filter(device__user=hr.user).count() == 9


def test_verification_comes_before_a_forced_password_change(hr):
    device = authenticator_for(hr.user)
    AccountState.objects.create(user=hr.user, must_change_password=True)
    client = password_login("/accounts/login/", hr.user.username, HR_PASSWORD)
    assert client.get("/my/")["Location"].startswith(VERIFY_URL)
    assert client.get(VERIFY_URL).status_code == 200
    assert client.post(VERIFY_URL, {"code": code_for(device)}).status_code == 302
    assert client.get("/my/")["Location"] == "/accounts/password/change/"


def test_turn_off_and_replace_need_a_current_code(hr):
    device = authenticator_for(hr.user)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = password_login("/accounts/login/", hr.user.username, HR_PASSWORD)
        client.post(VERIFY_URL, {"code": code_for(device)})
        next_step(traveller)
        page = client.post("/accounts/mfa/", {"action": "disable", "code": "000001"})
        assert page.status_code == 200 and TOTPDevice.objects.filter(user=hr.user).exists()
        traveller.shift(timezone.timedelta(seconds=31))
        response = client.post("/accounts/mfa/", {"action": "replace", "code": code_for(device)})
        assert response.status_code == 302 and not TOTPDevice.objects.filter(user=hr.user, confirmed=True).exists()
        assert client.get("/accounts/mfa/").status_code == 200  # a new key to scan
        assert TOTPDevice.objects.filter(user=hr.user, confirmed=False).count() == 1
        assert client.get("/my/").status_code == 200  # nothing required without the setting
    assert LoginEvent.objects.filter(kind=Kind.MFA_DISABLED, user=hr.user).exists()


def test_required_setting_sends_hr_and_superusers_to_enrolment(hr, superuser, secretary, settings):
    settings.LMS_MFA_REQUIRED_FOR_PRIVILEGED = True
    for user, password in ((hr.user, HR_PASSWORD), (superuser, "Root-secret-2026")):
        client = password_login("/accounts/login/", user.username, password)
        response = client.get("/my/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/mfa/?next=")
        assert client.get("/admin/")["Location"].startswith("/accounts/mfa/")
        page = client.get("/accounts/mfa/")
        assert page.status_code == 200 and "必须" in page.content.decode()
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        assert client.post("/accounts/mfa/", {"action": "confirm", "code": code_for(device)}).status_code == 200
        assert client.get("/my/").status_code == 200
        assert 'value="disable"' not in client.get("/accounts/mfa/").content.decode()  # may replace, not remove
    # Branch secretaries may enrol, but need not.
    secretary.user.set_password("Sec-secret-2026")
    secretary.user.save()
    assert password_login("/accounts/login/", secretary.user.username, "Sec-secret-2026").get("/my/").status_code \
        == 200


def test_plain_members_are_never_asked(member, settings):
    settings.LMS_MFA_REQUIRED_FOR_PRIVILEGED = True
    client = password_login("/accounts/login/", member.user.username, "Old-secret-2026")
    assert client.session[mfa.SESSION_MFA] == ""
    assert client.get("/my/").status_code == 200
    assert client.get(VERIFY_URL)["Location"] == "/today/"  # nothing to verify: on to the home


def test_next_must_stay_on_this_site(hr):
    device = authenticator_for(hr.user)
    client = password_login("/accounts/login/", hr.user.username, HR_PASSWORD)
    response = client.post(VERIFY_URL, {"code": code_for(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/today/"  # not the foreign address: the home


def test_logout_possible_before_the_code(hr):
    authenticator_for(hr.user)
    client = password_login("/accounts/login/", hr.user.username, HR_PASSWORD)
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def api_key_for(user) -> str:
    try:
        from lms.accounts.token_auth import create_token
    except ImportError:  # before API tokens moved to lms.accounts
        from rest_framework.authtoken.models import Token

        return Token.objects.create(user=user).key
    return create_token(user)[1]


def test_api_tokens_are_not_affected(hr, settings):
    settings.LMS_MFA_REQUIRED_FOR_PRIVILEGED = True
    authenticator_for(hr.user)
    key = api_key_for(hr.user)
    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
