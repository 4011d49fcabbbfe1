"""Set-up after migrate (and flush, in tests): the embedded full-text tables follow the talk index."""

import logging

logger = logging.getLogger(__name__)


def clear_orphaned_index(sender, using: str = "default", **kwargs):
    """After migrate or flush (tests): with no talk indexed, the embedded full-text tables must be empty
    too. ``flush`` empties model tables only, and talk ids restart, so leftovers would match new talks."""
    from django.db import DatabaseError, connections

    from .backends import backend_path, get_backend
    from .models import IndexedTalk

    if using != "default" or backend_path().startswith("search.backends.elasticsearch"):
        return
    if connections[using].vendor not in ("sqlite", "postgresql"):
        return
    try:
        if not IndexedTalk.objects.using(using).exists():
            get_backend().reset()
    except DatabaseError:
        logger.warning("Could not clear the transcript search tables", exc_info=True)
