"""Receivers that keep the segment index current (connected in SearchConfig.ready())."""

from __future__ import annotations

from functools import partial

from django.db import transaction


def on_transcript_ready(sender, talk_id: int, **kwargs):
    """The pipeline sends this after committing the segments and marks the talk ready once receivers
    return: outside a transaction the indexing runs now (errors reach the pipeline, which retries);
    inside one it runs when that transaction commits."""
    from .indexing import index_talk

    transaction.on_commit(partial(index_talk, talk_id))


def on_transcript_removed(sender, talk_id: int, **kwargs):
    from .indexing import remove_talk

    transaction.on_commit(partial(remove_talk, talk_id))


def on_talk_saved(sender, instance, created: bool, **kwargs):
    """A renamed talk (title, speaker) is re-indexed so its title matches follow."""
    if created:
        return
    from .models import IndexedTalk

    state = IndexedTalk.objects.filter(talk_id=instance.pk).values("title", "speaker").first()
    if state is None or (state["title"], state["speaker"]) == (instance.title[:300], (instance.speaker or "")[:300]):
        return
    from .indexing import index_talk

    transaction.on_commit(partial(index_talk, instance.pk))
