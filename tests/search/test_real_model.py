"""End to end with the real Whisper base model: ingest a sample talk through the media pipeline
(`manage.py ingest_talk --sync`), which indexes it on transcript_ready, then find its moments."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from rest_framework.test import APIClient

from content_library.models import Talk
from media_pipeline.model_install import install
from tests.factories import UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
TALKS = Path(settings.LMS_SAMPLE_TALKS_DIR)


@pytest.fixture(autouse=True)
def _work_dir(settings, tmp_path):
    settings.MEDIA_PIPELINE_WORK_DIR = tmp_path / "media-work"
    settings.MEDIA_PIPELINE_RETRY_BACKOFF = 0


def test_ingested_talk_is_searchable_at_the_right_moments():
    install(settings.ASR_MODEL_DIR)
    manifest = json.loads((TALKS / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["dev01_dangke"]
    out = io.StringIO()
    call_command("ingest_talk", str(TALKS / "dev01_dangke.ogg"), "--title", entry["title"], "--language", "zh",
                 "--sync", stdout=out)
    talk = Talk.objects.get(pk=json.loads(out.getvalue())["id"])
    assert talk.status == Talk.Status.READY  # "ready" means "searchable": indexing ran before
    client = APIClient()
    client.force_authenticate(UserFactory(is_superuser=True))
    for query in entry["queries"]:
        body = client.get("/api/v1/search/", {"q": query["q"]}).json()
        first = body["results"][0]
        assert first["type"] == "talk" and first["id"] == talk.pk, query["q"]
        moment = first["moments"][0]
        assert moment["start"] <= query["end"] + 1 and moment["end"] >= query["start"] - 1, (query, moment)
        assert "<mark>" in moment["highlight"]
        assert moment["url"].endswith(f"?t={int(moment['start'])}")
