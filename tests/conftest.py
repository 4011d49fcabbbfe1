import shutil

import pytest
from django.conf import settings
from rest_framework.test import APIClient


@pytest.fixture(autouse=True, scope="session")
def _clean_test_media():
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language. A request through the test client runs LocaleMiddleware in the
    test's own thread, which leaves the request's language active afterwards; without this, a test asking for
    English pages would change the language of the messages the next test reads."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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
