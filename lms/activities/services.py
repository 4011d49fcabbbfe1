"""The organizational-life app's public actions (other apps and this app's pages and API call these).

Scheduling fixes who is expected (rows of ``Attendance``), links the activity to a plan slot of its kind and
unit, and notifies the attendees; sign-in, marking, leave and live watching live in ``attendance``; the year's
plan in ``plans``; reminders and escalation in ``reminders``.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from content_library import services as talks
from lms.common import uploads
from lms.org.models import Member, OrgUnit, Role

from . import access
from .attendance import (  # noqa: F401  the public surface
    AttendanceError,
    decide_leave,
    live_heartbeat,
    mark,
    request_leave,
    settle_live,
    sign_in,
)
from .importer import import_attendance  # noqa: F401
from .models import Activity, ActivityKind, Attendance, Minutes, MinutesAmendment, MinutesAttachment, PlanSlot
from .plans import SlotState, generate_plans, slot_state  # noqa: F401

COMMITTEE_ROLES = (Role.BRANCH_SECRETARY, Role.COMMITTEE_MEMBER)
MAX_AGENDA = 5000


class ScheduleError(ValueError):
    pass


def audience_members(activity: Activity, member_ids=None):
    """The members expected at ``activity`` (active members only)."""
    qs = Member.objects.filter(is_active=True)
    if activity.audience == Activity.Audience.LIST:
        return qs.filter(pk__in=list(member_ids or []))
    unit = activity.unit
    qs = qs.filter(org_unit__path__startswith=unit.path)
    roles = [r.strip() for r in activity.audience_roles.split(",") if r.strip()]
    if activity.kind.committee_only and not roles:
        roles = list(COMMITTEE_ROLES)
    if roles:
        qs = qs.filter(member_roles__role__code__in=roles).distinct()
    return qs


def suggest_slot(unit: OrgUnit, kind: ActivityKind, day: datetime.date) -> PlanSlot | None:
    """The free slot of this kind and unit whose window contains ``day``, else the earliest free one still open
    that day, else the latest overdue one (a late meeting still fulfils its slot)."""
    free = PlanSlot.objects.filter(unit=unit, kind=kind, year=day.year, activity__isnull=True)
    return (free.filter(window_start__lte=day, window_end__gte=day).order_by("window_start", "seq").first()
            or free.filter(window_end__gte=day).order_by("window_start", "seq").first()
            or free.filter(window_end__lt=day).order_by("-window_end", "seq").first())


def schedule(*, user, kind: ActivityKind, unit: OrgUnit, title: str, starts_at, ends_at, place="", online_url="",
             stream_url="", agenda="", lecturer="", audience=Activity.Audience.UNIT, audience_roles="",
             member_ids=None, guests_allowed=False, slot: PlanSlot | None = None, use_plan=True,
             live_threshold=80) -> Activity:
    """Create an activity and its expected attendees. The caller checked the user may manage ``unit``."""
    title = " ".join((title or "").split())
    if not title:
        raise ScheduleError(_("Give the activity a title."))
    if ends_at <= starts_at:
        raise ScheduleError(_("The activity must end after it starts."))
    if len(agenda or "") > MAX_AGENDA:
        raise ScheduleError(_("The agenda is longer than %(n)d characters.") % {"n": MAX_AGENDA})
    if slot is not None and (slot.unit_id != unit.pk or slot.kind_id != kind.pk or slot.activity_id):
        raise ScheduleError(_("That plan slot belongs to another unit or kind, or is already taken."))
    with transaction.atomic():
        activity = Activity.objects.create(
            kind=kind, unit=unit, title=title[:200], starts_at=starts_at, ends_at=ends_at, place=place[:200],
            online_url=online_url, stream_url=stream_url, agenda=agenda or "", lecturer=(lecturer or "")[:100],
            audience=audience, audience_roles=audience_roles or "", guests_allowed=guests_allowed,
            live_threshold=live_threshold, created_by=user if getattr(user, "pk", None) else None)
        ids = list(audience_members(activity, member_ids).values_list("pk", flat=True))
        Attendance.objects.bulk_create([Attendance(activity=activity, member_id=i) for i in ids], batch_size=2000)
        if slot is None and use_plan:
            slot = suggest_slot(unit, kind, timezone.localtime(starts_at).date())
        if slot is not None:
            taken = PlanSlot.objects.filter(pk=slot.pk, activity__isnull=True).update(activity=activity)
            if not taken:
                raise ScheduleError(_("That plan slot was just taken by another activity."))
    return activity


def cancel(activity: Activity, *, by=None) -> Activity:
    """Cancelled activities free their plan slot; credits already made are reversed through marking."""
    with transaction.atomic():
        for att in Attendance.objects.filter(activity=activity, status__in=(Attendance.Status.PRESENT,
                                                                            Attendance.Status.LATE)):
            mark(activity, att.member, Attendance.Status.ABSENT, by=by, note=_("Activity cancelled"))
        Activity.objects.filter(pk=activity.pk).update(status=Activity.Status.CANCELLED)
        PlanSlot.objects.filter(activity=activity).update(activity=None)
    activity.refresh_from_db()
    return activity


def mark_held(activity: Activity, *, now=None) -> Activity:
    if activity.status == Activity.Status.CANCELLED:
        raise ScheduleError(_("A cancelled activity cannot be recorded as held."))
    now = now or timezone.now()
    if now < activity.starts_at:
        raise ScheduleError(_("An activity is recorded as held once it has started."))
    Activity.objects.filter(pk=activity.pk).exclude(status=Activity.Status.HELD).update(
        status=Activity.Status.HELD, held_at=now)
    activity.refresh_from_db()
    return activity


def save_minutes(activity: Activity, *, content: str, resolutions: str = "", by=None, submit=False) -> Minutes:
    """Draft minutes may change until submitted; submitting also records the activity as held. Afterwards
    only amendments (``amend_minutes``) are added."""
    content = (content or "").strip()
    if not content:
        raise ScheduleError(_("The minutes cannot be empty."))
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().filter(activity=activity).first()
        if minutes is not None and minutes.submitted_at:
            raise ScheduleError(_("These minutes were submitted; add an amendment with a reason instead."))
        minutes = minutes or Minutes(activity=activity)
        minutes.content = content
        minutes.resolutions = (resolutions or "").strip()
        if submit:
            minutes.submitted_at = timezone.now()
            minutes.submitted_by = by
        minutes.save()
        if submit:
            mark_held(activity)
    return minutes


def amend_minutes(activity: Activity, *, text: str, reason: str, by=None) -> MinutesAmendment:
    text, reason = (text or "").strip(), " ".join((reason or "").split())
    if not text or not reason:
        raise ScheduleError(_("An amendment needs its text and a reason."))
    minutes = Minutes.objects.filter(activity=activity, submitted_at__isnull=False).first()
    if minutes is None:
        raise ScheduleError(_("Minutes are amended after they are submitted; edit the draft instead."))
    return MinutesAmendment.objects.create(minutes=minutes, text=text, reason=reason[:300], created_by=by)


ATTACHMENT_TYPES = {  # extension → (is a photo, the signature the file must start with)
    "jpg": (True, (b"\xff\xd8\xff",)), "jpeg": (True, (b"\xff\xd8\xff",)), "png": (True, (b"\x89PNG\r\n\x1a\n",)),
    "pdf": (False, (b"%PDF-",)), "docx": (False, (b"PK\x03\x04",)), "xlsx": (False, (b"PK\x03\x04",)),
}
MAX_ATTACHMENTS = 30


def add_attachment(activity: Activity, upload, *, by=None) -> MinutesAttachment:
    """A photo or document for the minutes (draft or submitted: photos often come later). The type is checked by
    the file's first bytes, not only its name, so a renamed executable is refused."""
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:200]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ATTACHMENT_TYPES:
        raise ScheduleError(_("Attach photos (JPG, PNG) or documents (PDF, DOCX, XLSX)."))
    if uploads.is_too_large(upload, "document"):
        raise ScheduleError(uploads.too_large("document"))
    is_photo, signatures = ATTACHMENT_TYPES[ext]
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in signatures):
        raise ScheduleError(_("The file's content does not match its type .%(ext)s.") % {"ext": ext})
    minutes = Minutes.objects.filter(activity=activity).first()
    if minutes is None:
        raise ScheduleError(_("Write the minutes first; attachments belong to them."))
    if minutes.attachments.count() >= MAX_ATTACHMENTS:
        raise ScheduleError(_("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS})
    attachment = MinutesAttachment(minutes=minutes, name=name, is_photo=is_photo, uploaded_by=by)
    attachment.file.save(f"minutes-{activity.pk}.{ext}", upload, save=False)
    attachment.save()
    return attachment


def attach_replay(activity: Activity, *, url: str, by=None):
    """The replay of a live session goes through the media pipeline (transcribed, searchable) and is linked."""
    talk = talks.create_talk_from_url(url, title=activity.title, org_unit=activity.unit, created_by=by)
    Activity.objects.filter(pk=activity.pk).update(replay_talk_id=talk.pk)
    activity.replay_talk_id = talk.pk
    return talk


def link_replay(activity: Activity, talk_id: int):
    """An uploaded recording (a talk already in the library, transcribed by the pipeline) as the replay."""
    talk = talks.get_talk(talk_id)
    if talk is None:
        raise ScheduleError(_("No talk with that number in the library."))
    Activity.objects.filter(pk=activity.pk).update(replay_talk_id=talk.pk)
    activity.replay_talk_id = talk.pk
    return talk


def my_activities(member: Member, start: datetime.datetime | None = None, end: datetime.datetime | None = None):
    """Activities ``member`` is expected at (or attended), in time order."""
    qs = Activity.objects.filter(attendances__member=member).exclude(status=Activity.Status.CANCELLED)
    if start is not None:
        qs = qs.filter(ends_at__gte=start)
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    return qs.select_related("kind", "unit").order_by("starts_at")


def organizer_activities(user):
    return access.visible_activities(user).filter(access.managed_q(user))


def unit_activities(unit: OrgUnit):
    return Activity.objects.filter(Q(unit=unit))
