"""The my_learning slot panel: today's points and what is left to earn today."""

from __future__ import annotations

from django.utils import timezone

from . import selectors


def today_panel(context) -> dict | None:
    member = context.get("member")
    if member is None:
        return None
    summary = selectors.member_summary(member, timezone.localdate(), with_ranks=False)
    return {"summary": summary}
