"""Helpers of the search tests: talks with transcript segments, indexed like the pipeline does."""

import json
from pathlib import Path

from django.db import transaction

from content_library.models import Talk, TranscriptSegment
from content_library.signals import transcript_ready

DATA = Path(__file__).resolve().parent / "data"


def asr_transcripts() -> dict:
    data = json.loads((DATA / "asr_transcripts.json").read_text(encoding="utf-8"))
    data.pop("_note", None)
    return data


def make_talk_with_segments(title: str, lines, **fields) -> Talk:
    """``lines``: [(start, end, text)] or [{"start", "end", "text"}]. Sends transcript_ready like the pipeline."""
    fields.setdefault("status", Talk.Status.READY)
    talk = Talk.objects.create(title=title, duration=fields.pop("duration", 60.0), **fields)
    rows = []
    for i, line in enumerate(lines):
        if isinstance(line, dict):
            start, end, text = line["start"], line["end"], line["text"]
        else:
            start, end, text = line
        rows.append(TranscriptSegment(talk=talk, index=i, start=start, end=end, text=text))
    TranscriptSegment.objects.bulk_create(rows)
    send_ready(talk.pk)
    return talk


def send_ready(talk_id: int) -> None:
    """The pipeline sends transcript_ready after its commit; receivers run their on_commit work now."""
    if transaction.get_connection().in_atomic_block:
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            transcript_ready.send(sender=Talk, talk_id=talk_id)
    else:
        transcript_ready.send(sender=Talk, talk_id=talk_id)
