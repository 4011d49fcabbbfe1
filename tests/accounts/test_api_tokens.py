"""API tokens (lms/accounts/api_tokens.py): hashed, expiring, listed and revoked by their owner, revoked by a
password change, created by password only through the login lockout; API throttling."""

import hashlib
import io
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from lms.accounts import services
from lms.accounts.models import AccountState, ApiToken, LoginEvent
from lms.accounts.token_auth import create_token

from .conftest import GOOD_PASSWORD, client_for

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/tokens/"
PASSWORD = "Old-secret-2026"  # the member fixture's


def session_api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def token_api(key: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}")


def me_status(key: str) -> int:
    return token_api(key).get("/api/v1/me/").status_code


def new_key(user, name: str = "") -> str:
    response = session_api(user).post(TOKENS, {"name": name}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["token"]


def assert_error_shape(response, status: int, code: str | None = None):
    body = response.json()
    assert response.status_code == status and body["status"] == status and body["error"], body
    if code is not None:
        assert body["code"] == code, body


def test_only_a_digest_is_stored(member):
    response = session_api(member.user).post(TOKENS, {"name": "脚本"}, format="json")
    assert response.status_code == 201 and "no-store" in response["Cache-Control"]
    body = response.json()
    key = body["token"]
    assert len(key) == 64 and body["prefix"] == key[:15] and body["name"] == "脚本" and body["expiry"]
    token = ApiToken.objects.get(user=member.user)
    assert token.digest == hashlib.sha512(key.encode()).hexdigest() and token.token_key == key[:15]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        stored = [str(value) for row in cursor.fetchall() for value in row]
    assert key not in stored and not any(key in value for value in stored)
    assert me_status(key) == 200
    # The old plain-text token app is gone, and so is its authentication.
    assert "rest_framework.authtoken" not in django_settings.INSTALLED_APPS
    auth_classes = django_settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]
    assert "rest_framework.authentication.TokenAuthentication" not in auth_classes


def test_token_expires(member, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timezone.timedelta(hours=2)}
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        key = new_key(member.user)
        token = ApiToken.objects.get(user=member.user)
        assert token.expiry == timezone.now() + timezone.timedelta(hours=2)
        traveller.shift(timezone.timedelta(hours=1, minutes=59))
        assert me_status(key) == 200
        traveller.shift(timezone.timedelta(minutes=2))
        response = token_api(key).get("/api/v1/me/")
        assert_error_shape(response, 401, "authentication_failed")
        assert response["WWW-Authenticate"] == "Token"
        assert not ApiToken.objects.exists()  # deleted when met
        assert session_api(member.user).get(TOKENS).json() == []


def test_list_shows_prefix_and_name_never_the_key(member):
    first, second = new_key(member.user, "手机"), new_key(member.user, "报表脚本")
    token_api(first).get("/api/v1/me/")
    response = session_api(member.user).get(TOKENS)
    assert response.status_code == 200
    rows = response.json()
    assert [r["name"] for r in rows] == ["报表脚本", "手机"]
    assert {r["prefix"] for r in rows} == {first[:15], second[:15]}
    assert set(rows[0]) == {"prefix", "name", "created", "expiry", "last_used"}
    assert rows[1]["last_used"] and rows[0]["last_used"] is None
    text = response.content.decode()
    assert first not in text and second not in text
    # By token too; others' tokens are not listed.
    other = new_key(get_user_model().objects.create_user("other-user", password="x" * 12))
    listed = token_api(first).get(TOKENS).json()
    assert len(listed) == 2 and other[:15] not in str(listed)


def test_revoke_one(member):
    first, second = new_key(member.user), new_key(member.user)
    response = token_api(second).delete(f"{TOKENS}{first[:15]}/")
    assert response.status_code == 204
    assert me_status(first) == 401 and me_status(second) == 200
    assert_error_shape(token_api(second).delete(f"{TOKENS}{first[:15]}/"), 404, "not_found")
    # Nobody revokes another user's token.
    stranger = get_user_model().objects.create_user("stranger", password="x" * 12)
    assert token_api(new_key(stranger)).delete(f"{TOKENS}{second[:15]}/").status_code == 404
    assert me_status(second) == 200


def test_revoke_all(member):
    keys = [new_key(member.user) for _i in range(3)]
    response = token_api(keys[0]).post(f"{TOKENS}revoke-all/")
    assert response.status_code == 200 and response.json() == {"revoked": 3}
    assert [me_status(k) for k in keys] == [401, 401, 401]


def test_password_change_revokes_all_tokens(member):
    keys = [new_key(member.user), new_key(member.user)]
    client = client_for(member.user)
    response = client.post("/accounts/password/change/", {
        "old_password": PASSWORD, "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert response.status_code == 302
    assert [me_status(k) for k in keys] == [401, 401]
    member.user.refresh_from_db()
    assert me_status(new_key(member.user)) == 200


def test_other_password_changes_revoke_too_but_not_a_rehash(member, hr, settings):
    key = new_key(member.user)
    services.reset_password_by_hr(member.user, actor=hr.user)  # HR's temporary password
    assert me_status(key) == 401
    AccountState.objects.filter(user=member.user).update(must_change_password=False)
    key = create_token(member.user)[1]
    member.user.set_password("Another-secret-2026")  # e.g. manage.py changepassword, the admin
    member.user.save()
    assert me_status(key) == 401
    # Saving the user for other reasons, or Django re-hashing the same password at login, keeps the tokens.
    key = create_token(member.user)[1]
    member.user.first_name = "三"
    member.user.save()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                 "django.contrib.auth.hashers.MD5PasswordHasher"]
    assert member.user.password.startswith("md5$")
    assert Client().post("/accounts/login/", {"username": member.user.username,
                                              "password": "Another-secret-2026"}).status_code == 302
    member.user.refresh_from_db()
    assert member.user.password.startswith("pbkdf2_sha256$")
    assert me_status(key) == 200


def test_logout_keeps_tokens_unless_configured(member, settings):
    key = new_key(member.user)
    client_for(member.user).post("/accounts/logout/")
    assert me_status(key) == 200
    settings.LMS_API_REVOKE_TOKENS_ON_LOGOUT = True
    client_for(member.user).post("/accounts/logout/")
    assert me_status(key) == 401


def test_create_by_password_goes_through_the_lockout(member):
    api = APIClient()
    response = api.post(TOKENS, {"username": member.user.username, "password": PASSWORD, "name": "ci"},
                        format="json")
    assert response.status_code == 201 and me_status(response.json()["token"]) == 200
    assert LoginEvent.objects.filter(kind=LoginEvent.Kind.LOGIN, user=member.user, detail="API token").exists()
    answers = [api.post(TOKENS, {"username": member.user.username, "password": "wrong-password"},
                        format="json") for _i in range(5)]
    for response in answers[:4]:
        assert_error_shape(response, 401, "invalid_credentials")
    assert_error_shape(answers[4], 429, "locked_out")
    assert int(answers[4]["Retry-After"]) == 15 * 60
    locked = api.post(TOKENS, {"username": member.user.username, "password": PASSWORD}, format="json")
    assert_error_shape(locked, 429, "locked_out")
    assert ApiToken.objects.filter(user=member.user).count() == 1
    assert LoginEvent.objects.filter(kind=LoginEvent.Kind.FAILED, user=member.user).count() >= 5
    # The same lockout holds at the login page.
    assert Client().post("/accounts/login/", {"username": member.user.username,
                                              "password": PASSWORD}).status_code == 429


def test_create_needs_a_password_or_a_session(member):
    assert_error_shape(APIClient().post(TOKENS, {}, format="json"), 401, "not_authenticated")
    key = new_key(member.user)
    assert_error_shape(token_api(key).post(TOKENS, {}, format="json"), 403, "password_required")
    response = APIClient().post(TOKENS, {"password": PASSWORD}, format="json")
    assert response.status_code == 400 and "username" in response.json()["fields"]


def test_password_alone_does_not_create_a_token_for_an_account_with_a_second_factor(hr):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=hr.user, name="authenticator", confirmed=True)
    response = APIClient().post(TOKENS, {"username": hr.user.username, "password": "Hr-secret-2026x"},
                                format="json")
    assert_error_shape(response, 403, "second_factor_required")
    assert not ApiToken.objects.exists()


def test_token_limit(member, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}
    new_key(member.user)
    new_key(member.user)
    assert_error_shape(session_api(member.user).post(TOKENS, {}, format="json"), 409, "token_limit")


def test_unauthenticated_gets_401_with_www_authenticate(db):
    for url in (TOKENS, "/api/v1/me/"):
        response = APIClient().get(url)
        assert_error_shape(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"] == "Token"
    response = token_api("0" * 64).get("/api/v1/me/")
    assert_error_shape(response, 401, "authentication_failed")
    assert token_api("é").get("/api/v1/me/").status_code == 401  # not text as UTF-8: still just invalid


def test_user_throttle(member, settings):
    settings.LMS_API_USER_RATE = "3/min"
    cache.clear()
    api = token_api(create_token(member.user)[1])
    assert [api.get("/api/v1/me/").status_code for _i in range(3)] == [200, 200, 200]
    response = api.get("/api/v1/me/")
    assert_error_shape(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60
    # Per user: another member is not held up.
    other = get_user_model().objects.create_user("other-member", password="x" * 12)
    assert token_api(create_token(other)[1]).get(TOKENS).status_code == 200


def test_anonymous_throttle(db, settings):
    settings.LMS_API_ANON_RATE = "2/min"
    cache.clear()
    api = APIClient(REMOTE_ADDR="10.3.3.3")
    assert [api.post(TOKENS, {}, format="json").status_code for _i in range(2)] == [401, 401]
    response = api.post(TOKENS, {}, format="json")
    assert_error_shape(response, 429, "throttled")
    assert response["Retry-After"]
    assert APIClient(REMOTE_ADDR="10.3.3.4").post(TOKENS, {}, format="json").status_code == 401


def test_create_api_token_command(member):
    out = io.StringIO()
    with time_machine.travel(timezone.now(), tick=False):
        call_command("create_api_token", member.user.username, "--name", "备份", "--ttl-hours", "5", stdout=out,
                     stderr=io.StringIO())
        token = ApiToken.objects.get(user=member.user)
        assert token.expiry == timezone.now() + timezone.timedelta(hours=5) and token.name == "备份"
    key = out.getvalue().strip()
    assert me_status(key) == 200
    call_command("create_api_token", member.user.username, "--rotate", stdout=io.StringIO(), stderr=io.StringIO())
    assert me_status(key) == 401 and ApiToken.objects.filter(user=member.user).count() == 1


def test_token_page(member):
    client = client_for(member.user)
    page = client.get("/accounts/tokens/")
    assert page.status_code == 200 and "API 令牌" in page.content.decode()
    created = client.post("/accounts/tokens/", {"action": "create", "name": "家里的电脑"})
    html = created.content.decode()
    token = ApiToken.objects.get(user=member.user)
    assert created.status_code == 200 and "no-store" in created["Cache-Control"] and "家里的电脑" in html
    key = html.split('<code style="font-size:1.1rem;word-break:break-all">')[1].split("</code>")[0]
    assert key[:15] == token.token_key and me_status(key) == 200
    listing = client.get("/accounts/tokens/").content.decode()
    assert token.token_key in listing and key not in listing
    client.post("/accounts/tokens/", {"action": "revoke", "prefix": token.token_key})
    assert me_status(key) == 401
    assert Client().get("/accounts/tokens/").status_code == 302  # members only


def test_schema_documents_tokens_and_429(db):
    response = Client().get("/api/v1/schema/?format=json")
    paths = response.json()["paths"]
    assert {"/api/v1/tokens/", "/api/v1/tokens/{prefix}/", "/api/v1/tokens/revoke-all/"} <= set(paths)
    assert "429" in paths["/api/v1/tokens/"]["get"]["responses"]
    assert "Retry-After" in paths["/api/v1/me/"]["get"]["responses"]["429"]["headers"]
    created = paths["/api/v1/tokens/"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    name = created["$ref"].rsplit("/", 1)[1]
    assert "token" in response.json()["components"]["schemas"][name]["properties"]


def test_migration_drops_the_plain_text_tokens(db):
    from importlib import import_module

    migration = import_module("lms.accounts.migrations.0002_apitoken")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (k varchar(40) PRIMARY KEY, user_id integer)")
        cursor.execute("INSERT INTO authtoken_token VALUES ('0123456789012345678901234567890123456789', 1)")
        editor = SimpleNamespace(connection=connection, execute=cursor.execute, sql_delete_table="DROP TABLE %(table)s",
                                 quote_name=connection.ops.quote_name)
        migration.drop_plain_text_tokens(None, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
