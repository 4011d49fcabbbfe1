"""The content library's public surface for the pipeline, the admin and the commands that feed it."""

from .captions import build_vtt
from .processing import ALLOWED_EXTENSIONS, create_talk_from_url, get_talk
from .transcripts import EditError, Reapplied, edit_line, reapply_edits, replace_term

__all__ = ["ALLOWED_EXTENSIONS", "EditError", "Reapplied", "build_vtt", "create_talk_from_url", "edit_line", "get_talk",
           "reapply_edits", "replace_term"]
