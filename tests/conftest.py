import shutil

import pytest
from django.conf import settings
from rest_framework.test import APIClient


@pytest.fixture(autouse=True, scope="session")
def _clean_test_media():
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def member(db):
    from tests.factories import MemberFactory

    return MemberFactory()


@pytest.fixture
def member_api(member):
    client = APIClient()
    client.force_authenticate(member.user)
    client.member = member
    return client
