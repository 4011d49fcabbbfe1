"""Reminders and escalation, run daily by Celery beat; each notice exactly once.

Stages of an active assignment (numbers from settings):
- ``due_soon``  when the due date is within LMS_TRAINING_REMINDER_DAYS (default 7 and 1 days),
- ``due_today`` on the due date, ``overdue`` the day after,
- ``escalate_branch`` after LMS_TRAINING_ESCALATE_BRANCH_DAYS overdue (default 7): the member's
  branch secretary gets the list of their newly escalated overdue members,
- ``escalate_hr`` after LMS_TRAINING_ESCALATE_HR_DAYS (default 14): HR of the organization.

Exactly once: every stage is claimed by inserting an ``AssignmentNotice`` row
(unique per assignment, stage and due date) stamped with this run's claim id,
with conflicts ignored; the run then notifies only the rows carrying its own
claim. A doubled beat or a retried task finds the rows taken and sends nothing.
A changed due date is a new key, so the member is reminded about the new date.
"""

import datetime
import uuid
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lms.notifications.services import Notice, notify_many
from lms.org.models import Member, OrgUnit, Role

from .models import Assignment, AssignmentNotice

Kind = AssignmentNotice.Kind


def reminder_days() -> list[int]:
    return sorted({int(d) for d in getattr(settings, "LMS_TRAINING_REMINDER_DAYS", [7, 1]) if int(d) > 0},
                  reverse=True)


def escalation_days() -> tuple[int, int]:
    return (int(getattr(settings, "LMS_TRAINING_ESCALATE_BRANCH_DAYS", 7)),
            int(getattr(settings, "LMS_TRAINING_ESCALATE_HR_DAYS", 14)))


def stages(today: datetime.date) -> list[tuple[str, int, dict]]:
    """(kind, stage, due_on filter) for every notice due today."""
    out = []
    days = reminder_days()
    for i, d in enumerate(days):
        nearer = days[i + 1] if i + 1 < len(days) else 0
        out.append((Kind.DUE_SOON, d, {"due_on__gt": today + datetime.timedelta(days=nearer),
                                       "due_on__lte": today + datetime.timedelta(days=d)}))
    out.append((Kind.DUE_TODAY, 0, {"due_on": today}))
    out.append((Kind.OVERDUE, 0, {"due_on__lt": today}))
    branch_days, hr_days = escalation_days()
    out.append((Kind.ESCALATE_BRANCH, branch_days, {"due_on__lte": today - datetime.timedelta(days=branch_days)}))
    out.append((Kind.ESCALATE_HR, hr_days, {"due_on__lte": today - datetime.timedelta(days=hr_days)}))
    return out


def claim(kind: str, stage: int, due_filter: dict, token: uuid.UUID, now) -> list[int]:
    """Insert the notice rows nobody has yet; return the ids of the assignments this run claimed."""
    already = AssignmentNotice.objects.filter(assignment=OuterRef("pk"), kind=kind, stage=stage,
                                              due_on=OuterRef("due_on"))
    candidates = list(
        Assignment.objects.filter(status=Assignment.Status.ACTIVE, member__is_active=True, **due_filter)
        .filter(~Exists(already)).values_list("pk", "due_on")
    )
    if not candidates:
        return []
    AssignmentNotice.objects.bulk_create(
        [AssignmentNotice(assignment_id=pk, kind=kind, stage=stage, due_on=due, claim=token, created_at=now)
         for pk, due in candidates],
        batch_size=500, ignore_conflicts=True,
    )
    return list(AssignmentNotice.objects.filter(claim=token, kind=kind, stage=stage)
                .values_list("assignment_id", flat=True))


def run_reminders(now: datetime.datetime | None = None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    token = uuid.uuid4()
    counts: dict[str, int] = {}
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        notices: list[Notice] = []
        for kind, stage, due_filter in stages(today):
            ids = claim(kind, stage, due_filter, token, now)
            counts[f"{kind}:{stage}" if kind == Kind.DUE_SOON else kind] = len(ids)
            if not ids:
                continue
            rows = _rows(ids)
            if kind == Kind.ESCALATE_BRANCH:
                notices += _escalation_notices(rows, kind, token, today, _branch_secretaries(rows))
            elif kind == Kind.ESCALATE_HR:
                notices += _escalation_notices(rows, kind, token, today, _hr_people(rows))
            else:
                notices += _member_notices(rows, kind, stage, token, today)
        counts["notifications"] = notify_many(notices)
    return counts


def _rows(assignment_ids: list[int]) -> list[dict]:
    rows = []
    for start in range(0, len(assignment_ids), 2000):
        rows += list(
            Assignment.objects.filter(pk__in=assignment_ids[start:start + 2000]).values(
                "pk", "member_id", "member__name", "member__employee_no", "member__user_id",
                "member__org_unit__path", "course__title", "due_on",
            ).order_by("member__org_unit__path", "member__employee_no", "due_on")
        )
    return rows


def _member_notices(rows, kind, stage, token, today) -> list[Notice]:
    url = reverse("training:training-my-assignments")
    per_member: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        per_member[row["member__user_id"]].append(row)
    notices = []
    for user_id, items in per_member.items():
        n = len(items)
        if kind == Kind.DUE_SOON:
            days = min((r["due_on"] - today).days for r in items)
            title = ngettext("%(n)d required course is due in %(days)d day(s)",
                             "%(n)d required courses are due in %(days)d day(s)", n) % {"n": n, "days": days}
        elif kind == Kind.DUE_TODAY:
            title = ngettext("%(n)d required course is due today", "%(n)d required courses are due today",
                             n) % {"n": n}
        else:
            title = ngettext("%(n)d required course is overdue", "%(n)d required courses are overdue",
                             n) % {"n": n}
        lines = [_("%(course)s — due %(due)s") % {"course": r["course__title"], "due": r["due_on"].isoformat()}
                 for r in items]
        notices.append(Notice(recipient_id=user_id, kind=f"training.{kind}", title=title, body="\n".join(lines),
                              url=url, key=f"training:{kind}:{stage}:{token}", required=True))
    return notices


def _escalation_notices(rows, kind, token, today, recipients: dict[int, list[dict]]) -> list[Notice]:
    url = reverse("training:training-branch")
    notices = []
    for user_id, items in recipients.items():
        members = {r["member_id"] for r in items}
        if kind == Kind.ESCALATE_BRANCH:
            title = ngettext("%(n)d member of your branch is overdue on required training",
                             "%(n)d members of your branch are overdue on required training",
                             len(members)) % {"n": len(members)}
        else:
            title = ngettext("%(n)d member is overdue on required training for %(days)d days or more",
                             "%(n)d members are overdue on required training for %(days)d days or more",
                             len(members)) % {"n": len(members), "days": escalation_days()[1]}
        lines = [
            _("%(name)s (%(no)s): %(course)s, due %(due)s, %(days)d day(s) overdue") % {
                "name": r["member__name"], "no": r["member__employee_no"], "course": r["course__title"],
                "due": r["due_on"].isoformat(), "days": (today - r["due_on"]).days}
            for r in items
        ]
        notices.append(Notice(recipient_id=user_id, kind=f"training.{kind}", title=title, body="\n".join(lines),
                              url=url, key=f"training:{kind}:{token}", required=True))
    return notices


def _units() -> dict[str, str]:
    return dict(OrgUnit.objects.values_list("path", "kind"))


def _branch_path(path: str, kinds: dict[str, str]) -> str:
    """Path of the nearest enclosing branch (as OrgUnit.branch())."""
    step = OrgUnit.steplen
    for end in range(len(path), 0, -step):
        if kinds.get(path[:end]) in (OrgUnit.Kind.BRANCH, OrgUnit.Kind.GENERAL_BRANCH):
            return path[:end]
    return path


def _branch_secretaries(rows) -> dict[int, list[dict]]:
    """Secretary user id → escalated rows: the secretaries of the nearest branch that has any."""
    kinds = _units()
    by_branch: dict[str, list[int]] = defaultdict(list)
    for user_id, path in (Member.objects.filter(is_active=True, member_roles__role__code=Role.BRANCH_SECRETARY)
                          .values_list("user_id", "org_unit__path")):
        by_branch[_branch_path(path, kinds)].append(user_id)
    out: dict[int, list[dict]] = defaultdict(list)
    step = OrgUnit.steplen
    for row in rows:
        path = row["member__org_unit__path"]
        for end in range(len(path), 0, -step):
            if by_branch.get(path[:end]):
                for user_id in by_branch[path[:end]]:
                    out[user_id].append(row)
                break
    return out


def _hr_people(rows) -> dict[int, list[dict]]:
    """HR user id → escalated rows of members in HR's organization (superusers when there is no HR)."""
    step = OrgUnit.steplen
    hr_by_root: dict[str, list[int]] = defaultdict(list)
    for user_id, path in (Member.objects.filter(is_active=True, member_roles__role__code=Role.HR)
                          .values_list("user_id", "org_unit__path")):
        hr_by_root[path[:step]].append(user_id)
    fallback = None
    out: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        users = hr_by_root.get(row["member__org_unit__path"][:step])
        if not users:
            if fallback is None:
                from django.contrib.auth import get_user_model

                fallback = list(get_user_model().objects.filter(is_superuser=True, is_active=True)
                                .values_list("pk", flat=True))
            users = fallback
        for user_id in users:
            out[user_id].append(row)
    return out
