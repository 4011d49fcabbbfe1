"""Media, captions and posters are served only to those who may see the talk, with HTTP Range support."""

import pytest
from django.test import Client

from content_library.models import Talk

from .conftest import MEDIA_BYTES


@pytest.fixture
def client_of():
    def make(member_or_user):
        client = Client()
        client.force_login(getattr(member_or_user, "user", member_or_user))
        return client

    return make


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_full_file_without_range(talks, people, client_of):
    talk = talks["org_wide"]
    r = client_of(people["branch1_member"]).get(talk.media_url)
    assert r.status_code == 200
    assert body(r) == MEDIA_BYTES
    assert r["Content-Length"] == str(len(MEDIA_BYTES))
    assert r["Accept-Ranges"] == "bytes"
    assert r["Content-Type"] == "video/mp4"


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=1000-", 1000, 10239), ("bytes=-500", 9740, 10239),
     ("bytes=10000-99999", 10000, 10239)],
)
def test_range_requests_return_partial_content(talks, people, client_of, header, start, end):
    r = client_of(people["branch1_member"]).get(talks["org_wide"].media_url, HTTP_RANGE=header)
    assert r.status_code == 206
    assert body(r) == MEDIA_BYTES[start : end + 1]
    assert r["Content-Range"] == f"bytes {start}-{end}/{len(MEDIA_BYTES)}"
    assert r["Content-Length"] == str(end - start + 1)


def test_unsatisfiable_range(talks, people, client_of):
    r = client_of(people["branch1_member"]).get(talks["org_wide"].media_url, HTTP_RANGE="bytes=20000-")
    assert r.status_code == 416
    assert r["Content-Range"] == f"bytes */{len(MEDIA_BYTES)}"


def test_stale_if_range_gets_the_whole_file(talks, people, client_of):
    client = client_of(people["branch1_member"])
    url = talks["org_wide"].media_url
    etag = client.head(url)["ETag"]
    assert client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag).status_code == 206
    stale = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"other"')
    assert stale.status_code == 200 and body(stale) == MEDIA_BYTES


def test_head_has_headers_but_no_body(talks, people, client_of):
    r = client_of(people["branch1_member"]).head(talks["org_wide"].media_url, HTTP_RANGE="bytes=0-9")
    assert r.status_code == 206 and r["Content-Length"] == "10" and r.content == b""


def test_media_of_invisible_talk_is_not_found(talks, people, client_of):
    talk = talks["branch1"]
    outsider = client_of(people["branch2_member"])
    for url in (talk.media_url, talk.captions_url, talk.get_absolute_url()):
        assert outsider.get(url).status_code == 404
    assert Client().get(talk.media_url).status_code == 404  # anonymous
    assert client_of(people["group1_member"]).get(talk.media_url).status_code == 200


def test_captions_are_webvtt(talks, people, client_of):
    r = client_of(people["branch1_member"]).get(talks["org_wide"].captions_url)
    assert r.status_code == 200
    assert r["Content-Type"] == "text/vtt; charset=utf-8"
    assert r.content.startswith(b"WEBVTT")


def test_captions_are_rebuilt_from_segments_when_the_file_is_missing(talks, people, client_of):
    talk = talks["org_wide"]
    talk.captions.delete(save=True)
    r = client_of(people["branch1_member"]).get(talk.captions_url)
    assert r.content.decode() == (
        "WEBVTT\n\n1\n00:00:00.500 --> 00:00:02.000\n同志们好。\n\n2\n00:00:02.500 --> 00:00:05.000\n今天学习党章。\n"
    )


def test_poster_missing_is_404(talks, people, client_of):
    assert client_of(people["branch1_member"]).get(f"/talks/{talks['org_wide'].pk}/poster.jpg").status_code == 404


def test_media_that_failed_probing_is_not_served(talks, people, client_of):
    """An import by URL stores whatever the address returned; unless it passed probing it is never served."""
    talk = talks["org_wide"]
    Talk.objects.filter(pk=talk.pk).update(status=Talk.Status.FAILED, error="The file is not audio or video.")
    assert talk.source_file, "the source file still exists"
    for person in ("branch1_member", "hr"):
        client = client_of(people[person])
        assert client.get(talk.media_url).status_code == 404
        assert client.head(talk.media_url).status_code == 404


@pytest.mark.parametrize("status", [Talk.Status.UPLOADED, Talk.Status.PROBING])
def test_media_not_yet_probed_is_not_served(talks, people, client_of, status):
    talk = talks["org_wide"]
    Talk.objects.filter(pk=talk.pk).update(status=status, media_info={})
    assert client_of(people["branch1_member"]).get(talk.media_url).status_code == 404


def test_media_probed_earlier_stays_available_only_for_that_file(talks, people, client_of):
    """Re-transcribing (or failing later than the probe) keeps the probed file playable; another file is not."""
    talk = talks["org_wide"]
    client = client_of(people["branch1_member"])
    probed = {"format_name": "mov,mp4", "source_file": talk.source_file.name}
    for status in (Talk.Status.UPLOADED, Talk.Status.PROBING, Talk.Status.FAILED):
        Talk.objects.filter(pk=talk.pk).update(status=status, media_info=probed)
        assert client.get(talk.media_url).status_code == 200
    Talk.objects.filter(pk=talk.pk).update(media_info={**probed, "source_file": "talks/source/other.mp4"})
    assert client.get(talk.media_url).status_code == 404
