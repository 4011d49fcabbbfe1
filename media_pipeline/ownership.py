"""Who runs a talk's current pipeline step, and whether that worker is still alive.

A step records its worker as "node|host|pid". When a worker starts, runs owned by a dead process are resumed
at once: on this host the process table answers; for another host, the owner's Celery node is pinged where
the broker supports it (Redis). Anything undecidable waits for the stall timeout (resume_stalled).
"""

from __future__ import annotations

import logging
import os
import socket

from celery import current_app

logger = logging.getLogger(__name__)


def owner_id(node: str | None = None) -> str:
    host = socket.gethostname()
    return f"{node or host}|{host}|{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def is_gone(owner: str, ping=None) -> bool:
    """True when the owning process is known to be dead; False when alive or unknown."""
    try:
        node, host, pid = owner.rsplit("|", 2)
        pid_number = int(pid)
    except ValueError:
        return False
    if host == socket.gethostname():
        return pid_number != os.getpid() and not _pid_alive(pid_number)
    if ping is None:
        return False
    try:
        return not ping(node)
    except Exception:  # noqa: BLE001 - a broker without remote control (filesystem) cannot tell
        logger.debug("Could not ping %s", node, exc_info=True)
        return False


def celery_ping(node: str) -> bool:
    return bool(current_app.control.ping(destination=[node], timeout=2.0))
