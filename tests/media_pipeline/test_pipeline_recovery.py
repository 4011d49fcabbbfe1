"""Idempotence, retries, superseded runs and atomic replacement, with failures injected.

The recogniser is replaced by tests.media_pipeline.fakes.FakeBackend here so each failure can be
placed exactly; the real model runs in test_pipeline_real_model.py and test_worker.py.
"""

import json
import os
from datetime import timedelta

import pytest
from django.core.files import File
from django.utils import timezone, translation

from content_library.models import Talk, TranscriptSegment
from content_library.signals import transcript_ready
from media_pipeline import media, pipeline
from media_pipeline.pipeline import pipeline_chain

from . import fakes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fake_asr(settings):
    settings.ASR_BACKEND = "tests.media_pipeline.fakes.FakeBackend"
    fakes.CALLS.clear()
    with translation.override("en"):
        yield fakes.CALLS


@pytest.fixture
def receiver():
    """Connect a transcript_ready receiver for the test; it can be told to fail."""
    calls = []
    failures = []

    def handler(sender, talk_id, **kwargs):
        calls.append(talk_id)
        if failures:
            raise failures.pop(0)

    transcript_ready.connect(handler)
    yield calls, failures
    transcript_ready.disconnect(handler)


@pytest.fixture
def celery_retries_eagerly():
    """Eager tasks re-raise Retry when eager exceptions propagate; let apply() run the retries instead."""
    from config.celery import app

    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = saved


def talk_from(path, title="测试") -> Talk:
    talk = Talk(title=title)
    with path.open("rb") as fh:
        talk.source_file.save(path.name, File(fh, name=path.name), save=False)
    talk.save()
    return talk


def test_celery_chain_runs_all_steps(media_samples, fake_asr, receiver):
    talk = talk_from(media_samples["short"])
    run = pipeline.start_run(talk)
    pipeline_chain(talk.pk, run).apply_async()  # eager in tests: the same tasks a worker runs
    talk.refresh_from_db()
    assert (talk.status, talk.progress) == (Talk.Status.READY, 100)
    assert list(talk.segments.values_list("text", flat=True)) == ["学习党章。", "今天开会"]
    assert len(fake_asr) == 1 and receiver[0] == [talk.pk]


def test_resumed_run_skips_finished_steps(media_samples, fake_asr, monkeypatch):
    talk = talk_from(media_samples["short"])
    run = pipeline.start_run(talk)
    assert pipeline.execute_step("probe", talk.pk, run) == "ok"
    assert pipeline.execute_step("extract", talk.pk, run) == "ok"
    # The worker dies here; an hour later nothing has moved.
    Talk.objects.filter(pk=talk.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))

    def no_second_extraction(*args, **kwargs):
        raise AssertionError("audio was already extracted")

    monkeypatch.setattr(media, "extract_audio", no_second_extraction)
    assert pipeline.resume_stalled() == [talk.pk]
    talk.refresh_from_db()
    assert talk.status == Talk.Status.READY and talk.pipeline_run == run
    assert len(fake_asr) == 1


def test_recently_active_runs_are_not_resumed(media_samples):
    talk = talk_from(media_samples["short"])
    pipeline.start_run(talk)
    Talk.objects.filter(pk=talk.pk).update(status=Talk.Status.TRANSCRIBING)
    assert pipeline.resume_stalled() == []
    # Talks never submitted (no run) are left alone too.
    Talk.objects.create(title="未提交")
    assert pipeline.resume_stalled(now=timezone.now() + timedelta(hours=1)) == [talk.pk]


def test_superseded_run_stops_quietly(media_samples, fake_asr):
    talk = talk_from(media_samples["short"])
    old_run = pipeline.start_run(talk)
    new_run = pipeline.start_run(talk)
    for step in pipeline.STEPS:
        assert pipeline.execute_step(step, talk.pk, old_run) == "superseded"
    talk.refresh_from_db()
    assert (talk.status, talk.pipeline_run, talk.media_info) == (Talk.Status.UPLOADED, new_run, {})
    assert fake_asr == []
    assert pipeline.run_sync(talk.pk, new_run) == "ok"
    talk.refresh_from_db()
    assert talk.status == Talk.Status.READY


def test_transient_indexing_error_is_retried_by_celery(media_samples, receiver, celery_retries_eagerly):
    calls, failures = receiver
    failures.append(ConnectionError("search backend restarting"))
    talk = talk_from(media_samples["short"])
    pipeline_chain(talk.pk, pipeline.start_run(talk)).apply_async()
    talk.refresh_from_db()
    assert talk.status == Talk.Status.READY and talk.error == ""
    assert calls == [talk.pk, talk.pk]
    assert talk.segments.count() == 2, "a retried publish does not duplicate segments"


def test_gives_up_after_max_retries_with_the_reason(media_samples, receiver, settings, celery_retries_eagerly):
    settings.MEDIA_PIPELINE_MAX_RETRIES = 2
    calls, failures = receiver
    failures.extend(ConnectionError("search backend down") for _ in range(10))
    talk = talk_from(media_samples["short"])
    pipeline_chain(talk.pk, pipeline.start_run(talk)).apply_async()
    talk.refresh_from_db()
    assert talk.status == Talk.Status.FAILED
    assert talk.error == "Search indexing failed: search backend down (gave up after 3 attempts)"
    assert len(calls) == 3


def test_sync_runner_backs_off_between_attempts(media_samples, receiver, settings):
    settings.MEDIA_PIPELINE_RETRY_BACKOFF = 5
    calls, failures = receiver
    failures.extend([ConnectionError("a"), ConnectionError("b")])
    talk = talk_from(media_samples["short"])
    slept = []
    assert pipeline.run_sync(talk.pk, pipeline.start_run(talk), sleep=slept.append) == "ok"
    assert slept == [5.0, 10.0]


def test_failed_replacement_keeps_the_previous_transcript(media_samples, monkeypatch, fake_asr):
    talk = talk_from(media_samples["short"])
    pipeline.submit(talk, sync=True)
    talk.refresh_from_db()
    before = list(talk.segments.values_list("pk", "text"))
    captions = talk.captions.name
    captions_dir = os.path.dirname(talk.captions.storage.path(captions))
    files_before = set(os.listdir(captions_dir))

    def broken_bulk_create(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(TranscriptSegment.objects, "bulk_create", broken_bulk_create)
    pipeline.submit(talk, sync=True)
    talk.refresh_from_db()
    assert talk.status == Talk.Status.FAILED
    assert talk.error == "Internal error while storing the transcript: disk full"
    assert list(talk.segments.values_list("pk", "text")) == before, "old transcript untouched"
    assert talk.captions.name == captions and talk.captions.storage.exists(captions)
    assert set(os.listdir(captions_dir)) == files_before, "the new captions file was removed"


def test_lost_work_folder_is_rebuilt(media_samples, fake_asr):
    talk = talk_from(media_samples["short"])
    run = pipeline.start_run(talk)
    pipeline.execute_step("probe", talk.pk, run)
    pipeline.execute_step("extract", talk.pk, run)
    pipeline.cleanup(talk.pk, run)  # e.g. the task moved to another machine
    assert pipeline.execute_step("transcribe", talk.pk, run) == "ok"
    assert pipeline.execute_step("publish", talk.pk, run) == "ok"
    assert Talk.objects.get(pk=talk.pk).status == Talk.Status.READY


def test_transcript_json_roundtrip_is_what_publish_reads(media_samples, fake_asr):
    talk = talk_from(media_samples["short"])
    run = pipeline.start_run(talk)
    for step in ("probe", "extract", "transcribe"):
        pipeline.execute_step(step, talk.pk, run)
    data = json.loads((pipeline.run_dir(talk.pk, run) / "transcript.json").read_text(encoding="utf-8"))
    assert data["model"] == "fake-model" and data["segments"][0]["text"] == "學習黨章。今天开会"
    assert Talk.objects.get(pk=talk.pk).progress == 89


def test_deleting_a_talk_removes_files_and_tells_search(media_samples, django_capture_on_commit_callbacks):
    from content_library.signals import transcript_removed

    removed = []

    def on_removed(sender, talk_id, **kwargs):
        removed.append(talk_id)

    transcript_removed.connect(on_removed)
    try:
        talk = talk_from(media_samples["short"])
        pipeline.submit(talk, sync=True)
        talk.refresh_from_db()
        files = [(f.storage, f.name) for f in (talk.source_file, talk.captions, talk.poster)]
        assert all(storage.exists(name) for storage, name in files)
        pk = talk.pk
        with django_capture_on_commit_callbacks(execute=True):
            talk.delete()
    finally:
        transcript_removed.disconnect(on_removed)
    assert removed == [pk]
    assert not any(storage.exists(name) for storage, name in files)
    assert not TranscriptSegment.objects.filter(talk_id=pk).exists()


def test_a_silent_node_on_another_host_is_resumed_only_once_its_run_is_quiet(media_samples, fake_asr):
    talk = talk_from(media_samples["short"])
    run = pipeline.start_run(talk)
    Talk.objects.filter(pk=talk.pk).update(status=Talk.Status.TRANSCRIBING, pipeline_owner="media@gpu-7|gpu-7|4242",
                                           heartbeat_at=timezone.now())
    asked = []

    def ping(node):
        asked.append(node)
        return False  # no answer

    # A busy node may miss a ping: while its run reports progress, it is not even asked.
    assert pipeline.resume_stalled(ping=ping) == [] and asked == []
    # Quiet for two minutes and silent: resumed without waiting for the 5-minute stall timeout.
    Talk.objects.filter(pk=talk.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=2))
    assert pipeline.resume_stalled(ping=ping) == [talk.pk] and asked == ["media@gpu-7"]
    talk.refresh_from_db()
    assert talk.status == Talk.Status.READY and talk.pipeline_run == run


def test_a_quiet_node_that_answers_keeps_its_run(media_samples):
    talk = talk_from(media_samples["short"])
    pipeline.start_run(talk)
    Talk.objects.filter(pk=talk.pk).update(status=Talk.Status.TRANSCRIBING, pipeline_owner="media@gpu-7|gpu-7|4242",
                                           heartbeat_at=timezone.now() - timedelta(minutes=2))
    assert pipeline.resume_stalled(ping=lambda node: True) == []
