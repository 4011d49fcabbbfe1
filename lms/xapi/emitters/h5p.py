"""H5P statements, captured privately by lms.quizzes (lms/quizzes/h5p/xapi.py), restated in the LRS.

The H5P player knows no real actor (it is given a made-up mailbox per member), so the member's platform actor
replaces it; the id is derived from the captured statement's id, so the LRS holds each captured statement once and
a browser's id can never collide with a statement another client wrote. Everything else is the player's own.
"""

from __future__ import annotations

import copy

from lms.quizzes.models import H5PStatement

from .. import actors
from . import PLATFORM, statement_id, timestamp
from . import member as load_member

# Set by the LRS that stores the statement, never carried over from the capture.
DROPPED = ("id", "actor", "authority", "stored", "version")


def captured(row_id: int) -> list[dict]:
    row = H5PStatement.objects.filter(pk=row_id).first()
    if row is None:
        return []
    member = load_member(row.member_id)
    if member is None or not isinstance(row.statement, dict):
        return []
    out = {k: copy.deepcopy(v) for k, v in row.statement.items() if k not in DROPPED}
    out["id"] = statement_id(f"h5p:{row.statement_id or row.pk}")
    out["actor"] = actors.actor_for(member)
    out.setdefault("timestamp", timestamp(row.received_at))
    context = out.get("context")
    if isinstance(context, dict):
        context.setdefault("platform", PLATFORM)
    else:
        out["context"] = {"platform": PLATFORM}
    return [out]
