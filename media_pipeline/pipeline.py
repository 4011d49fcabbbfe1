"""The talk processing pipeline: probe → extract → transcribe → publish.

Each step is a plain function of ``(talk_id, run_id)`` so the same code runs in
Celery tasks (see tasks.py) and synchronously (``ingest_talk --sync``).

* Runs: every submission gets a fresh ``run_id`` stored on the talk. A step whose
  run is no longer the talk's current run stops quietly, so a re-transcribe
  supersedes an older run instead of racing it.
* Idempotent and resumable: intermediate results live in a per-run work folder
  (``audio.wav``, ``transcript.json``) written atomically; a re-delivered or
  resumed step finds them and skips the work. ``publish`` replaces the
  segments in one transaction.
* Failure: bad input raises MediaError → the talk ends ``failed`` with the reason;
  temporary trouble raises TransientError → retried with backoff, then failed.
  An unexpected exception still ends ``failed`` — never a stuck status.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from celery import chain, current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from kombu.exceptions import KombuError

from content_library.models import Talk, TranscriptSegment
from content_library.services import build_vtt, reapply_edits
from content_library.signals import transcript_ready
from lms.common.safe_text import without_paths

from . import conf, media, ownership
from .asr import Transcription, get_backend
from .correction import correct_lines
from .errors import MediaError, Superseded, TransientError
from .normalize import normalize_segments

logger = logging.getLogger(__name__)

S = Talk.Status

# Progress (percent) at the start of each stage.
PROGRESS = {"probe": 1, "extract": 5, "transcribe": 15, "publish": 90}


# --- small helpers ------------------------------------------------------------------------------

def run_dir(talk_id: int, run_id: str) -> Path:
    return conf.work_dir() / f"talk-{talk_id}-{run_id}"


def _update(talk_id: int, run_id: str, **fields) -> bool:
    """Update the talk only if ``run_id`` is still its current run; False when superseded."""
    now = timezone.now()
    fields.setdefault("heartbeat_at", now)
    fields["updated_at"] = now
    return Talk.objects.filter(pk=talk_id, pipeline_run=run_id).update(**fields) == 1


def _claim(talk_id: int, run_id: str) -> Talk:
    talk = Talk.objects.filter(pk=talk_id).first()
    if talk is None or talk.pipeline_run != run_id or talk.status in (S.FAILED, S.READY):
        raise Superseded()
    return talk


def _progress_reporter(talk_id: int, run_id: str, low: int, high: int, every: float = 2.0) -> Callable[[float], None]:
    """A callback mapping a 0…1 fraction onto [low, high] percent, writing at most every ``every`` s.
    It raises Superseded when the run was replaced, which aborts long work early."""
    last = [0.0]

    def report(fraction: float) -> None:
        now = time.monotonic()
        if now - last[0] < every:
            return
        last[0] = now
        value = low + int(max(0.0, min(fraction, 1.0)) * (high - low))
        if not _update(talk_id, run_id, progress=value):
            raise Superseded()

    return report


def _write_json_atomic(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


@contextmanager
def local_source(talk: Talk, workdir: Path) -> Iterator[Path]:
    """A local path of the talk's source file (copied from remote storage when needed)."""
    field = talk.source_file
    try:
        direct = Path(field.path)
    except NotImplementedError:
        direct = None
    if direct is not None:
        yield direct
        return
    suffix = PurePosixPath(field.name).suffix
    local = workdir / f"source{suffix}"
    if not local.exists():
        workdir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".source.", dir=workdir)
        try:
            with os.fdopen(fd, "wb") as out, field.storage.open(field.name, "rb") as src:
                for chunk in iter(lambda: src.read(media.CHUNK), b""):
                    out.write(chunk)
            os.replace(tmp, local)
        finally:
            Path(tmp).unlink(missing_ok=True)
    yield local


def _filename_from_url(url: str, default_ext: str = ".mp4") -> str:
    name = unquote(PurePosixPath(urlsplit(url).path).name) or "replay"
    name = re.sub(r"[^\w.\-]+", "_", name).strip("._") or "replay"
    stem, ext = os.path.splitext(name)
    if ext.lower() in ("", ".m3u8", ".m3u", ".php", ".html", ".aspx"):
        ext = default_ext
    return f"{stem[:80]}{ext.lower()}"


def _save_to_storage(field_name: str, talk: Talk, filename: str, content) -> str:
    field = Talk._meta.get_field(field_name)
    name = field.generate_filename(talk, filename)
    return field.storage.save(name, content, max_length=field.max_length)


def _delete_stored(field_name: str, name: str) -> None:
    if name:
        storage = Talk._meta.get_field(field_name).storage
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete %s", name, exc_info=True)


def cleanup(talk_id: int, run_id: str) -> None:
    shutil.rmtree(run_dir(talk_id, run_id), ignore_errors=True)


def glossary_terms(glossary: str) -> list[str]:
    terms = re.split(r"[,，、;；\n]+", glossary or "")
    return [t.strip() for t in terms if t.strip()]


# --- steps --------------------------------------------------------------------------------------

def step_probe(talk_id: int, run_id: str) -> None:
    talk = _claim(talk_id, run_id)
    _update(talk_id, run_id, status=S.PROBING, progress=PROGRESS["probe"])
    workdir = run_dir(talk_id, run_id)
    workdir.mkdir(parents=True, exist_ok=True)
    if not talk.source_file:
        if not talk.source_url:
            raise MediaError(_("The talk has neither a file nor an address to process."))
        _fetch_url(talk, run_id, workdir)
        talk = _claim(talk_id, run_id)
    with local_source(talk, workdir) as path:
        info = media.probe(path)
    # "source_file" records which stored file passed probing: only such a file is served to members
    # (content_library.views.talk_media), never e.g. a fetched page that is not media.
    if not _update(
        talk_id, run_id, media_info={**info.as_dict(), "source_file": talk.source_file.name},
        has_video=info.has_video,
        duration=round(info.duration, 3) if info.duration else talk.duration, progress=PROGRESS["extract"] - 1,
    ):
        raise Superseded()


def _fetch_url(talk: Talk, run_id: str, workdir: Path) -> None:
    url = talk.source_url
    media.check_url(url)
    report = _progress_reporter(talk.pk, run_id, PROGRESS["probe"], PROGRESS["extract"] - 1)
    target = workdir / "download"
    timeout, limit = conf.url_timeout(), conf.import_max_bytes()
    hls = media.is_hls(url)
    if not hls:
        content_type = media.download(url, target, timeout, limit, report)
        hls = media.is_hls(url, content_type)
    if hls:
        media.remux_hls(url, target, timeout, limit, report)
    filename = _filename_from_url(url)
    size = target.stat().st_size
    with open(target, "rb") as fh:
        stored = _save_to_storage("source_file", talk, filename, File(fh, name=filename))
    if not _update(talk.pk, run_id, source_file=stored, source_name=filename, source_size=size):
        _delete_stored("source_file", stored)
        raise Superseded()
    target.unlink(missing_ok=True)


def step_extract(talk_id: int, run_id: str) -> None:
    talk = _claim(talk_id, run_id)
    _update(talk_id, run_id, status=S.EXTRACTING, progress=PROGRESS["extract"])
    workdir = run_dir(talk_id, run_id)
    wav, meta = workdir / "audio.wav", workdir / "audio.json"
    if not (wav.exists() and meta.exists()):
        expected = (talk.media_info or {}).get("audio_duration")
        report = _progress_reporter(talk_id, run_id, PROGRESS["extract"], PROGRESS["transcribe"] - 1)
        with local_source(talk, workdir) as path:
            seconds = media.extract_audio(path, wav, expected, report)
        _write_json_atomic(meta, {"seconds": seconds})
    else:
        logger.info("Talk %s: audio already extracted in run %s, skipping extraction", talk_id, run_id)
    seconds = json.loads(meta.read_text(encoding="utf-8"))["seconds"]
    if not _update(talk_id, run_id, duration=talk.duration or round(seconds, 3), progress=PROGRESS["transcribe"] - 1):
        raise Superseded()


def step_transcribe(talk_id: int, run_id: str) -> None:
    talk = _claim(talk_id, run_id)
    _update(talk_id, run_id, status=S.TRANSCRIBING, progress=PROGRESS["transcribe"])
    workdir = run_dir(talk_id, run_id)
    out = workdir / "transcript.json"
    if out.exists():
        return
    wav = workdir / "audio.wav"
    if not wav.exists():
        # The work folder was lost (another machine, cleaned disk): redo the extraction first.
        step_extract(talk_id, run_id)
        _update(talk_id, run_id, status=S.TRANSCRIBING, progress=PROGRESS["transcribe"])
    audio = media.load_audio(wav)
    language = None if talk.language == Talk.Language.AUTO else talk.language
    report = _progress_reporter(talk_id, run_id, PROGRESS["transcribe"], PROGRESS["publish"] - 1)
    result = get_backend().transcribe(audio, language=language, glossary=glossary_terms(talk.glossary), progress=report)
    _write_json_atomic(out, result.as_dict())
    _update(talk_id, run_id, progress=PROGRESS["publish"] - 1)


def step_publish(talk_id: int, run_id: str) -> None:
    """Normalize, store segments atomically, write captions and poster, hand to search, mark ready."""
    talk = _claim(talk_id, run_id)
    _update(talk_id, run_id, status=S.INDEXING, progress=PROGRESS["publish"])
    workdir = run_dir(talk_id, run_id)
    source = workdir / "transcript.json"
    if not source.exists():
        raise TransientError(_("The transcription result is missing; transcribing again."))
    result = Transcription.from_dict(json.loads(source.read_text(encoding="utf-8")))
    dropped: list[str] = []
    lines = normalize_segments(result.segments, result.language, duration=talk.duration, dropped=dropped)
    corrections = correct_lines(lines, glossary_terms(talk.glossary), result.language)
    reapplied = reapply_edits(talk_id, lines)
    notice = "" if lines else _("No speech was detected; the transcript is empty.")
    if reapplied.no_longer_match:
        notice = ngettext(
            "%(count)d transcript edit no longer matches the new transcript; see the edit history.",
            "%(count)d transcript edits no longer match the new transcript; see the edit history.",
            reapplied.no_longer_match) % {"count": reapplied.no_longer_match}

    new_captions = _save_to_storage("captions", talk, f"talk-{talk_id}.vtt", ContentFile(build_vtt(lines).encode()))
    new_poster = ""
    try:
        if talk.has_video:
            poster_file = workdir / "poster.jpg"
            with local_source(talk, workdir) as path:
                if media.make_poster(path, poster_file, talk.duration):
                    with open(poster_file, "rb") as fh:
                        new_poster = _save_to_storage("poster", talk, f"talk-{talk_id}.jpg", File(fh))
        with transaction.atomic():
            if not Talk.objects.select_for_update().filter(pk=talk_id, pipeline_run=run_id).exists():
                raise Superseded()
            TranscriptSegment.objects.filter(talk_id=talk_id).delete()
            TranscriptSegment.objects.bulk_create(
                TranscriptSegment(talk_id=talk_id, index=i, start=line.start, end=line.end, text=line.text,
                                  raw_text=line.raw_text, words=line.words, confidence=line.confidence)
                for i, line in enumerate(lines)
            )
            _update(
                talk_id, run_id, captions=new_captions, poster=new_poster, detected_language=result.language,
                asr_model=result.model, asr_settings={**result.settings, "corrections": corrections,
                                                          "dropped_segments": len(dropped)},
                notice=notice, progress=95,
            )
    except BaseException:
        _delete_stored("captions", new_captions)
        _delete_stored("poster", new_poster)
        raise
    if talk.captions.name != new_captions:
        _delete_stored("captions", talk.captions.name)
    if talk.poster.name and talk.poster.name != new_poster:
        _delete_stored("poster", talk.poster.name)

    try:
        transcript_ready.send(sender=Talk, talk_id=talk_id)
    except Exception as exc:
        logger.warning("transcript_ready receivers failed for talk %s", talk_id, exc_info=True)
        raise TransientError(_("Search indexing failed: %(error)s") % {"error": exc})
    if not _update(talk_id, run_id, status=S.READY, progress=100, processed_at=timezone.now(), error=""):
        raise Superseded()
    cleanup(talk_id, run_id)


STEPS: dict[str, Callable[[int, str], None]] = {
    "probe": step_probe,
    "extract": step_extract,
    "transcribe": step_transcribe,
    "publish": step_publish,
}
STEP_LABELS = {
    "probe": gettext_lazy("reading the file"),
    "extract": gettext_lazy("extracting the audio"),
    "transcribe": gettext_lazy("transcribing"),
    "publish": gettext_lazy("storing the transcript"),
}
# The Celery task of each step (tasks.py), by its registered name: tasks.py imports this module.
STEP_TASKS = {
    "probe": "media_pipeline.probe",
    "extract": "media_pipeline.extract",
    "transcribe": "media_pipeline.transcribe",
    "publish": "media_pipeline.publish",
}


# --- running ------------------------------------------------------------------------------------

def mark_failed(talk_id: int, run_id: str, reason: str) -> bool:
    """End the run as failed with a readable reason (only if it is still the talk's current run)."""
    updated = (
        Talk.objects.filter(pk=talk_id, pipeline_run=run_id)
        .exclude(status=S.READY)
        .update(status=S.FAILED, error=without_paths(reason)[:2000], heartbeat_at=timezone.now(),
                updated_at=timezone.now())
    )
    cleanup(talk_id, run_id)
    if updated:
        logger.info("Talk %s failed: %s", talk_id, reason)
    return bool(updated)


def execute_step(name: str, talk_id: int, run_id: str) -> str:
    """Run one step; returns "ok", "failed" or "superseded". TransientError propagates for retry."""
    try:
        STEPS[name](talk_id, run_id)
        return "ok"
    except Superseded:
        cleanup(talk_id, run_id)
        return "superseded"
    except MediaError as exc:
        mark_failed(talk_id, run_id, exc.message)
        return "failed"
    except TransientError:
        raise
    except OperationalError as exc:
        raise TransientError(_("The database was busy: %(error)s") % {"error": exc})
    except SoftTimeLimitExceeded:
        mark_failed(talk_id, run_id, _("Processing took longer than allowed while %(step)s.")
                    % {"step": STEP_LABELS[name]})
        return "failed"
    except Exception as exc:
        # A bug must still end the talk as failed with a reason, never leave it stuck.
        logger.exception("Unexpected error in pipeline step %s for talk %s", name, talk_id)
        mark_failed(talk_id, run_id, _("Internal error while %(step)s: %(error)s")
                    % {"step": STEP_LABELS[name], "error": without_paths(exc)})
        return "failed"


def gave_up_reason(exc: TransientError, attempts: int) -> str:
    return _("%(error)s (gave up after %(attempts)d attempts)") % {"error": exc.message, "attempts": attempts}


def run_sync(talk_id: int, run_id: str, sleep: Callable[[float], None] = time.sleep) -> str:
    """Run every step in this process (``ingest_talk --sync``); retries transient errors with backoff."""
    for name in STEPS:
        attempt = 0
        while True:
            try:
                outcome = execute_step(name, talk_id, run_id)
                break
            except TransientError as exc:
                attempt += 1
                if attempt > conf.max_retries():
                    mark_failed(talk_id, run_id, gave_up_reason(exc, attempt))
                    return "failed"
                logger.warning("Talk %s: %s; retrying %s in %.0fs", talk_id, exc, name, conf.retry_backoff(attempt))
                sleep(conf.retry_backoff(attempt))
        if outcome != "ok":
            return outcome
    return "ok"


def pipeline_chain(talk_id: int, run_id: str):
    """probe → extract → transcribe → publish; a step that ends the run makes the later ones no-ops.

    The tasks are looked up by name (apps.ready imports tasks.py), so task_always_eager is honoured."""
    return chain(*(current_app.tasks[STEP_TASKS[name]].si(talk_id, run_id) for name in STEPS))


def dispatch(talk_id: int, run_id: str) -> None:
    """Queue the Celery chain on the media queue (after the submitting transaction commits)."""
    try:
        pipeline_chain(talk_id, run_id).apply_async()
    except (OSError, KombuError) as exc:
        # The broker is down: the talk stays "uploaded" and resume_stalled() queues it later.
        logger.error("Could not queue talk %s: %s", talk_id, exc)


def start_run(talk: Talk) -> str:
    """Make a fresh run the talk's current one (older runs stop at their next step); returns its id."""
    run_id = uuid.uuid4().hex
    fields = {"pipeline_run": run_id, "status": S.UPLOADED, "progress": 0, "error": "", "notice": "",
              "heartbeat_at": timezone.now()}
    Talk.objects.filter(pk=talk.pk).update(updated_at=timezone.now(), **fields)
    for key, value in fields.items():
        setattr(talk, key, value)
    return run_id


def submit(talk: Talk, *, sync: bool = False) -> str:
    """Start a new processing run (first time or re-transcribe); returns the run id.

    Queued on the media queue once the current transaction commits, or run here with ``sync``.
    The previous transcript stays visible until the new one replaces it atomically.
    """
    run_id = start_run(talk)
    if sync:
        run_sync(talk.pk, run_id)
    else:
        transaction.on_commit(lambda: dispatch(talk.pk, run_id))
    return run_id


def take_ownership(talk_id: int, run_id: str, owner: str) -> None:
    """Record the worker process running this run's step (see media_pipeline.ownership)."""
    Talk.objects.filter(pk=talk_id, pipeline_run=run_id).update(pipeline_owner=owner, heartbeat_at=timezone.now())


PING_QUIET_SECONDS = 60


def resume_stalled(now=None, *, ping=None) -> list[int]:
    """Re-queue runs whose worker died: no heartbeat for MEDIA_PIPELINE_STALL_SECONDS, or (at once) an owner
    known to be dead — a process gone from this host, or a node that does not answer ``ping``.

    Steps skip work whose results are already in the run folder, so a resumed run
    continues where it stopped.
    """
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(seconds=conf.stall_seconds())
    # A node that misses one ping may only be busy (a solo pool answers between tasks): ask only about runs
    # that have also been quiet for a while. A dead process on this host is certain at once.
    quiet = now - timezone.timedelta(seconds=PING_QUIET_SECONDS)
    running = (Talk.objects.filter(status__in=Talk.PROCESSING_STATUSES).exclude(pipeline_run="")
               .values_list("pk", "pipeline_run", "heartbeat_at", "pipeline_owner"))
    stalled = [(pk, run) for pk, run, beat, owner in running
               if (beat is not None and beat < cutoff)
               or (owner and ownership.is_gone(owner, ping if beat is None or beat < quiet else None))]
    for talk_id, run_id in stalled:
        Talk.objects.filter(pk=talk_id, pipeline_run=run_id).update(heartbeat_at=now)
        logger.warning("Resuming stalled processing of talk %s (run %s)", talk_id, run_id)
        dispatch(talk_id, run_id)
    return [pk for pk, _run in stalled]
