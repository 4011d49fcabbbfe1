"""Trainers reach the image and document libraries (Wagtail grants them per collection) and upload covers and
lesson documents; HR may only choose them; the root page and collection read 根目录."""

import pytest
from django.test import Client
from wagtail.models import Collection, Page

from lms.org.services import sync_user_groups
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def staff_client(roles):
    member = MemberFactory(roles=roles)
    sync_user_groups(member)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(member.user)
    return client


@pytest.mark.parametrize("path", ["/admin/images/", "/admin/images/add/", "/admin/documents/",
                                  "/admin/documents/add/", "/admin/images/chooser/", "/admin/documents/chooser/"])
def test_trainers_open_the_libraries_and_their_upload_forms(path):
    assert staff_client(["member", "trainer"]).get(path).status_code == 200


def test_hr_chooses_but_does_not_upload():
    client = staff_client(["member", "hr"])
    assert client.get("/admin/images/chooser/").status_code == 200
    assert client.get("/admin/images/add/").status_code == 302  # Wagtail's "no permission" redirect


def test_a_plain_member_has_no_library():
    assert staff_client(["member"]).get("/admin/images/").status_code == 302


def test_the_roots_are_named_in_chinese():
    assert Page.objects.get(depth=1).title == "根目录"
    assert Collection.get_first_root_node().name == "根目录"
