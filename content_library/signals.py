"""Signals the content library sends; other apps connect in their AppConfig.ready()."""

from django.dispatch import Signal

# Sent by the media pipeline once a talk's transcript segments are stored
# (kwargs: talk_id). Receivers index synchronously; the pipeline marks the
# talk ready after they return, so "ready" means "searchable".
transcript_ready = Signal()

# Sent when a talk's transcript is removed or the talk is deleted (kwargs: talk_id).
transcript_removed = Signal()
