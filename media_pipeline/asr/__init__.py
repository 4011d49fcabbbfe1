"""Speech recognition backends, chosen by dotted path in settings.ASR_BACKEND."""

import threading

from django.conf import settings
from django.utils.module_loading import import_string

from .base import ASRBackend, Segment, Transcription, Word

__all__ = ["ASRBackend", "Segment", "Transcription", "Word", "get_backend"]

_lock = threading.Lock()
_backends: dict[str, ASRBackend] = {}


def get_backend(path: str | None = None) -> ASRBackend:
    """The configured backend, created once per process (it caches its model)."""
    path = path or settings.ASR_BACKEND
    backend = _backends.get(path)
    if backend is None:
        with _lock:
            backend = _backends.get(path)
            if backend is None:
                backend = import_string(path)()
                _backends[path] = backend
    return backend
