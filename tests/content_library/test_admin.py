"""Wagtail admin: talk list with processing status, upload, import by URL, re-transcribe."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from content_library.models import Talk
from tests.factories import UserFactory

from .conftest import make_ready_talk


@pytest.fixture
def admin_client(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def test_index_lists_status_and_progress(admin_client, processed):
    Talk.objects.create(title="转写中", status=Talk.Status.TRANSCRIBING, progress=37)
    failed = Talk.objects.create(title="坏文件", status=Talk.Status.FAILED, error="The file is empty.")
    html = admin_client.get("/admin/talks/").content.decode()
    assert "转写中" in html and 'value="37"' in html and 'data-status="transcribing"' in html
    assert f'data-talk-progress="{failed.pk}"' in html and "The file is empty." in html
    assert "/admin/talks/import/" in html
    assert "content_library/admin-talks.js" in html


def test_upload_form_creates_talk_and_starts_processing(admin_client, processed):
    form = admin_client.get("/admin/talks/add/").content.decode()
    assert 'enctype="multipart/form-data"' in form and "data-talk-upload" in form
    upload = SimpleUploadedFile("讲座.mp4", b"\x00\x00\x00\x18ftypmp42" + b"0" * 64, content_type="video/mp4")
    r = admin_client.post("/admin/talks/add/", {
        "title": "讲座", "source_file": upload, "source_url": "", "visibility": "organization", "language": "zh",
    })
    assert r.status_code == 302, r.content.decode()[:2000]
    talk = Talk.objects.get(title="讲座")
    assert talk.source_name == "讲座.mp4" and talk.source_size == 76 and talk.source_file
    assert talk.created_by.username == "root"
    assert processed == [(talk.pk, False)]


def test_upload_form_needs_a_file_or_url(admin_client, processed):
    r = admin_client.post("/admin/talks/add/", {"title": "空", "visibility": "organization", "language": "auto"})
    assert r.status_code == 200
    assert "Upload a file or give the address of a replay." in r.content.decode()
    assert not Talk.objects.exists() and processed == []


def test_upload_refuses_non_media_extension(admin_client, processed):
    upload = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    r = admin_client.post("/admin/talks/add/", {"title": "x", "source_file": upload, "visibility": "organization",
                                                "language": "auto"})
    assert "cannot be transcribed" in r.content.decode()
    assert not Talk.objects.exists()


def test_import_by_url(admin_client, processed):
    assert "source_file" not in admin_client.get("/admin/talks/import/").content.decode()
    r = admin_client.post("/admin/talks/import/", {
        "title": "直播回放", "source_url": "https://live.example.org/replay/index.m3u8",
        "visibility": "organization", "language": "auto",
    })
    assert r.status_code == 302
    talk = Talk.objects.get(title="直播回放")
    assert talk.source_url == "https://live.example.org/replay/index.m3u8" and not talk.source_file
    assert processed == [(talk.pk, False)]


def test_edit_page_shows_processing_panel_and_only_source_changes_reprocess(admin_client, processed):
    talk = make_ready_talk("已完成", source_url="")
    talk.asr_model, talk.asr_settings, talk.detected_language = "whisper-base", {"device": "cpu"}, "zh"
    talk.save()
    html = admin_client.get(f"/admin/talks/edit/{talk.pk}/").content.decode()
    assert f'data-talk-progress="{talk.pk}"' in html and "whisper-base" in html
    assert f"/admin/talks/retranscribe/{talk.pk}/" in html

    data = {"title": "改了标题", "visibility": "organization", "language": "zh", "source_url": ""}
    assert admin_client.post(f"/admin/talks/edit/{talk.pk}/", data).status_code == 302
    assert processed == []
    data["source_url"] = "https://video.example.org/new.mp4"
    admin_client.post(f"/admin/talks/edit/{talk.pk}/", data)
    assert processed == [(talk.pk, False)]


def test_retranscribe_action(admin_client, processed):
    talk = make_ready_talk("重转")
    page = admin_client.get(f"/admin/talks/retranscribe/{talk.pk}/").content.decode()
    assert "Yes, re-transcribe" in page and "重转" in page
    r = admin_client.post(f"/admin/talks/retranscribe/{talk.pk}/")
    assert r.status_code == 302 and r["Location"] == "/admin/talks/"
    assert processed == [(talk.pk, False)]


def test_retranscribe_needs_change_permission(db, processed):
    from django.contrib.auth.models import Permission

    talk = make_ready_talk("重转")
    editor = UserFactory(username="editor")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"),
                                Permission.objects.get(codename="view_talk"))
    client = Client()
    client.force_login(editor)
    denied = client.post(f"/admin/talks/retranscribe/{talk.pk}/")
    assert (denied.status_code, denied["Location"]) == (302, "/admin/")  # Wagtail's "permission denied"
    assert processed == []
    editor.user_permissions.add(Permission.objects.get(codename="change_talk"))
    client.force_login(UserFactory._meta.model.objects.get(pk=editor.pk))
    allowed = client.post(f"/admin/talks/retranscribe/{talk.pk}/")
    assert (allowed.status_code, allowed["Location"]) == (302, "/admin/talks/")
    assert processed == [(talk.pk, False)]
