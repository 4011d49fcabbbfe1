"""/media/ serves Wagtail's images only; a restricted talk's file is reachable only through the checked view."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from content_library.models import Talk
from tests.factories import make_talk, org_unit

pytestmark = pytest.mark.django_db


def put(rel: str, data: bytes) -> None:
    path = Path(settings.MEDIA_ROOT) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def test_talk_files_are_not_served_from_media_to_anyone():
    talk = make_talk("内部视频", visibility=Talk.Visibility.SUBTREE, org_unit=org_unit("公司党委/第二党支部"))
    put(f"talks/{talk.pk}/source.mp4", b"secret video bytes")
    put("h5p/abc/content/content.json", b"{}")
    put("reports/export.csv", b"name,phone")
    for path in (f"/media/talks/{talk.pk}/source.mp4", "/media/h5p/abc/content/content.json",
                 "/media/reports/export.csv"):
        assert Client().get(path).status_code == 404, path


def test_wagtail_images_are_served():
    put("original_images/logo.png", b"\\x89PNG fake")
    response = Client().get("/media/original_images/logo.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\\x89PNG fake"
    assert Client().get("/media/original_images/../talks/x").status_code == 404
