"""Directory login against a real OpenLDAP server (tests/ldap_server.py): the directory checks the password, the
employee number picks the member; unknown numbers and privileged accounts are refused; off without LDAP_*."""

import logging
import runpy
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client

from lms.accounts.directory_config import DIRECTORY_BACKEND, directory_settings
from lms.accounts.models import LoginEvent
from tests.factories import MemberFactory, UserFactory
from tests.ldap_server import PEOPLE, ROOT_DN, ROOT_PASSWORD, InstallRefused, LdapServer, person

BASE_SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings" / "base.py"
LOCAL_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LDAP_VARIABLES = ["LDAP_SERVER_URI", "LDAP_BIND_DN", "LDAP_BIND_PASSWORD", "LDAP_USER_SEARCH_BASE",
                  "LDAP_USER_FILTER", "LDAP_EMPLOYEE_NUMBER_ATTR", "LDAP_START_TLS", "LDAP_CA_CERT_FILE"]


@pytest.fixture(scope="module")
def directory():
    entries = [
        person("zhangsan", "Dir-pass-zhang1", "D10001", "张三"),
        person("lisi", "Dir-pass-lisi1", "D99999", "李四"),  # no member has this number
        person("wangwu", "Dir-pass-wang1", "D10003", "王五"),  # a member whose account is staff
        person("ops", "Dir-pass-ops1", "opsadmin"),  # the number is a staff account's user name
        person("zhaoliu", "Dir-pass-zhao1", None),  # no number at all
    ]
    try:
        server = LdapServer(entries).start()
    except InstallRefused as exc:
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.fixture
def ldap_on(directory, settings):
    environ = {"LDAP_SERVER_URI": directory.uri, "LDAP_BIND_DN": ROOT_DN, "LDAP_BIND_PASSWORD": ROOT_PASSWORD,
               "LDAP_USER_SEARCH_BASE": PEOPLE}
    for name, value in directory_settings(environ).items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*LOCAL_BACKENDS, DIRECTORY_BACKEND]
    return directory


def login(client, username, password, url="/accounts/login/"):
    return client.post(url, {"username": username, "password": password})


def logged_in_as(client):
    return client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_directory_password_logs_in_as_the_members_user(ldap_on):
    member = MemberFactory(employee_no="D10001", user__password="Local-pass-2026")
    users_before = get_user_model().objects.count()
    client = Client()
    response = login(client, "zhangsan", "Dir-pass-zhang1")
    assert response.status_code == 302 and logged_in_as(client) == str(member.user.pk)
    assert client.session["_auth_user_backend"] == DIRECTORY_BACKEND
    assert client.get("/my/").status_code == 200  # the session holds on later requests
    assert get_user_model().objects.count() == users_before
    member.user.refresh_from_db()
    assert member.user.check_password("Local-pass-2026")  # the directory changes nothing here
    assert LoginEvent.objects.get(kind=LoginEvent.Kind.LOGIN).detail == "directory"
    # The admin login goes through the same backends.
    admin = Client()
    assert login(admin, "zhangsan", "Dir-pass-zhang1", url="/admin/login/").status_code in (200, 302)
    assert logged_in_as(admin) == str(member.user.pk)
    # The local password keeps working.
    assert login(Client(), member.user.username, "Local-pass-2026").status_code == 302


@pytest.mark.django_db
def test_wrong_directory_password_refused_and_counted(ldap_on):
    MemberFactory(employee_no="D10001")
    client = Client()
    for n in range(5):
        response = login(client, "zhangsan", "wrong-password")
        assert response.status_code in (200, 429) and not logged_in_as(client)
        if n == 0:
            assert AccessAttempt.objects.get(username="zhangsan").failures_since_start == 1
            assert LoginEvent.objects.filter(kind=LoginEvent.Kind.FAILED, username="zhangsan").exists()
    response = login(client, "zhangsan", "Dir-pass-zhang1")  # locked now, even with the right password
    assert response.status_code == 429 and not logged_in_as(client)


@pytest.mark.django_db
def test_unknown_or_missing_employee_number_refused(ldap_on, caplog):
    MemberFactory(employee_no="D10001")
    users_before = get_user_model().objects.count()
    with caplog.at_level(logging.WARNING, logger="lms.accounts.directory"):
        for uid, password in (("lisi", "Dir-pass-lisi1"), ("zhaoliu", "Dir-pass-zhao1")):
            client = Client()
            assert login(client, uid, password).status_code == 200 and not logged_in_as(client)
    assert get_user_model().objects.count() == users_before  # nobody created
    assert "no member has the employee number 'D99999'" in caplog.text
    assert "has no employeeNumber" in caplog.text


@pytest.mark.django_db
def test_staff_and_superuser_accounts_refused(ldap_on, caplog):
    staff_member = MemberFactory(employee_no="D10003")
    staff_member.user.is_staff = True
    staff_member.user.save()
    UserFactory(username="opsadmin", is_staff=True, is_superuser=True)
    with caplog.at_level(logging.WARNING, logger="lms.accounts.directory"):
        for uid, password in (("wangwu", "Dir-pass-wang1"), ("ops", "Dir-pass-ops1")):
            client = Client()
            assert login(client, uid, password).status_code == 200 and not logged_in_as(client)
            admin = Client()
            login(admin, uid, password, url="/admin/login/")
            assert not logged_in_as(admin)
    assert "staff or superuser" in caplog.text
    assert "no member has the employee number 'opsadmin'" in caplog.text


@pytest.mark.django_db
def test_inactive_member_refused(ldap_on):
    MemberFactory(employee_no="D10001", is_active=False)
    client = Client()
    assert login(client, "zhangsan", "Dir-pass-zhang1").status_code == 200 and not logged_in_as(client)


@pytest.mark.django_db
def test_directory_session_ends_when_the_account_becomes_staff(ldap_on):
    member = MemberFactory(employee_no="D10001")
    client = Client()
    login(client, "zhangsan", "Dir-pass-zhang1")
    assert client.get("/my/").status_code == 200
    member.user.is_staff = True
    member.user.save()
    assert client.get("/my/").status_code == 302


def _settings_with(monkeypatch, **environ) -> dict:
    for name in LDAP_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_SETTINGS))


def test_without_ldap_server_uri_the_backends_are_unchanged(monkeypatch):
    values = _settings_with(monkeypatch, LDAP_BIND_DN="cn=x", LDAP_USER_SEARCH_BASE="dc=example,dc=com")
    assert values["AUTHENTICATION_BACKENDS"] == LOCAL_BACKENDS
    assert not any(name.startswith("AUTH_LDAP_") for name in values)


def test_ldap_server_uri_appends_the_directory_backend(monkeypatch):
    values = _settings_with(monkeypatch, LDAP_SERVER_URI="ldap://127.0.0.1:1", LDAP_USER_SEARCH_BASE=PEOPLE,
                            LDAP_START_TLS="1", LDAP_EMPLOYEE_NUMBER_ATTR="employeeID")
    assert values["AUTHENTICATION_BACKENDS"] == [*LOCAL_BACKENDS, DIRECTORY_BACKEND]
    assert values["AUTH_LDAP_SERVER_URI"] == "ldap://127.0.0.1:1" and values["AUTH_LDAP_START_TLS"] is True
    assert values["AUTH_LDAP_USER_SEARCH"].filterstr == "(uid=%(user)s)"
    assert values["AUTH_LDAP_USER_SEARCH"].base_dn == PEOPLE
    assert values["LMS_LDAP_EMPLOYEE_NUMBER_ATTR"] == "employeeID"
    assert values["AUTH_LDAP_NO_NEW_USERS"] is True
