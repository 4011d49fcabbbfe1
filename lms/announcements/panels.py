"""The home page's panel (slot "today"): the member's announcements still unread or unconfirmed."""

from __future__ import annotations

from django.utils import timezone

from lms.org.scope import member_of

from . import services

SHOWN = 5


def today_panel(context) -> dict | None:
    """At most two queries: the member (unless the page has it) and their open announcements."""
    request = context.get("request")
    member = context.get("member") or (member_of(request.user) if request is not None else None)
    if member is None or not hasattr(member, "pk"):
        return None
    rows = services.unread_for(member, limit=SHOWN + 1)
    if not rows:
        return None
    return {"rows": rows[:SHOWN], "more": len(rows) > SHOWN, "now": timezone.now(), "request": request}
