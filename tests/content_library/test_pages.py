"""Talk page and the reusable player include: video/audio, captions track, synced transcript, ?t= start."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client

from content_library.models import Talk
from content_library.views import parse_start

from .conftest import make_ready_talk


@pytest.fixture
def member_client(people):
    client = Client()
    client.force_login(people["branch1_member"].user)
    return client


def test_talk_page_has_player_track_and_transcript(talks, member_client):
    talk = talks["org_wide"]
    html = member_client.get(talk.get_absolute_url() + "?t=95").content.decode()
    assert re.search(rf'<video data-talk-player data-talk-id="{talk.pk}" data-start="95"', html)
    assert f'<source src="/talks/{talk.pk}/media" type="video/mp4">' in html
    assert f'<track kind="captions" src="/talks/{talk.pk}/captions.vtt" srclang="zh-Hans"' in html
    assert '<li data-start="0.5" data-end="2">' in html
    assert 'href="?t=2.5" data-seek="2.5"' in html and "今天学习党章。" in html
    assert "js/player.js" in html


def test_audio_only_talk_uses_an_audio_element(db, member_client):
    talk = make_ready_talk("录音", has_video=False)
    html = member_client.get(talk.get_absolute_url()).content.decode()
    assert "<audio data-talk-player" in html and "<video" not in html
    assert 'type="audio/mp4"' in html


def test_include_renders_for_lessons_without_start(talks):
    html = render_to_string("content_library/includes/player.html", {"talk": talks["org_wide"]})
    assert 'data-start="0"' in html and "data-talk-player-root" in html


def test_processing_talk_shows_progress_and_no_captions_track(db, member_client):
    talk = Talk.objects.create(title="处理中", status=Talk.Status.TRANSCRIBING, progress=40)
    html = member_client.get(talk.get_absolute_url()).content.decode()
    assert "data-talk-processing" in html and 'style="width: 40%"' in html
    assert "<track" not in html


def test_talk_list_shows_ready_visible_talks(talks, member_client):
    Talk.objects.create(title="还在转写", status=Talk.Status.TRANSCRIBING)
    html = member_client.get("/talks/").content.decode()
    assert "全员党课" in html and "第一支部专题" in html
    assert "第二支部专题" not in html and "还在转写" not in html


def test_talk_page_requires_login(talks):
    r = Client().get(talks["org_wide"].get_absolute_url())
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_progress_endpoint(talks, people, member_client):
    processing = Talk.objects.create(title="进度", status=Talk.Status.TRANSCRIBING, progress=42)
    ids = f"{processing.pk},{talks['branch2'].pk},{talks['org_wide'].pk}"
    data = member_client.get(f"/talks/progress/?ids={ids}").json()["talks"]
    by_id = {row["id"]: row for row in data}
    assert by_id[processing.pk]["progress"] == 42 and by_id[processing.pk]["status"] == "transcribing"
    assert talks["branch2"].pk not in by_id  # not visible to this member
    assert by_id[talks["org_wide"].pk]["status"] == "ready"


@pytest.mark.parametrize(("value", "seconds"), [
    ("95", 95.0), ("95.5", 95.5), ("95s", 95.0), ("1:35", 95.0), ("1:01:05", 3665.0), ("x", 0.0), ("", 0.0),
    ("-5", 0.0),
])
def test_parse_start(value, seconds):
    assert parse_start(value) == seconds
