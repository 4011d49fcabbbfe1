"""Upload caps per kind: refused before the body is read (413) or per file (field error), nothing stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from content_library.models import Talk
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer():
    return MemberFactory(roles=["member", "trainer"]).user


def test_a_declared_body_over_the_talk_cap_is_refused_before_reading(trainer, settings):
    client = APIClient()
    client.force_authenticate(trainer)
    one_gib = str(1024 ** 3)
    response = client.generic("POST", "/api/v1/talks/", b"x" * 10, content_type="multipart/form-data; boundary=x",
                              CONTENT_LENGTH=one_gib, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "too_large" and "800 MB" in body["error"]
    assert not Talk.objects.exists()


def test_a_talk_file_over_a_lowered_cap_is_refused(trainer, settings):
    settings.LMS_UPLOAD_MAX_MB = {**settings.LMS_UPLOAD_MAX_MB, "talk": 1}
    client = APIClient()
    client.force_authenticate(trainer)
    big = SimpleUploadedFile("talk.mp3", b"\0" * (1024 * 1024 + 1))
    # Content-Length is the multipart body: over 1 MB here too, so the middleware answers first.
    response = client.post("/api/v1/talks/", {"title": "大文件", "file": big}, format="multipart",
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413 and not Talk.objects.exists()


def test_the_serializer_checks_each_file_against_the_cap(settings):
    from content_library.api import TalkCreateSerializer

    settings.LMS_UPLOAD_MAX_MB = {**settings.LMS_UPLOAD_MAX_MB, "talk": 1}
    serializer = TalkCreateSerializer(data={"title": "t", "file": SimpleUploadedFile("a.mp3", b"\0" * (2 << 20))})
    assert not serializer.is_valid()
    assert "1 MB" in str(serializer.errors["file"][0]) or "1 MB" in str(serializer.errors)


def test_admin_pages_get_a_readable_413(settings):
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.generic("POST", "/admin/import/members/", b"x", content_type="multipart/form-data; boundary=x",
                              CONTENT_LENGTH=str(21 * 1024 * 1024), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 413
    assert "20 MB" in response.content.decode()


def test_small_uploads_pass(trainer):
    client = APIClient()
    client.force_authenticate(trainer)
    response = client.post("/api/v1/notifications/read-all/", {}, format="json")
    assert response.status_code == 200
