"""The Wagtail admin shows a branch secretary only their branch's members and assignments — listings and every
view of one object; HR sees everyone."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from lms.org.services import HR, SECRETARIES
from lms.training.models import Assignment
from tests.factories import MemberFactory, make_course, org_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def branches():
    mine = MemberFactory(org_unit=org_unit("公司党委/第一党支部"), employee_no="B1-0001", email="b1@example.com")
    theirs = MemberFactory(org_unit=org_unit("公司党委/第二党支部"), employee_no="B2-0001", email="b2@example.com",
                           phone="13800000002")
    secretary = MemberFactory(org_unit=org_unit("公司党委/第一党支部"), roles=["member", "branch_secretary"])
    group = Group.objects.get(name=SECRETARIES)
    group.permissions.add(Permission.objects.get(codename="view_assignment"))
    secretary.user.groups.add(group)
    course = make_course("必修课")
    due = datetime.date(2030, 6, 30)
    assignments = {m.employee_no: Assignment.objects.create(member=m, course=course, year=2030, due_on=due,
                                                     original_due_on=due)
                   for m in (mine, theirs)}
    return mine, theirs, secretary, assignments


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_member_listing_and_edit_are_scoped(branches):
    mine, theirs, secretary, _ = branches
    client = admin_client(secretary.user)
    listing = client.get("/admin/snippets/org/member/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "B1-0001" in html and "B2-0001" not in html and "b2@example.com" not in html
    search = client.get("/admin/snippets/org/member/", {"q": "B2"}).content.decode()
    assert "B2-0001" not in search
    assert client.get(f"/admin/snippets/org/member/edit/{theirs.pk}/").status_code == 404
    assert client.get(f"/admin/snippets/org/member/history/{theirs.pk}/").status_code == 404


def test_assignment_listing_and_inspect_are_scoped(branches):
    _mine, _theirs, secretary, assignments = branches
    client = admin_client(secretary.user)
    html = client.get("/admin/snippets/training/assignment/").content.decode()
    assert f"/inspect/{assignments['B1-0001'].pk}/" in html
    assert f"/inspect/{assignments['B2-0001'].pk}/" not in html
    assert client.get(f"/admin/snippets/training/assignment/inspect/{assignments['B1-0001'].pk}/").status_code == 200
    assert client.get(f"/admin/snippets/training/assignment/inspect/{assignments['B2-0001'].pk}/").status_code == 404


def test_hr_sees_every_branch(branches):
    _mine, theirs, _secretary, assignments = branches
    hr = MemberFactory(org_unit=org_unit("公司党委"), roles=["member", "hr"])
    hr.user.groups.add(Group.objects.get(name=HR))
    hr.user.groups.add(Group.objects.get(name=SECRETARIES))  # for view_assignment in this test
    client = admin_client(hr.user)
    html = client.get("/admin/snippets/org/member/").content.decode()
    assert "B1-0001" in html and "B2-0001" in html
    assert client.get(f"/admin/snippets/org/member/edit/{theirs.pk}/").status_code == 200
    assert client.get(f"/admin/snippets/training/assignment/inspect/{assignments['B2-0001'].pk}/").status_code == 200
