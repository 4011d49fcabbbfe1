"""Pick the transcript-segment engine: ``settings.SEARCH_SEGMENT_BACKEND`` (a dotted path) or, when
unset, the embedded engine of the default database (SQLite FTS5 or PostgreSQL full text).
``settings.SEARCH_SEGMENT_BACKEND_OPTIONS`` (a dict) is passed to the engine's constructor."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils.module_loading import import_string

from .base import SegmentIndexBackend, StaleIndexError  # noqa: F401

EMBEDDED = {
    "sqlite": "search.backends.sqlite.SQLiteSegmentBackend",
    "postgresql": "search.backends.postgres.PostgresSegmentBackend",
}

_cache: dict = {}


def backend_path() -> str:
    path = getattr(settings, "SEARCH_SEGMENT_BACKEND", None)
    if path:
        return path
    try:
        return EMBEDDED[connection.vendor]
    except KeyError:
        raise ImproperlyConfigured(
            f"No embedded search engine for {connection.vendor}; set SEARCH_SEGMENT_BACKEND "
            "(e.g. search.backends.elasticsearch.ElasticsearchSegmentBackend)."
        )


def get_backend() -> SegmentIndexBackend:
    path = backend_path()
    options = getattr(settings, "SEARCH_SEGMENT_BACKEND_OPTIONS", None) or {}
    key = (path, repr(sorted(options.items())))
    if key not in _cache:
        _cache[key] = import_string(path)(**options)
    return _cache[key]


def reset_backend_cache() -> None:
    _cache.clear()
