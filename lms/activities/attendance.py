"""Attendance: sign-in (QR, numeric code), manual marking, leave, live watching. Every change that makes a member
attended credits the ledger exactly once; one that undoes it reverses the credit. A row lock on the attendance
serializes concurrent scans of the same member."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.org.models import Member
from lms.records import services as ledger
from lms.records.models import StudyHourEntry

from . import signin
from .models import ATTENDED, Activity, Attendance, LeaveRequest, LiveWatch
from .rules import rule_for

SOURCE = "activity"
HEARTBEAT_MAX_GAP = 40.0  # seconds: a longer silence is not counted (the player beats every 15 s)


class AttendanceError(Exception):
    """A refused attendance change; ``status`` is the HTTP status a page or the API answers with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def reference(activity_id: int) -> str:
    return f"activity:{activity_id}"


def _check_open(activity: Activity, now: datetime.datetime) -> None:
    if activity.status == Activity.Status.CANCELLED:
        raise AttendanceError(_("This activity was cancelled."), 409)
    opens, closes = signin.window(activity)
    if now < opens:
        raise AttendanceError(_("Sign-in opens at %(time)s.") % {
            "time": timezone.localtime(opens).strftime("%Y-%m-%d %H:%M")}, 409)
    if now > closes:
        raise AttendanceError(_("Sign-in for this activity has closed."), 409)


def _locked(activity: Activity, member: Member, *, guest_ok: bool) -> Attendance | None:
    """The member's attendance row, locked until the transaction ends; a guest row is created first when the
    member is not expected and ``guest_ok``. Two requests for the same member (a double scan, a scan while the
    secretary marks) are ordered by this lock, and a concurrent creation is waited for rather than duplicated."""
    att = Attendance.objects.select_for_update().filter(activity=activity, member=member).first()
    if att is not None or not guest_ok:
        return att
    try:
        with transaction.atomic():
            Attendance.objects.create(activity=activity, member=member, is_guest=True)
    except IntegrityError:
        pass  # created by a concurrent request; the lock below orders us after it
    return Attendance.objects.select_for_update().get(activity=activity, member=member)


def sign_in(activity: Activity, member: Member, *, method: str, now: datetime.datetime | None = None) -> Attendance:
    """Sign ``member`` in (the token or code was checked by the caller). Refuses a cancelled activity, a closed
    window, a second sign-in and a member not expected unless the organizer admits guests."""
    now = now or timezone.now()
    _check_open(activity, now)
    with transaction.atomic():
        att = _locked(activity, member, guest_ok=activity.guests_allowed)
        if att is None:
            raise AttendanceError(_("You are not on the list of attendees of this activity; ask the "
                                    "organizer."), 403)
        if att.status in ATTENDED:
            raise AttendanceError(_("You already signed in at %(time)s.") % {
                "time": timezone.localtime(att.signed_in_at).strftime("%H:%M") if att.signed_in_at else "—"}, 409)
        att.status = Attendance.Status.LATE if now > activity.starts_at + signin.LATE_AFTER else \
            Attendance.Status.PRESENT
        att.method = method
        att.signed_in_at = now
        _credit(att, activity, created_by=member.user)
        att.save()
    return att


def mark(activity: Activity, member: Member, status: str, *, by=None, note: str = "") -> Attendance:
    """The secretary's marking: present, late, excused leave (with a reason) or absent."""
    if status not in (Attendance.Status.PRESENT, Attendance.Status.LATE, Attendance.Status.LEAVE,
                      Attendance.Status.ABSENT, Attendance.Status.EXPECTED):
        raise AttendanceError(_("Unknown attendance status."))
    note = (note or "").strip()[:200]
    if status == Attendance.Status.LEAVE and not note:
        raise AttendanceError(_("Excused leave needs a reason."))
    if activity.status == Activity.Status.CANCELLED:
        raise AttendanceError(_("This activity was cancelled."), 409)
    with transaction.atomic():
        att = _locked(activity, member, guest_ok=True)
        was_attended = att.status in ATTENDED
        att.status = status
        att.note = note
        if status in ATTENDED:
            att.method = att.method if was_attended else Attendance.Method.MANUAL
            att.signed_in_at = att.signed_in_at or activity.starts_at
            if not was_attended:
                _credit(att, activity, created_by=by)
        elif was_attended:
            _reverse(att, by=by, reason=_("Attendance corrected to “%(status)s”.") % {
                "status": Attendance.Status(status).label})
        att.save()
    return att


def _credit(att: Attendance, activity: Activity, *, created_by=None) -> None:
    rule = rule_for(activity.kind, timezone.localtime(activity.starts_at).year)
    hours = rule.credited_hours
    if hours <= 0:
        return
    ref = reference(activity.pk)
    # After a reversal the same reference is spent; a later re-credit gets the next number.
    earlier = StudyHourEntry.objects.filter(member=att.member, source=SOURCE, reference__startswith=ref,
                                            reverses__isnull=True).values_list("reference", flat=True)
    used = {r for r in earlier if r == ref or r.startswith(ref + "#")}
    if used:
        ref = f"{ref}#{len(used) + 1}"
    entry, _created = ledger.credit(att.member, source=SOURCE, reference=ref, title=activity.title[:200],
                                    hours=hours, date=timezone.localtime(activity.starts_at).date(),
                                    created_by=created_by)
    att.credit_entry_id = entry.pk if entry is not None else None


def _reverse(att: Attendance, *, by=None, reason: str) -> None:
    if not att.credit_entry_id:
        return
    entry = StudyHourEntry.objects.filter(pk=att.credit_entry_id).first()
    if entry is not None and not StudyHourEntry.objects.filter(reverses=entry).exists():
        ledger.reverse(entry, reason=reason, created_by=by)
    att.credit_entry_id = None


def request_leave(activity: Activity, member: Member, reason: str, now=None) -> LeaveRequest:
    now = now or timezone.now()
    reason = " ".join((reason or "").split())[:300]
    if not reason:
        raise AttendanceError(_("Give a reason for your leave request."))
    if activity.status == Activity.Status.CANCELLED:
        raise AttendanceError(_("This activity was cancelled."), 409)
    if now >= activity.starts_at:
        raise AttendanceError(_("Leave is requested before the activity starts; ask the secretary to mark you."), 409)
    if not Attendance.objects.filter(activity=activity, member=member).exists():
        raise AttendanceError(_("You are not on the list of attendees of this activity."), 403)
    request, created = LeaveRequest.objects.get_or_create(activity=activity, member=member,
                                                          defaults={"reason": reason})
    if not created:
        if request.status != LeaveRequest.Status.PENDING:
            raise AttendanceError(_("Your leave request was already decided."), 409)
        request.reason = reason
        request.save(update_fields=["reason"])
    return request


def decide_leave(request: LeaveRequest, approve: bool, *, by=None) -> LeaveRequest:
    with transaction.atomic():
        request = LeaveRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != LeaveRequest.Status.PENDING:
            raise AttendanceError(_("This leave request was already decided."), 409)
        request.status = LeaveRequest.Status.APPROVED if approve else LeaveRequest.Status.REJECTED
        request.decided_by = by
        request.decided_at = timezone.now()
        request.save()
        if approve:
            att = Attendance.objects.select_for_update().get(activity=request.activity, member=request.member)
            if att.status not in ATTENDED:
                att.status = Attendance.Status.LEAVE
                att.note = request.reason[:200]
                att.save(update_fields=["status", "note", "updated_at"])
    return request


def live_heartbeat(activity: Activity, member: Member, now=None) -> LiveWatch:
    """A beat from the live player. Watching counts in real time only while the session is live: the seconds
    since the previous beat (at most HEARTBEAT_MAX_GAP), so pausing, seeking or a second tab adds nothing."""
    now = now or timezone.now()
    if not activity.is_live:
        raise AttendanceError(_("This activity has no livestream."), 409)
    if activity.status == Activity.Status.CANCELLED:
        raise AttendanceError(_("This activity was cancelled."), 409)
    if not (activity.starts_at <= now <= activity.ends_at):
        raise AttendanceError(_("The livestream is not live now."), 409)
    with transaction.atomic():
        watch, _created = LiveWatch.objects.select_for_update().get_or_create(activity=activity, member=member)
        if watch.last_beat_at is not None:
            gap = (now - watch.last_beat_at).total_seconds()
            if 0 < gap <= HEARTBEAT_MAX_GAP:
                watch.seconds = min(watch.seconds + gap, (activity.ends_at - activity.starts_at).total_seconds())
        if watch.last_beat_at is None or now > watch.last_beat_at:
            watch.last_beat_at = now
        watch.save()
    return watch


def settle_live(activity: Activity, now=None) -> int:
    """After a live session ends: members whose watching covers the threshold are present (method: live).
    Runs once per session (stamp), returns how many were marked."""
    now = now or timezone.now()
    if not activity.is_live or now < activity.ends_at:
        return 0
    claimed = Activity.objects.filter(pk=activity.pk, live_settled_at__isnull=True).update(live_settled_at=now)
    if not claimed:
        return 0
    needed = (activity.ends_at - activity.starts_at).total_seconds() * activity.live_threshold / 100
    marked = 0
    for watch in LiveWatch.objects.filter(activity=activity, seconds__gte=needed).select_related("member"):
        with transaction.atomic():
            att = _locked(activity, watch.member, guest_ok=activity.guests_allowed)
            if att is None or att.status in ATTENDED:
                continue
            att.status = Attendance.Status.PRESENT
            att.method = Attendance.Method.LIVE
            att.signed_in_at = watch.last_beat_at
            _credit(att, activity)
            att.save()
            marked += 1
    return marked
