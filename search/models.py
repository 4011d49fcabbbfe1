"""Side tables of the transcript-segment index (backend-independent).

The full-text part lives in backend-specific structures (SQLite FTS5 virtual tables or PostgreSQL
tsvector tables created by migration 0001, or an Elasticsearch/OpenSearch index). These tables keep
what a hit displays and what re-indexing needs, so every backend shares them.

A segment's key packs its talk and position: ``talk_id << 20 | index``. "All hits of a talk" is then
a key range, and the talk of a hit is known without a join.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

SEGMENT_BITS = 20
MAX_SEGMENTS_PER_TALK = 1 << SEGMENT_BITS


def segment_key(talk_id: int, index: int) -> int:
    if not 0 <= index < MAX_SEGMENTS_PER_TALK:
        raise ValueError(f"segment index {index} out of range")
    return (int(talk_id) << SEGMENT_BITS) | index


def talk_of(key: int) -> int:
    return key >> SEGMENT_BITS


def talk_key_range(talk_id: int) -> tuple[int, int]:
    lo = int(talk_id) << SEGMENT_BITS
    return lo, lo + MAX_SEGMENTS_PER_TALK - 1


class IndexedSegment(models.Model):
    id = models.BigIntegerField(primary_key=True)
    talk_id = models.BigIntegerField(_("talk"))
    index = models.PositiveIntegerField(_("index"))
    start = models.FloatField(_("start (seconds)"))
    end = models.FloatField(_("end (seconds)"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("indexed segment")
        verbose_name_plural = _("indexed segments")

    def __str__(self):
        return f"{self.talk_id}#{self.index} {self.text[:40]}"


class IndexedTalk(models.Model):
    """One row per indexed talk: what re-indexing needs to remove the old entries exactly."""

    talk_id = models.BigIntegerField(_("talk"), primary_key=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    speaker = models.CharField(_("speaker"), max_length=300, blank=True)
    segment_count = models.PositiveIntegerField(_("segments"), default=0)
    fingerprint = models.CharField(_("analyzer fingerprint"), max_length=32)
    indexed_at = models.DateTimeField(_("indexed at"), auto_now=True)

    class Meta:
        verbose_name = _("indexed talk")
        verbose_name_plural = _("indexed talks")

    def __str__(self):
        return f"{self.talk_id} {self.title}"


class SnapshotStamp(models.Model):
    """A token that changes whenever data that processes keep a copy of changes (``talks``: what search
    needs to know about every talk, see search.talk_facts). A process compares it with the token of its
    copy before using it: one primary-key read instead of reloading. Random tokens, not counters, so a
    rolled-back change can never bring an old token back for different data."""

    name = models.CharField(max_length=40, primary_key=True)
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("snapshot stamp")
        verbose_name_plural = _("snapshot stamps")

    def __str__(self):
        return f"{self.name} {self.token}"
