"""The hand-off from the content library to whatever processes talks.

The content library does not import the media pipeline (apps depend downward);
the processor is chosen by dotted path, ``TALK_PROCESSOR`` in settings.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .models import Talk

DEFAULT_PROCESSOR = "media_pipeline.pipeline.submit"

# What the upload forms accept; everything is still probed, so a mislabelled file fails with a reason.
ALLOWED_EXTENSIONS = {
    "mp4", "m4v", "mov", "mkv", "webm", "avi", "ts", "mts", "flv", "mpg", "mpeg", "wmv",
    "m4a", "mp3", "wav", "ogg", "oga", "opus", "flac", "aac", "wma", "amr",
}


def process_talk(talk, *, sync: bool = False) -> str:
    """Start (or restart) processing of ``talk``; returns the run id. Queued after the transaction commits."""
    processor = import_string(getattr(settings, "TALK_PROCESSOR", DEFAULT_PROCESSOR))
    return processor(talk, sync=sync)


def create_talk_from_url(url: str, *, title: str, org_unit=None, created_by=None, glossary: str = ""):
    """A talk for a recording at ``url`` (a livestream replay), visible to ``org_unit``'s subtree when given,
    queued for transcription once the transaction commits."""
    talk = Talk.objects.create(
        title=title[:200], source_url=url, org_unit=org_unit, glossary=glossary,
        visibility=Talk.Visibility.SUBTREE if org_unit is not None else Talk.Visibility.ORGANIZATION,
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    process_talk(talk)
    return talk


def get_talk(talk_id):
    return Talk.objects.filter(pk=talk_id).first() if str(talk_id).isdigit() else None
