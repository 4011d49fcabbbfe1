"""Keep the transcript-segment index in step with the content library.

``index_talk`` replaces one talk's entries (called when the media pipeline sends
``transcript_ready``, and when a talk's title or speaker changes); ``remove_talk`` drops them
(``transcript_removed``, talk deleted); ``rebuild`` redoes everything (manage.py
rebuild_search_index, after an analyzer change).
"""

from __future__ import annotations

import logging
import time

from django.db import connection, transaction

from lms.common import textanalysis as analysis

from .backends import get_backend
from .backends.base import SegmentDoc, StaleIndexError, TalkDoc
from .models import IndexedSegment, IndexedTalk, segment_key, talk_key_range

logger = logging.getLogger(__name__)


def _talk_doc(talk_id: int, title: str, speaker: str, rows, tokens=None) -> TalkDoc:
    """Build a talk document; ``tokens`` = analysis.talk_tokens(...) when computed elsewhere (a worker)."""
    rows = list(rows)
    if tokens is None:
        tokens = analysis.talk_tokens(title, speaker, [r[3] for r in rows])
    title_tokens, speaker_tokens, segment_tokens = tokens
    segments = [
        SegmentDoc(key=segment_key(talk_id, index), talk_id=talk_id, index=index, start=start, end=end,
                   text=text, tokens=toks)
        for (index, start, end, text), toks in zip(rows, segment_tokens, strict=True)
    ]
    return TalkDoc(talk_id=talk_id, title=title, speaker=speaker, segments=segments,
                   title_tokens=title_tokens, speaker_tokens=speaker_tokens)


def _indexed_doc(talk_id: int, backend) -> TalkDoc | None:
    """What is in the index now, with its tokens recomputed (engines that delete by content need them)."""
    state = IndexedTalk.objects.filter(talk_id=talk_id).first()
    if state is None:
        return None
    lo, hi = talk_key_range(talk_id)
    rows = IndexedSegment.objects.filter(id__range=(lo, hi)).order_by("id").values_list("index", "start", "end", "text")
    if not getattr(backend, "deletes_by_content", False):
        return TalkDoc(talk_id=talk_id, title=state.title, speaker=state.speaker, segments=[
            SegmentDoc(key=segment_key(talk_id, i), talk_id=talk_id, index=i, start=s, end=e, text=t)
            for i, s, e, t in rows
        ])
    if state.fingerprint != analysis.fingerprint():
        raise StaleIndexError(
            "The search index was built by another analyzer version; run manage.py rebuild_search_index."
        )
    return _talk_doc(talk_id, state.title, state.speaker, rows)


def _store(doc: TalkDoc, old: TalkDoc | None, backend) -> None:
    backend.index_talk(doc, old)
    lo, hi = talk_key_range(doc.talk_id)
    if old is not None:
        IndexedSegment.objects.filter(id__range=(lo, hi)).delete()
    table = connection.ops.quote_name(IndexedSegment._meta.db_table)
    with connection.cursor() as cursor:  # plain executemany: a rebuild writes a million of these
        cursor.executemany(
            f'INSERT INTO {table} (id, talk_id, "index", start, "end", text) VALUES (%s, %s, %s, %s, %s, %s)',
            [(s.key, doc.talk_id, s.index, s.start, s.end, s.text) for s in doc.segments],
        )
    IndexedTalk.objects.update_or_create(
        talk_id=doc.talk_id,
        defaults={"title": doc.title[:300], "speaker": doc.speaker[:300], "segment_count": len(doc.segments),
                  "fingerprint": analysis.fingerprint()},
    )


def index_documents(talk_id: int, title: str, speaker: str, rows, *, fresh: bool = False, tokens=None) -> int:
    """Index one talk from ``rows`` of (index, start, end, text). ``fresh``: known not to be indexed yet;
    ``tokens``: analysis.talk_tokens() of the talk when already computed (by a worker process)."""
    backend = get_backend()
    doc = _talk_doc(talk_id, title or "", speaker or "", rows, tokens)
    with transaction.atomic():
        old = None if fresh else _indexed_doc(talk_id, backend)
        _store(doc, old, backend)
    return len(doc.segments)


def index_talk(talk_id: int) -> int:
    """(Re)index a talk from the content library; returns the number of segments indexed."""
    from content_library.models import Talk, TranscriptSegment

    talk = Talk.objects.filter(pk=talk_id).values("title", "speaker").first()
    if talk is None:
        remove_talk(talk_id)
        return 0
    rows = list(
        TranscriptSegment.objects.filter(talk_id=talk_id).order_by("index").values_list("index", "start", "end", "text")
    )
    return index_documents(talk_id, talk["title"], talk["speaker"], rows)


def remove_talk(talk_id: int) -> None:
    backend = get_backend()
    with transaction.atomic():
        old = _indexed_doc(talk_id, backend)
        if old is None:
            return
        backend.remove_talk(old)
        lo, hi = talk_key_range(talk_id)
        IndexedSegment.objects.filter(id__range=(lo, hi)).delete()
        IndexedTalk.objects.filter(talk_id=talk_id).delete()


def indexable_talk_ids() -> list[int]:
    from content_library.models import Talk, TranscriptSegment

    with_segments = set(TranscriptSegment.objects.values_list("talk_id", flat=True).distinct())
    ready = set(Talk.objects.filter(status=Talk.Status.READY).values_list("pk", flat=True))
    return sorted(with_segments | ready)


def rebuild(progress=None, workers: int = 1) -> dict:
    """Drop and rebuild the whole segment index from the content library, all or nothing.
    ``workers`` > 1 analyses talks in that many processes while this one reads and writes."""
    from content_library.models import Talk, TranscriptSegment

    backend = get_backend()
    started = time.monotonic()
    talks = segments = 0
    meta = {t["pk"]: t for t in Talk.objects.values("pk", "title", "speaker")}
    ids = [i for i in indexable_talk_ids() if i in meta]
    batch = max(1, workers) * 4

    with transaction.atomic(), TokenMapper(workers) as mapper:
        backend.reset()
        IndexedSegment.objects.all().delete()
        IndexedTalk.objects.all().delete()
        for n in range(0, len(ids), batch):
            chunk = ids[n:n + batch]
            rows = {talk_id: [] for talk_id in chunk}
            for talk_id, *row in TranscriptSegment.objects.filter(talk_id__in=chunk).order_by(
                    "talk_id", "index").values_list("talk_id", "index", "start", "end", "text"):
                rows[talk_id].append(tuple(row))
            jobs = [(t, meta[t]["title"], meta[t]["speaker"], [r[3] for r in rows[t]]) for t in chunk]
            for talk_id, tokens in mapper.map(jobs):
                doc = _talk_doc(talk_id, meta[talk_id]["title"], meta[talk_id]["speaker"], rows[talk_id], tokens)
                _store(doc, None, backend)
                talks += 1
                segments += len(doc.segments)
                if progress:
                    progress(talks, segments)
        backend.finish_rebuild()
    return {"talks": talks, "segments": segments, "seconds": round(time.monotonic() - started, 2)}


class TokenMapper:
    """Runs analysis.talk_tokens_job over jobs, here or in ``workers`` spawned processes (they import
    only lms.common.textanalysis, never Django or the database)."""

    def __init__(self, workers: int = 1):
        self.workers = workers
        self.pool = None

    def __enter__(self):
        if self.workers > 1:
            import multiprocessing

            self.pool = multiprocessing.get_context("spawn").Pool(self.workers)
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
        return False

    def map(self, jobs: list) -> list:
        if self.pool is None:
            return [analysis.talk_tokens_job(job) for job in jobs]
        return self.pool.map(analysis.talk_tokens_job, jobs, chunksize=1)

    def imap(self, jobs):
        if self.pool is None:
            return map(analysis.talk_tokens_job, jobs)
        return self.pool.imap(analysis.talk_tokens_job, jobs, chunksize=1)


def index_is_current() -> bool:
    fp = analysis.fingerprint()
    return not IndexedTalk.objects.exclude(fingerprint=fp).exists()
