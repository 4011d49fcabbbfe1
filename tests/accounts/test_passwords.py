"""Password change, reset by e-mail, the forced change after import/HR reset, and the password policy."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from lms.accounts import services
from lms.accounts.models import AccountState, ApiToken, LoginEvent
from lms.org.importer import import_members

from .conftest import GOOD_PASSWORD, client_for

pytestmark = pytest.mark.django_db


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_password_change_page_in_chinese_and_changes_password(member):
    client = client_for(member.user)
    page = client.get("/accounts/password/change/")
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    response = client.post("/accounts/password/change/", {
        "old_password": "Old-secret-2026", "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/change/done/"
    member.user.refresh_from_db()
    assert member.user.check_password(GOOD_PASSWORD)
    assert logged_in_user_id(client) == str(member.user.pk)  # still logged in (session hash updated)
    assert LoginEvent.objects.filter(user=member.user, kind=LoginEvent.Kind.PASSWORD_CHANGED).exists()


@pytest.mark.parametrize("weak", ["short1Ab", "1234567890123", "password123", "{username}xyz1"])
def test_password_policy_rejects_weak_passwords(member, weak):
    weak = weak.format(username=member.user.username)
    client = client_for(member.user)
    response = client.post("/accounts/password/change/", {
        "old_password": "Old-secret-2026", "new_password1": weak, "new_password2": weak})
    assert response.status_code == 200  # the form again, with the validator's message
    member.user.refresh_from_db()
    assert member.user.check_password("Old-secret-2026")


def test_password_change_needs_login(client):
    response = client.get("/accounts/password/change/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def _reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_reset_mail_in_chinese_with_one_time_link(member, django_capture_on_commit_callbacks):
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": "ZHANG@example.com"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zhang@example.com"]
    assert "重新设置密码" in message.subject or "新密码" in message.subject
    assert "您好" in message.body and member.user.username in message.body
    link = _reset_link(message)
    # Django moves the token into the session and redirects to a token-less URL.
    step = client.get(link)
    assert step.status_code == 302
    form_url = step["Location"]
    assert "新密码" in client.get(form_url).content.decode()
    done = client.post(form_url, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/complete/"
    member.user.refresh_from_db()
    assert member.user.check_password(GOOD_PASSWORD)
    assert LoginEvent.objects.filter(user=member.user, kind=LoginEvent.Kind.PASSWORD_RESET).exists()
    # The same link again: refused.
    again = Client().get(link)
    assert again.status_code == 200 and "已被使用或已过期" in again.content.decode()


def test_reset_does_not_reveal_whether_an_address_exists(member):
    known = Client().post("/accounts/password/reset/", {"email": "zhang@example.com"})
    unknown = Client().post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1  # only the real account got mail
    done = Client().get(known["Location"]).content.decode()
    assert "如果该地址属于某个账号" in done


def test_reset_reaches_imported_member_by_member_address(db):
    report = import_members("employee_no,name,org_unit_path,roles,email\nM77,赵六,公司党委,member,zl@example.com\n"
                            .encode(), "m.csv")
    assert report.ok
    user = get_user_model().objects.get(username="M77")
    user.email = ""  # only the member record holds the address
    user.save()
    Client().post("/accounts/password/reset/", {"email": "zl@example.com"})
    assert [m.to for m in mail.outbox] == [["zl@example.com"]]


def test_imported_member_is_flagged_and_redirected_until_password_changed(db):
    import_members("employee_no,name,org_unit_path,roles\nN1,钱七,公司党委,member\n".encode(), "m.csv")
    user = get_user_model().objects.get(username="N1")
    assert AccountState.objects.get(user=user).must_change_password
    # Someone (an administrator) gives the account a password: the member must still choose their own.
    user.set_password("Given-by-admin-1")
    user.save()
    client = client_for(user)
    for path in ["/", "/my/", "/admin/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/password/change/", path
    api = client.get("/api/v1/me/")
    assert api.status_code == 403
    assert api.json() == {"error": api.json()["error"], "status": 403, "code": "password_change_required"}
    assert "修改密码" in api.json()["error"]
    _token, key = ApiToken.objects.create(user)
    by_token = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert by_token.status_code == 403 and by_token.json()["code"] == "password_change_required"
    # The change page itself, static files and logout stay reachable.
    page = client.get("/accounts/password/change/")
    assert page.status_code == 200 and "请先将" in page.content.decode()
    assert client.get("/static/css/site.css").status_code in (200, 404)
    client.post("/accounts/password/change/", {
        "old_password": "Given-by-admin-1", "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert not AccountState.objects.get(user=user).must_change_password
    assert client.get("/my/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200
    # The change revoked the token made before it; a new one works (no longer held at the change).
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    _token, key = ApiToken.objects.create(user)
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_logout_allowed_while_password_change_required(member):
    services.require_password_change(member.user)
    client = client_for(member.user)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in_user_id(client) is None


def test_flag_read_at_login_from_older_sessions(member):
    client = client_for(member.user)
    session = client.session
    del session[services.SESSION_MUST_CHANGE]
    session.save()
    services.require_password_change(member.user)
    assert client.get("/my/")["Location"] == "/accounts/password/change/"
