"""Reminders and escalation of announcements asking for confirmation, each exactly once.

- a recipient who has not confirmed is reminded once, ``conf.remind_before()`` (24 h) before the deadline — unless
  the announcement was published inside that window, when the publication notice itself was the reminder;
- after the deadline, each recipient still unconfirmed is escalated once to their branch's secretaries: one notice
  per secretary and announcement, naming the members (when the member is their branch's only secretary, or the
  branch has none, the publisher is told instead).

Whoever sets a row's stamp with a conditional UPDATE (``… WHERE stamp IS NULL``) sends its notice, so concurrent
workers never both send; the notification keys make a retried run harmless as well.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lms.notifications.services import Notice, notify_many
from lms.org.models import Member, Role

from . import conf
from .models import Announcement, Recipient

REMINDER_KIND = "announcements.reminder"
ESCALATION_KIND = "announcements.escalation"
NAMES_SHOWN = 20


def run(now: datetime.datetime | None = None) -> dict:
    now = now or timezone.now()
    return {"reminded": remind(now), "escalated": escalate(now)}


def _claim(announcement: Announcement, stamp: str, now) -> list[Recipient]:
    """Stamp the announcement's unconfirmed rows still without ``stamp`` in one UPDATE; return those it stamped."""
    base = Recipient.objects.filter(announcement=announcement, confirmed_at__isnull=True, member__is_active=True)
    ids = list(base.filter(**{f"{stamp}__isnull": True}).values_list("pk", flat=True))
    if not ids:
        return []
    Recipient.objects.filter(pk__in=ids, confirmed_at__isnull=True, **{f"{stamp}__isnull": True}).update(
        **{stamp: now})
    return list(Recipient.objects.filter(pk__in=ids, **{stamp: now}).select_related("member", "branch"))


def _when(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _live_confirmations():
    return Announcement.objects.live().filter(requires_confirmation=True, confirm_by__isnull=False)


def remind(now) -> int:
    lead = conf.remind_before()
    sent = 0
    for announcement in _live_confirmations().filter(confirm_by__gt=now, confirm_by__lte=now + lead):
        if announcement.published_at and announcement.published_at > announcement.confirm_by - lead:
            continue  # published inside the reminder window: the publication notice was the reminder
        rows = _claim(announcement, "reminded_at", now)
        title = _("Please confirm: %(title)s") % {"title": announcement.title}
        body = _("You have not yet confirmed that you read this announcement; the deadline is %(when)s.") % {
            "when": _when(announcement.confirm_by)}
        sent += notify_many([Notice(r.member.user_id, REMINDER_KIND, title, body, announcement.get_absolute_url(),
                                    key=f"announcement:{announcement.pk}:reminder", required=True) for r in rows])
    return sent


def _secretaries(branch_ids) -> dict[int, list[int]]:
    """User ids of the active secretaries of each branch."""
    out: dict[int, list[int]] = {}
    for unit_id, user_id in Member.objects.filter(
            org_unit_id__in=set(branch_ids), is_active=True, member_roles__role__code=Role.BRANCH_SECRETARY,
    ).values_list("org_unit_id", "user_id").distinct():
        out.setdefault(unit_id, []).append(user_id)
    return out


def escalate(now) -> int:
    sent = 0
    for announcement in _live_confirmations().filter(confirm_by__lte=now):
        rows = _claim(announcement, "escalated_at", now)
        if not rows:
            continue
        secretaries = _secretaries(r.branch_id for r in rows)
        names_for: dict[int, list[str]] = {}
        for row in rows:
            targets = [u for u in secretaries.get(row.branch_id, []) if u != row.member.user_id]
            if not targets and announcement.publisher_id:
                targets = [announcement.publisher_id]
            for user_id in targets:
                names_for.setdefault(user_id, []).append(row.member.name)
        notices = []
        for user_id, names in names_for.items():
            shown = "、".join(names[:NAMES_SHOWN]) + ("…" if len(names) > NAMES_SHOWN else "")
            title = ngettext("%(n)d member has not confirmed: %(title)s",
                             "%(n)d members have not confirmed: %(title)s", len(names)) % {
                "n": len(names), "title": announcement.title}
            body = _("The deadline %(when)s has passed. Not confirmed: %(names)s") % {
                "when": _when(announcement.confirm_by), "names": shown}
            notices.append(Notice(user_id, ESCALATION_KIND, title, body, reverse("announcements:stats",
                                                                                 args=[announcement.pk]),
                                  key=f"announcement:{announcement.pk}:escalation"))
        sent += notify_many(notices)
    return sent
