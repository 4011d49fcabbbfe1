"""/api/v1/talks/: visibility-filtered list, detail with segments, uploads and imports by trainers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from content_library.models import Talk
from tests.media_pipeline.conftest import (  # noqa: F401 (fixtures)
    _pipeline_work_dir,
    asr_model,
    media_samples,
    talks_dir,
)


def api_for(member_or_user):
    client = APIClient()
    client.force_authenticate(getattr(member_or_user, "user", member_or_user))
    return client


def test_list_is_filtered_by_visibility(talks, people):
    data = api_for(people["branch2_member"]).get("/api/v1/talks/").json()
    assert {row["title"] for row in data["results"]} == {"全员党课", "第二支部专题", "党委全体"}
    row = next(r for r in data["results"] if r["title"] == "全员党课")
    assert "segments" not in row
    assert row["url"] == f"/talks/{row['id']}/" and row["captions_url"] == f"/talks/{row['id']}/captions.vtt"


def test_list_filters(talks, people):
    Talk.objects.create(title="处理中的报告", status=Talk.Status.TRANSCRIBING)
    client = api_for(people["hr"])
    assert [r["title"] for r in client.get("/api/v1/talks/?status=transcribing").json()["results"]] == ["处理中的报告"]
    assert [r["title"] for r in client.get("/api/v1/talks/?q=第二").json()["results"]] == ["第二支部专题"]


def test_detail_shape(talks, people):
    talk = talks["org_wide"]
    data = api_for(people["branch1_member"]).get(f"/api/v1/talks/{talk.pk}/").json()
    assert {"id", "title", "status", "error", "progress", "language", "duration", "speaker", "url",
            "captions_url", "segments"} <= set(data)
    assert data["segments"] == [
        {"start": 0.5, "end": 2.0, "text": "同志们好。"},
        {"start": 2.5, "end": 5.0, "text": "今天学习党章。"},
    ]
    assert (data["status"], data["progress"], data["duration"]) == ("ready", 100, 10.0)


def test_invisible_talk_is_404_in_the_common_error_shape(talks, people):
    r = api_for(people["branch2_member"]).get(f"/api/v1/talks/{talks['branch1'].pk}/")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found" and r.json()["error"]


def test_anonymous_gets_401(talks):
    assert APIClient().get("/api/v1/talks/").status_code in (401, 403)


def test_trainer_uploads_a_file(people, processed, org):
    upload = SimpleUploadedFile("党课录像.mp4", b"\x00\x00\x00\x18ftypmp42" + b"x" * 100, content_type="video/mp4")
    r = api_for(people["trainer"]).post("/api/v1/talks/", {
        "title": "新上传", "file": upload, "language": "zh", "speaker": "王书记", "glossary": "三会一课",
        "visibility": "subtree", "org_unit": org["branch2"].pk,
    }, format="multipart")
    assert r.status_code == 201, r.json()
    data = r.json()
    talk = Talk.objects.get(pk=data["id"])
    assert (data["status"], data["title"], data["segments"]) == ("uploaded", "新上传", [])
    assert talk.created_by == people["trainer"].user and talk.source_name == "党课录像.mp4"
    assert talk.source_size == 112 and talk.source_file.size == 112
    assert processed == [(talk.pk, False)]


def test_trainer_imports_a_url(people, processed):
    r = api_for(people["trainer"]).post(
        "/api/v1/talks/", {"title": "直播回放", "url": "https://video.example.org/live/index.m3u8"}, format="json"
    )
    assert r.status_code == 201
    talk = Talk.objects.get(pk=r.json()["id"])
    assert talk.source_url.endswith("index.m3u8") and not talk.source_file
    assert processed == [(talk.pk, False)]


@pytest.mark.parametrize(("payload", "field", "message"), [
    ({"title": "x"}, "file", "exactly one"),
    ({"title": "x", "url": "ftp://a/b.mp4"}, "url", "Enter a valid URL"),
    ({"title": "x", "url": "http://video.example.org/b.mp4", "visibility": "subtree"}, "org_unit",
     "Choose the org unit"),
])
def test_invalid_posts_are_400_with_fields(people, processed, payload, field, message):
    r = api_for(people["trainer"]).post("/api/v1/talks/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400
    body = r.json()
    assert field in body["fields"] and message in str(body["fields"][field])
    assert processed == [] and not Talk.objects.exists()


def test_wrong_file_type_is_refused(people, processed):
    upload = SimpleUploadedFile("slides.pptx", b"PK\x03\x04", content_type="application/octet-stream")
    r = api_for(people["trainer"]).post("/api/v1/talks/", {"title": "x", "file": upload}, format="multipart",
                                        HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and "cannot be transcribed" in r.json()["fields"]["file"][0]
    assert not Talk.objects.exists()


def test_members_may_not_upload(people, processed):
    r = api_for(people["branch1_member"]).post("/api/v1/talks/", {"title": "x", "url": "http://a/b.mp4"},
                                               format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 403 and r.json()["error"] == "Only trainers may upload or re-transcribe talks."
    assert not Talk.objects.exists()


def test_retranscribe(talks, people, processed):
    talk = talks["org_wide"]
    assert api_for(people["branch1_member"]).post(f"/api/v1/talks/{talk.pk}/retranscribe/").status_code == 403
    r = api_for(people["trainer"]).post(f"/api/v1/talks/{talk.pk}/retranscribe/")
    assert r.status_code == 202 and processed == [(talk.pk, False)]


@pytest.mark.slow
@pytest.mark.django_db
def test_upload_through_the_api_is_transcribed_by_the_pipeline(
    asr_model, media_samples, django_capture_on_commit_callbacks  # noqa: F811
):
    from tests.factories import MemberFactory

    trainer = MemberFactory(roles=["member", "trainer"])
    with media_samples["short"].open("rb") as fh, django_capture_on_commit_callbacks(execute=True):
        r = api_for(trainer).post("/api/v1/talks/", {"title": "廉洁", "file": fh, "language": "zh"},
                                  format="multipart")
    assert r.status_code == 201
    detail = api_for(trainer).get(f"/api/v1/talks/{r.json()['id']}/").json()
    assert detail["status"] == "ready", detail["error"]
    assert detail["segments"] and all(s["end"] > s["start"] for s in detail["segments"])
    assert detail["poster_url"] and detail["media_url"]
