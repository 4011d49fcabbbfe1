"""The "My certificates" panel on 我的学习 (the ``my_learning`` slot)."""

from __future__ import annotations

from . import services

LATEST = 5


def my_certificates(context) -> dict | None:
    member = context.get("member")
    if member is None:
        return None
    certificates = list(services.certificates_for(member)[:LATEST + 1])
    if not certificates:
        return None
    return {"certificates": certificates[:LATEST], "more": len(certificates) > LATEST}
