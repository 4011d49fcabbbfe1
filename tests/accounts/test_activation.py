"""Activation links for imported members: issued by HR (page or command), one-time, expiring."""

import re
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from lms.accounts import services
from lms.accounts.models import AccountState, LoginEvent
from lms.org.importer import import_members

from .conftest import GOOD_PASSWORD, client_for

pytestmark = pytest.mark.django_db

CSV = ("employee_no,name,org_unit_path,roles,email\n"
       "A1,张一,公司党委/第一党支部,member,a1@example.com\n"
       "A2,张二,公司党委/第一党支部,member,\n"
       "B1,李一,公司党委/第二党支部,member,b1@example.com\n")


@pytest.fixture
def imported(db):
    report = import_members(CSV.encode(), "m.csv")
    assert report.ok, report.errors
    return {u.username: u for u in get_user_model().objects.filter(username__in=["A1", "A2", "B1"])}


def activation_path(user) -> str:
    return services.activation_path(user)


def activate(client, path, password=GOOD_PASSWORD):
    step = client.get(path)
    assert step.status_code == 302, step.content.decode()[:500]
    return client.post(step["Location"], {"new_password1": password, "new_password2": password})


def test_activation_sets_password_and_logs_in(imported):
    user = imported["A1"]
    client = Client()
    response = activate(client, activation_path(user))
    assert response.status_code == 302 and response["Location"] == "/today/"  # the member's home (LOGIN_REDIRECT_URL)
    assert client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)
    assert not AccountState.objects.get(user=user).must_change_password
    assert client.get("/my/").status_code == 200  # no forced change: the member chose this password
    assert LoginEvent.objects.filter(user=user, kind=LoginEvent.Kind.ACTIVATED).exists()


def test_activation_form_validates_password(imported):
    client = Client()
    step = client.get(activation_path(imported["A1"]))
    response = client.post(step["Location"], {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert not get_user_model().objects.get(username="A1").has_usable_password()


def test_used_link_fails(imported):
    path = activation_path(imported["A1"])
    activate(Client(), path)
    again = Client().get(path)
    assert again.status_code == 200 and "激活链接无效" in again.content.decode()


def test_link_fails_once_password_set_elsewhere(imported):
    user = imported["A2"]
    path = activation_path(user)
    user.set_password("Set-by-someone-1")
    user.save()
    assert "激活链接无效" in Client().get(path).content.decode()


def test_expired_link_fails(imported, settings):
    settings.LMS_ACTIVATION_DAYS = 7
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        path = activation_path(imported["A1"])
        traveller.shift(timezone.timedelta(days=6, hours=23))
        assert Client().get(path).status_code == 302  # still valid
        traveller.shift(timezone.timedelta(hours=2))
        response = Client().get(path)
        assert response.status_code == 200 and "激活链接无效" in response.content.decode()


def test_tampered_token_fails(imported):
    path = activation_path(imported["A1"])
    bad = re.sub(r"-([0-9a-f]{4})", "-0000", path, count=1)
    assert "激活链接无效" in Client().get(bad).content.decode()


def test_reset_token_is_not_an_activation_token(imported):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = imported["A1"]
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = f"/accounts/activate/{uid}/{default_token_generator.make_token(user)}/"
    assert "激活链接无效" in Client().get(path).content.decode()


def test_hr_prints_links_for_their_members(imported, hr):
    client = client_for(hr.user)
    page = client.get("/accounts/manage/activation/")
    assert page.status_code == 200 and "账号激活" in page.content.decode()
    response = client.post("/accounts/manage/activation/", {"unit": "", "delivery": "print"})
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    for name, no in [("张一", "A1"), ("张二", "A2"), ("李一", "B1")]:
        assert name in html and no in html
    links = re.findall(r"http://testserver(/accounts/activate/[^<\s]+/)", html)
    assert len(links) == 3
    assert hr.employee_no not in html  # HR's own account has a password: not listed
    assert len(mail.outbox) == 0
    # A printed link works.
    assert activate(Client(), links[0]).status_code == 302
    assert LoginEvent.objects.filter(kind=LoginEvent.Kind.ACTIVATION_ISSUED, actor=hr.user).count() == 3


def test_hr_emails_links_and_lists_members_without_address(imported, hr):
    from lms.org.models import OrgUnit

    unit = OrgUnit.objects.get(name="第一党支部")
    client = client_for(hr.user)
    response = client.post("/accounts/manage/activation/", {"unit": str(unit.pk), "delivery": "email"})
    html = response.content.decode()
    assert [m.to for m in mail.outbox] == [["a1@example.com"]]
    assert "激活" in mail.outbox[0].subject and "张一" in mail.outbox[0].body
    assert "/accounts/activate/" in mail.outbox[0].body
    assert "张二" in html and "张一" not in html and "李一" not in html  # outside the chosen unit


@pytest.mark.parametrize("who", ["member", "secretary"])
def test_activation_page_is_hr_only(imported, who, request):
    person = request.getfixturevalue(who)
    client = client_for(person.user)
    assert client.get("/accounts/manage/activation/").status_code == 403
    assert client.post("/accounts/manage/activation/", {"unit": "", "delivery": "print"}).status_code == 403
    assert client.get("/accounts/manage/security/").status_code == 403
    assert LoginEvent.objects.filter(kind=LoginEvent.Kind.ACTIVATION_ISSUED).count() == 0


def test_admin_menu_offers_the_pages_to_hr_only(hr, secretary):
    html = client_for(hr.user).get("/admin/").content.decode()
    assert "/accounts/manage/activation/" in html and "/accounts/manage/security/" in html
    assert "/accounts/manage/activation/" not in client_for(secretary.user).get("/admin/").content.decode()


def test_hr_does_not_get_links_for_other_hr(db, hr):
    import_members("employee_no,name,org_unit_path,roles\nH2,人事二,公司党委,member;hr\nP1,普通,公司党委,member\n"
                   .encode(), "m.csv")
    html = client_for(hr.user).post("/accounts/manage/activation/", {"unit": "", "delivery": "print"}).content
    # By name: the page's inline SVG icons contain path commands such as "H2".
    assert "普通" in html.decode() and "人事二" not in html.decode()


def test_command_prints_and_emails(imported):
    out, err = StringIO(), StringIO()
    call_command("issue_activation_links", "--unit", "公司党委/第一党支部", stdout=out, stderr=err)
    lines = out.getvalue().strip().splitlines()
    assert lines[0] == "name,employee_no,org_unit,link" and len(lines) == 3
    assert "A1" in out.getvalue() and "B1" not in out.getvalue()
    link = re.search(r"(/accounts/activate/\S+/)", lines[1]).group(1)
    assert activate(Client(), link).status_code == 302

    out = StringIO()
    call_command("issue_activation_links", "--email", stdout=out, stderr=StringIO())
    # A1 is active now; B1 is mailed; A2 has no address and is printed.
    assert [m.to for m in mail.outbox] == [["b1@example.com"]]
    assert "A2" in out.getvalue() and "B1" not in out.getvalue() and "A1" not in out.getvalue()


def test_command_rejects_unknown_unit(imported):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("issue_activation_links", "--unit", "没有/这个", stdout=StringIO(), stderr=StringIO())
