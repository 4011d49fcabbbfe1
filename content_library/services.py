"""The content library's public surface for the pipeline and the commands that feed it."""

from .captions import build_vtt
from .processing import ALLOWED_EXTENSIONS

__all__ = ["ALLOWED_EXTENSIONS", "build_vtt"]
