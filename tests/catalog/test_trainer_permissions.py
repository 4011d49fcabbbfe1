"""Trainers author courses in the Wagtail admin; publishing goes through moderation."""

import pytest
from django.test import Client
from wagtail.models import Page

from lms.catalog.models import CoursePage
from tests.factories import MemberFactory, catalog_home


@pytest.fixture
def trainer(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        member = MemberFactory(roles=["member", "trainer"])
    return member


def test_trainer_can_add_and_edit_but_not_publish(trainer):
    home = catalog_home()
    perms = home.permissions_for_user(trainer.user)
    assert perms.can_add_subpage() and perms.can_edit()
    assert not perms.can_publish()
    assert trainer.user.has_perm("wagtailadmin.access_admin")
    assert trainer.user.has_perm("wagtailimages.add_image")
    assert trainer.user.has_perm("wagtaildocs.add_document")


def test_trainer_creates_draft_course_through_admin(trainer):
    client = Client()
    client.force_login(trainer.user)
    home = catalog_home()
    r = client.get(f"/admin/pages/add/catalog/coursepage/{home.pk}/")
    assert r.status_code == 200
    assert "层级" in r.content.decode()  # the admin speaks Chinese
    r = client.post(f"/admin/pages/add/catalog/coursepage/{home.pk}/", {
        "title": "讲师新建课程", "slug": "trainer-course", "tier": "elective", "credit_hours": "1.5",
        "summary": "草稿", "action-publish": "publish",
    })
    assert r.status_code in (200, 302)
    course = CoursePage.objects.get(slug="trainer-course")
    assert not course.live  # a trainer's publish request does not publish


def test_plain_member_has_no_admin_access(db):
    member = MemberFactory()
    client = Client()
    client.force_login(member.user)
    r = client.get("/admin/")
    assert r.status_code == 302 and "login" in r["Location"]
    assert not Page.objects.get(pk=catalog_home().pk).permissions_for_user(member.user).can_add_subpage()
