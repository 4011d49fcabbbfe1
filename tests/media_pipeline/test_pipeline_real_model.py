"""The whole pipeline with the real Whisper base model on the sample talks and on bad input.

Every case runs ``manage.py ingest_talk … --sync`` and checks what a trainer would see:
status, reason, segments, captions, poster — and that nothing is half-written on failure.
"""

import io
import json
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from content_library.models import Talk, TranscriptSegment
from content_library.signals import transcript_ready
from media_pipeline import media, pipeline
from media_pipeline.normalize import to_simplified
from media_pipeline.textmetrics import error_rate

from .conftest import make_hls

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# Recogniser times are within a few tenths of a second of the spoken sentence.
TOLERANCE = 0.5
# Whisper *base* is a small model; these bounds catch a broken pipeline, not model quality.
MAX_ERROR = {"cer": 0.3, "wer": 0.2}


def ingest(*args) -> tuple[dict, CommandError | None]:
    out = io.StringIO()
    error = None
    with translation.override("en"):
        try:
            call_command("ingest_talk", *[str(a) for a in args], "--sync", stdout=out)
        except CommandError as exc:
            error = exc
    return json.loads(out.getvalue()), error


def assert_nothing_half_written(talk: Talk, work_dir):
    assert talk.segments.count() == 0
    assert not talk.captions and not talk.poster
    assert not list(work_dir.glob("talk-*")) if work_dir.exists() else True


@pytest.mark.parametrize(
    "filename", ["dev01_dangke.mp4", "dev02_anquan.ogg", "dev03_lianzheng.ogg", "dev04_safety_en.ogg"]
)
def test_sample_talk_becomes_ready_with_time_coded_simplified_segments(
    asr_model, talks_dir, manifest, filename, _pipeline_work_dir
):
    key = filename.rsplit(".", 1)[0]
    expected = manifest[key]
    result, error = ingest(talks_dir / filename, "--title", expected["title"])

    assert error is None, result
    talk = Talk.objects.get(pk=result["id"])
    assert result["status"] == talk.status == Talk.Status.READY
    assert talk.progress == 100 and talk.error == ""
    assert result["duration"] == pytest.approx(expected["duration"], abs=0.3)
    assert talk.detected_language == expected["lang"]
    segments = list(talk.segments.order_by("index"))
    assert result["segments"] == len(segments) >= len(expected["sentences"]) - 1
    assert [s.index for s in segments] == list(range(len(segments)))

    sentences = expected["sentences"]
    for seg in segments:
        assert 0 <= seg.start < seg.end <= talk.duration
        if expected["lang"] == "zh":
            assert to_simplified(seg.text) == seg.text, f"not Simplified: {seg.text}"
        # Each line lies inside the spoken sentence it overlaps most.
        best = max(sentences, key=lambda s: min(seg.end, s["end"]) - max(seg.start, s["start"]))
        assert best["start"] - TOLERANCE <= seg.start and seg.end <= best["end"] + TOLERANCE, (seg, best)
        assert seg.words and all(seg.start - 0.01 <= w["start"] <= w["end"] <= seg.end + 0.01 for w in seg.words)
        assert 0 < seg.confidence <= 1
    for sentence in sentences:  # and every sentence is heard
        assert any(min(s.end, sentence["end"]) > max(s.start, sentence["start"]) for s in segments), sentence

    reference = " ".join(s["text"] for s in sentences)
    kind, rate = error_rate(expected["lang"], reference, " ".join(s.text for s in segments))
    assert rate <= MAX_ERROR[kind], f"{kind}={rate:.3f}: {[s.text for s in segments]}"

    with talk.captions.open("rb") as fh:
        vtt = fh.read().decode()
    assert vtt.startswith("WEBVTT") and vtt.count(" --> ") == len(segments)
    assert bool(talk.poster) == filename.endswith(".mp4") == talk.has_video
    assert talk.asr_settings["vad_filter"] and talk.asr_settings["word_timestamps"]
    assert talk.asr_settings["compute_type"] in ("int8", "float16", "int8_float16")
    assert talk.asr_model and talk.processed_at
    assert not list(_pipeline_work_dir.glob("talk-*")), "work folder cleaned up"


@pytest.mark.parametrize(
    ("sample", "reason"),
    [
        ("empty", "The file is empty."),
        ("truncated", "MP4 file is incomplete or corrupt"),
        ("text", "not audio or video: it contains text"),
        ("faststart_truncated", "The file is truncated"),
        ("video_only", "no audio track"),
    ],
)
def test_bad_files_end_failed_with_a_reason(media_samples, sample, reason, _pipeline_work_dir):
    result, error = ingest(media_samples[sample], "--title", sample)
    talk = Talk.objects.get(pk=result["id"])
    assert result["status"] == talk.status == Talk.Status.FAILED
    assert reason in talk.error and reason in result["error"]
    assert error is not None and error.returncode == 1 and reason in str(error)
    assert_nothing_half_written(talk, _pipeline_work_dir)
    assert talk.source_file, "the uploaded file is kept for inspection, not lost"


def test_silent_wav_gives_an_empty_transcript_not_invented_text(asr_model, media_samples):
    result, error = ingest(media_samples["silent"], "--title", "silence")
    talk = Talk.objects.get(pk=result["id"])
    assert error is None
    assert (talk.status, result["segments"], talk.segments.count()) == (Talk.Status.READY, 0, 0)
    assert talk.notice == "No speech was detected; the transcript is empty."
    with talk.captions.open("rb") as fh:
        assert fh.read().decode().strip() == "WEBVTT"


def test_unreachable_url_fails_after_retries(closed_port_url, _pipeline_work_dir, settings):
    settings.MEDIA_PIPELINE_MAX_RETRIES = 2
    result, error = ingest(closed_port_url, "--title", "replay")
    talk = Talk.objects.get(pk=result["id"])
    assert talk.status == Talk.Status.FAILED
    assert "could not be fetched" in talk.error and "gave up after 3 attempts" in talk.error
    assert error is not None
    assert not talk.source_file
    assert_nothing_half_written(talk, _pipeline_work_dir)


def test_missing_url_is_not_retried(http_server):
    _root, base = http_server
    result, _error = ingest(f"{base}/nothing-here.mp4", "--title", "404")
    talk = Talk.objects.get(pk=result["id"])
    assert talk.status == Talk.Status.FAILED
    assert talk.error == "The address could not be fetched: HTTP 404."


def test_import_mp4_replay_by_url(asr_model, http_server, media_samples):
    root, base = http_server
    shutil.copy(media_samples["short"], root / "replay 1.mp4")
    result, error = ingest(f"{base}/replay%201.mp4", "--language", "zh", "--title", "回放")
    talk = Talk.objects.get(pk=result["id"])
    assert error is None and talk.status == Talk.Status.READY
    assert talk.source_file.name.endswith(".mp4") and talk.source_name == "replay_1.mp4"
    with talk.source_file.open("rb") as fh:
        assert fh.read() == media_samples["short"].read_bytes(), "stored byte for byte"
    assert talk.has_video and talk.poster
    assert "今天" in "".join(talk.segments.values_list("text", flat=True))


def test_import_hls_replay_by_url(asr_model, http_server, media_samples):
    root, base = http_server
    make_hls(media_samples["short"], root / "live")
    result, error = ingest(f"{base}/live/index.m3u8", "--title", "直播回放")
    talk = Talk.objects.get(pk=result["id"])
    assert error is None, talk.error
    assert talk.status == Talk.Status.READY and talk.source_file.name.endswith(".mp4")
    info = media.probe(talk.source_file.path)  # the replay was remuxed into one playable MP4
    assert info.has_video and info.duration == pytest.approx(8.3, abs=0.6)
    assert talk.segments.count() >= 1 and talk.detected_language == "zh"


def test_by_default_the_glossary_corrects_after_recognition_and_is_not_given_to_the_model(asr_model, media_samples):
    result, _error = ingest(media_samples["short"], "--title", "廉洁", "--glossary", "八项规定， 廉洁从业、警示教育")
    talk = Talk.objects.get(pk=result["id"])
    assert talk.status == Talk.Status.READY
    assert talk.asr_settings["initial_prompt"] == "" and talk.asr_settings["hotwords"] == ""
    assert talk.asr_settings["glossary_mode"] == "none" and isinstance(talk.asr_settings["corrections"], int)
    assert talk.glossary == "八项规定， 廉洁从业、警示教育"


def test_the_glossary_can_go_to_the_model_as_an_initial_prompt(asr_model, media_samples, settings):
    settings.ASR_GLOSSARY_MODE = "prompt"
    result, _error = ingest(media_samples["short"], "--title", "廉洁", "--glossary", "八项规定， 廉洁从业、警示教育")
    talk = Talk.objects.get(pk=result["id"])
    assert talk.asr_settings["initial_prompt"] == "八项规定，廉洁从业，警示教育。"
    assert talk.asr_settings["hotwords"] == "" and talk.asr_settings["glossary_mode"] == "prompt"


@pytest.mark.parametrize("mode", ["hotwords", "none"])
def test_the_glossary_mode_is_a_setting(asr_model, media_samples, settings, mode):
    settings.ASR_GLOSSARY_MODE = mode
    result, _error = ingest(media_samples["short"], "--title", "廉洁", "--glossary", "八项规定,廉洁从业")
    talk = Talk.objects.get(pk=result["id"])
    assert talk.status == Talk.Status.READY and talk.asr_settings["glossary_mode"] == mode
    assert talk.asr_settings["hotwords"] == ("八项规定，廉洁从业" if mode == "hotwords" else "")
    assert talk.asr_settings["initial_prompt"] == ""


def test_retranscribe_replaces_segments_atomically(asr_model, media_samples):
    result, _error = ingest(media_samples["short"], "--title", "两次", "--language", "zh")
    talk = Talk.objects.get(pk=result["id"])
    first = list(talk.segments.values_list("pk", "text"))
    old_captions = talk.captions.name
    sent = []

    def spy(sender, talk_id, **kwargs):
        # Receivers run after the new segments are committed, before the talk is marked ready.
        stored = TranscriptSegment.objects.filter(talk_id=talk_id).count()
        sent.append((talk_id, Talk.objects.get(pk=talk_id).status, stored))

    transcript_ready.connect(spy)
    try:
        pipeline.submit(talk, sync=True)
    finally:
        transcript_ready.disconnect(spy)
    talk.refresh_from_db()
    second = list(talk.segments.values_list("pk", "text"))
    assert talk.status == Talk.Status.READY
    assert [t for _pk, t in second] == [t for _pk, t in first], "same model, same audio, same text"
    assert not {pk for pk, _t in first} & {pk for pk, _t in second}, "old rows replaced"
    assert sent == [(talk.pk, Talk.Status.INDEXING, len(first))]
    assert talk.captions.name != old_captions
    assert not talk.captions.storage.exists(old_captions), "replaced captions file removed"


@pytest.mark.parametrize("filename", ["dev01_dangke.ogg", "dev02_anquan.ogg", "dev03_lianzheng.ogg"])
def test_a_glossary_never_makes_a_sample_talk_worse(asr_model, talks_dir, manifest, filename, settings):
    """The demo's own glossary, as the demo ingests it: no higher error than without one, and captions that read
    as sentences (≤ 15 s, no "２" for a full stop, no looping repetition)."""
    from lms.site.demo_data import GLOSSARY

    expected = manifest[filename.rsplit(".", 1)[0]]
    reference = "".join(s["text"] for s in expected["sentences"])
    errors = {}
    for glossary in ("", GLOSSARY):
        result, error = ingest(talks_dir / filename, "--title", expected["title"], "--language", "zh",
                               "--glossary", glossary)
        assert error is None, result
        segments = list(Talk.objects.get(pk=result["id"]).segments.order_by("index"))
        errors[glossary] = error_rate("zh", reference, "".join(s.text for s in segments))[1]
        assert all(s.end - s.start <= 15.0 for s in segments)
        assert not any(ch in s.text for s in segments for ch in "０１２３４５６７８９")
    assert errors[GLOSSARY] <= errors[""], errors
