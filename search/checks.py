"""A database check (run by `migrate` and `check --database default`): warns when the segment index was
built by another analyzer version."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError


@register(Tags.database)
def index_fingerprint_check(app_configs=None, **kwargs):
    from .indexing import index_is_current

    try:
        current = index_is_current()
    except DatabaseError:  # not migrated yet
        return []
    if current:
        return []
    return [Warning(
        "The transcript search index was built by another analyzer version.",
        hint="Run: manage.py rebuild_search_index",
        id="search.W001",
    )]
