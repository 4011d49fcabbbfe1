import pytest
from django.test import Client

from tests.factories import MemberFactory, UserFactory

GOOD_PASSWORD = "Lianxi-2026-xuexi"  # passes every validator


@pytest.fixture
def member(db):
    return MemberFactory(email="zhang@example.com", user__password="Old-secret-2026")


@pytest.fixture
def hr(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # staff groups follow roles on commit
        return MemberFactory(roles=["member", "hr"], user__password="Hr-secret-2026x")


@pytest.fixture
def secretary(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return MemberFactory(roles=["member", "branch_secretary"])


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True, password="Root-secret-2026")


def client_for(user=None, **defaults) -> Client:
    client = Client(**defaults)
    if user is not None:
        client.force_login(user)
    return client
