"""Trainers' corrections of a transcript: one line, or a term everywhere in the talk.

Every edit is kept (``TranscriptEdit``) and applied at once to the stored lines; the captions file is rewritten
and search re-indexes the talk when the edit commits. A re-transcription replaces the lines, then re-applies the
edits that still match the new text (``reapply_edits``) and says how many no longer do, so a trainer's work is
never silently lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.common.textanalysis import simplified

from .captions import build_vtt
from .models import Talk, TranscriptEdit, TranscriptSegment
from .signals import transcript_ready

MAX_LINE_CHARS = 1000
MAX_TERM_CHARS = 50


class EditError(ValueError):
    """A correction that cannot be made; the message says why, in the user's language."""


@dataclass(frozen=True)
class Reapplied:
    applied: int
    no_longer_match: int


def _clean(text: str, limit: int, what: str) -> str:
    text = simplified(" ".join((text or "").split()))
    if not text:
        raise EditError(_("The %(what)s cannot be empty.") % {"what": what})
    if len(text) > limit:
        raise EditError(_("The %(what)s is longer than %(limit)d characters.") % {"what": what, "limit": limit})
    return text


def edit_line(talk: Talk, segment_id: int, new_text: str, user=None) -> TranscriptEdit:
    """Replace one line's text. Raises EditError (line of another talk, empty, too long, unchanged)."""
    new_text = _clean(new_text, MAX_LINE_CHARS, _("line"))
    with transaction.atomic():
        segment = TranscriptSegment.objects.select_for_update().filter(talk=talk, pk=segment_id).first()
        if segment is None:
            raise EditError(_("This line is not part of the talk's current transcript; reload the page."))
        if segment.text == new_text:
            raise EditError(_("The line is unchanged."))
        edit = TranscriptEdit.objects.create(talk=talk, kind=TranscriptEdit.Kind.LINE, start=segment.start,
                                             end=segment.end, old_text=segment.text, new_text=new_text,
                                             lines_changed=1, created_by=user)
        segment.text = new_text
        segment.save(update_fields=["text"])
        _transcript_changed(talk)
    return edit


def replace_term(talk: Talk, old: str, new: str, user=None) -> TranscriptEdit:
    """Replace ``old`` by ``new`` in every line of the talk. Raises EditError (empty, too long, same, absent)."""
    old = _clean(old, MAX_TERM_CHARS, _("term to replace"))
    new = _clean(new, MAX_TERM_CHARS, _("replacement"))
    if old == new:
        raise EditError(_("The replacement is the same as the term."))
    with transaction.atomic():
        Talk.objects.select_for_update().filter(pk=talk.pk).first()  # one term edit of a talk at a time
        changed = _replace_in_lines(talk.pk, old, new)
        if not changed:
            raise EditError(_("“%(term)s” does not occur in this transcript.") % {"term": old})
        edit = TranscriptEdit.objects.create(talk=talk, kind=TranscriptEdit.Kind.TERM, old_text=old, new_text=new,
                                             lines_changed=changed, created_by=user)
        _transcript_changed(talk)
    return edit


def _replace_in_lines(talk_id: int, old: str, new: str) -> int:
    lines = list(TranscriptSegment.objects.filter(talk_id=talk_id, text__contains=old).only("id", "text"))
    for line in lines:
        line.text = line.text.replace(old, new)
    TranscriptSegment.objects.bulk_update(lines, ["text"], batch_size=500)
    return len(lines)


def reapply_edits(talk_id: int, lines: list) -> Reapplied:
    """A re-transcription's new lines (objects with start, end and text, not stored yet) get the talk's edits
    again, oldest first: a term edit wherever the term occurs, a line edit on the new line that overlaps its time
    (±1 s) and still reads as the old text did. Each edit records whether it still matched."""
    applied = missed = 0
    now = timezone.now()
    for edit in TranscriptEdit.objects.filter(talk_id=talk_id).order_by("created_at", "id"):
        matched = False
        if edit.kind == TranscriptEdit.Kind.TERM:
            for line in lines:
                if edit.old_text in line.text:
                    line.text = line.text.replace(edit.old_text, edit.new_text)
                    matched = True
        else:
            for line in lines:
                if line.text == edit.old_text and line.start < edit.end + 1.0 and line.end > edit.start - 1.0:
                    line.text = edit.new_text
                    matched = True
                    break
        applied += matched
        missed += not matched
        TranscriptEdit.objects.filter(pk=edit.pk).update(still_matches=matched, last_reapplied_at=now)
    return Reapplied(applied, missed)


def _transcript_changed(talk: Talk) -> None:
    """Captions follow at once; search re-indexes when the edit commits (its receiver defers to on_commit)."""
    field = Talk._meta.get_field("captions")
    old_name = talk.captions.name
    vtt = build_vtt(TranscriptSegment.objects.filter(talk=talk).order_by("index"))
    new_name = field.storage.save(field.generate_filename(talk, f"talk-{talk.pk}.vtt"), ContentFile(vtt.encode()),
                                  max_length=field.max_length)
    Talk.objects.filter(pk=talk.pk).update(captions=new_name)
    talk.captions.name = new_name

    def drop_old():
        if old_name and old_name != new_name:
            try:
                field.storage.delete(old_name)
            except OSError:
                pass

    transaction.on_commit(drop_old)
    transcript_ready.send(sender=Talk, talk_id=talk.pk)
