"""Members as xAPI agents, and back.

A member appears in statements as a pseudonymous account, the platform's home page plus the member's
employee number (the member's stable identifier in the data standard), never by name or e-mail unless
LMS_XAPI_ACTOR_EMAIL allows the e-mail. Statements that name a member this way (or by that e-mail) belong to
the member: the member reads them, and org-scope permissions follow the member's unit.
"""

from __future__ import annotations

from lms.org.models import Member

from . import conf


def actor_for(member: Member) -> dict:
    if conf.actor_email_allowed() and member.email:
        return {"objectType": "Agent", "mbox": f"mailto:{member.email}"}
    return {"objectType": "Agent", "account": {"homePage": conf.home_page(), "name": member.employee_no}}


def member_id_for(actor: dict | None) -> int | None:
    """The platform member an actor names, if any."""
    if not isinstance(actor, dict):
        return None
    account = actor.get("account")
    if isinstance(account, dict) and account.get("homePage") == conf.home_page() and account.get("name"):
        return Member.objects.filter(employee_no=account["name"]).values_list("pk", flat=True).first()
    mbox = actor.get("mbox")
    if isinstance(mbox, str) and mbox.startswith("mailto:") and conf.actor_email_allowed():
        return Member.objects.filter(email__iexact=mbox[7:]).values_list("pk", flat=True).first()
    return None
