"""A trainer's journey on the desktop: upload a talk in the Wagtail admin and watch it get transcribed by a real
media-queue Celery worker with the Whisper model, then open the talk page with its transcript and captions.

The server publishes to the worker's broker (Redis in the PostgreSQL run of make test, else a private folder)."""

import re

import pytest
from django.conf import settings
from django.utils import translation

from content_library.models import Talk
from media_pipeline.model_install import install
from tests.live import Broker, celery_worker
from tests.media_pipeline.conftest import TALKS_DIR, remux

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TITLE = "廉洁从业警示教育会（节选）"
WAIT_MS = 240_000  # transcribing 8 s on a busy 2-core machine, with the model loaded first; never unbounded


@pytest.fixture
def broker(tmp_path) -> Broker:
    return Broker(tmp_path / "broker")


@pytest.fixture
def server_env(server_var_dir, broker) -> dict:
    return {"LMS_VAR_DIR": str(server_var_dir), **broker.worker_env()}


@pytest.fixture
def clip(tmp_path):
    """The first two sentences (≈ 8 s) of a sample talk, as a trainer's phone recording would be."""
    return remux(TALKS_DIR / "dev03_lianzheng.mp4", tmp_path / "警示教育会.mp4", max_seconds=8.3,
                 options={"movflags": "+faststart"})


@pytest.mark.parametrize("viewport", ["desktop"])
def test_trainer_uploads_a_talk_and_sees_it_transcribed(journey, make_member, broker, clip, tmp_path):
    install(settings.ASR_MODEL_DIR)
    make_member("D9002", "冯晓", "公司党委", roles=("member", "trainer"))
    page = journey.page
    log = tmp_path / "worker.log"

    with celery_worker(log, queue="media", broker=broker, ready=True, LMS_TEST_WORK_DIR=tmp_path / "media-work"):
        journey.login("D9002", next_path="/admin/talks/")
        assert page.url.endswith("/admin/talks/")
        journey.follow(page.locator('a[href$="/admin/talks/add/"]').first, "talk upload form")
        page.locator("#id_title").fill(TITLE)
        page.locator("#id_speaker").fill("纪委办公室")
        page.locator("#id_language").select_option("zh")
        page.locator('input[type=file][name="source_file"]').set_input_files(clip)
        with page.expect_navigation(url=re.compile(r"/admin/talks/(\?.*)?$")):
            page.locator("form[method=post] button[type=submit]", has_text="保存").first.click()
        journey.check("uploaded")
        talk = Talk.objects.get(title=TITLE)
        assert talk.source_name == clip.name and talk.source_size == clip.stat().st_size

        # The list follows the processing by itself (it polls) until the talk is ready.
        status = page.locator(f'[data-talk-progress="{talk.pk}"]')
        try:
            page.wait_for_function(
                "id => { const el = document.querySelector(`[data-talk-progress=\"${id}\"]`);"
                " return el && ['ready', 'failed'].includes(el.dataset.status); }", arg=talk.pk, timeout=WAIT_MS)
        finally:
            journey.check("processing finished")
        talk.refresh_from_db()
        assert talk.status == Talk.Status.READY, f"{talk.error}\n{log.read_text(errors='replace')[-3000:]}"
        assert status.get_attribute("data-status") == "ready"
        with translation.override("zh-hans"):
            assert status.inner_text().strip() == str(Talk.Status.READY.label)  # no bar, no number left

    # The talk page: the recording, its captions and the transcript the model made.
    journey.goto(talk.get_absolute_url(), "talk page")
    lines = page.locator(".transcript li[data-start]")
    assert lines.count() == talk.segments.count() >= 1
    assert "今天" in page.locator(".transcript").inner_text()
    assert page.locator(f'video track[kind=captions][src="/talks/{talk.pk}/captions.vtt"]').count() == 1
    page.wait_for_function("() => { const t = document.querySelector('video[data-talk-player]').textTracks[0];"
                           " return t && t.cues && t.cues.length > 0; }")
