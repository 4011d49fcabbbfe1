"""Branch organizational life: activity kinds (as data), the year's plan slots, activities, attendance, leave,
live watching and minutes. Other apps read these through ``lms.activities.services`` and ``selectors``."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.org.models import Member, OrgUnit


class Period(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")
    NONE = "none", _("No requirement")


class PlanUnit(models.TextChoices):
    BRANCH = "branch", _("Branch")
    GROUP = "group", _("Party group")


class ActivityKind(models.Model):
    """A kind of organizational life (支部党员大会, 党课 …) and its defaults; the committee edits the year's
    figures in ``KindYearRule`` without touching other years."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    hours = models.DecimalField(_("hours credited per attendance"), max_digits=5, decimal_places=2,
                                default=Decimal("0"))
    counts_toward_hours = models.BooleanField(_("counts toward study hours"), default=True)
    plan_unit = models.CharField(_("planned for each"), max_length=10, choices=PlanUnit.choices,
                                 default=PlanUnit.BRANCH)
    period = models.CharField(_("required frequency"), max_length=12, choices=Period.choices, default=Period.NONE)
    min_count = models.PositiveSmallIntegerField(_("minimum per period"), default=1)
    committee_only = models.BooleanField(_("branch committee only"), default=False,
                                         help_text=_("Expected attendees are the branch committee, not all members."))
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("activity kind")
        verbose_name_plural = _("activity kinds")

    def __str__(self):
        return self.name


class KindYearRule(models.Model):
    """The committee's figures for one kind in one year (hours, frequency, minimum)."""

    kind = models.ForeignKey(ActivityKind, on_delete=models.CASCADE, related_name="year_rules",
                             verbose_name=_("kind"))
    year = models.PositiveSmallIntegerField(_("year"))
    hours = models.DecimalField(_("hours credited per attendance"), max_digits=5, decimal_places=2)
    counts_toward_hours = models.BooleanField(_("counts toward study hours"), default=True)
    period = models.CharField(_("required frequency"), max_length=12, choices=Period.choices)
    min_count = models.PositiveSmallIntegerField(_("minimum per period"), default=1)

    class Meta:
        ordering = ["year", "kind__order"]
        verbose_name = _("activity kind rule for a year")
        verbose_name_plural = _("activity kind rules for a year")
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="activities_one_rule_per_kind_year")]

    def __str__(self):
        return f"{self.kind} {self.year}"


class PlanSlot(models.Model):
    """One required occurrence of a kind for a unit in a year, with the window it must be held in."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="plan_slots", verbose_name=_("unit"))
    kind = models.ForeignKey(ActivityKind, on_delete=models.PROTECT, related_name="slots", verbose_name=_("kind"))
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveSmallIntegerField(_("number in the year"))
    window_start = models.DateField(_("window opens"))
    window_end = models.DateField(_("window closes"))
    activity = models.OneToOneField("Activity", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="plan_slot", verbose_name=_("activity"))
    # Exactly-once notices: a reminder or escalation is sent by whoever sets its stamp (conditional UPDATE).
    reminded_7d_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_1d_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["unit", "year", "window_start", "kind__order", "seq"]
        verbose_name = _("plan slot")
        verbose_name_plural = _("plan slots")
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "year", "seq"], name="activities_unique_slot"),
            models.CheckConstraint(condition=models.Q(window_end__gte=models.F("window_start")),
                                   name="activities_slot_window_order"),
        ]
        indexes = [models.Index(fields=["year", "window_end"], name="activities_slot_due")]

    def __str__(self):
        return f"{self.unit_id} {self.kind_id} {self.year}#{self.seq}"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Activity(models.Model):
    """A meeting, lecture, theme day or live session, scheduled by a branch or the committee."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    class Audience(models.TextChoices):
        UNIT = "unit", _("The organizing unit (branch or group)")
        SUBTREE = "subtree", _("An org subtree, optionally by role")
        LIST = "list", _("A list of members")

    kind = models.ForeignKey(ActivityKind, on_delete=models.PROTECT, related_name="activities",
                             verbose_name=_("kind"))
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="activities",
                             verbose_name=_("organizing unit"))
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True, max_length=500)
    stream_url = models.URLField(_("livestream (HLS) address"), blank=True, max_length=500)
    live_threshold = models.PositiveSmallIntegerField(
        _("live attendance threshold (%)"), default=80,
        help_text=_("Watching at least this share of the live time counts as attendance."))
    replay_talk_id = models.PositiveIntegerField(_("replay talk"), null=True, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    lecturer = models.CharField(_("lecturer"), max_length=100, blank=True)
    audience = models.CharField(_("expected attendees"), max_length=10, choices=Audience.choices,
                                default=Audience.UNIT)
    audience_roles = models.CharField(_("only these roles"), max_length=200, blank=True,
                                      help_text=_("Role codes separated by commas; empty: every member."))
    guests_allowed = models.BooleanField(_("members not expected may sign in"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    signin_secret = models.CharField(max_length=64, default=new_secret, editable=False)
    signin_rotate_seconds = models.PositiveSmallIntegerField(_("QR code changes every (seconds)"), default=15)
    held_at = models.DateTimeField(_("recorded as held at"), null=True, blank=True)
    # Exactly-once reminders: whoever sets the stamp (conditional UPDATE) sends that reminder.
    reminded_1d_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_1h_at = models.DateTimeField(null=True, blank=True, editable=False)
    organizer_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    live_settled_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="activities_ends_after_start")]
        indexes = [models.Index(fields=["unit", "starts_at"], name="activities_unit_start"),
                   models.Index(fields=["starts_at"], name="activities_start")]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return f"/activities/{self.pk}/"

    @property
    def is_live(self) -> bool:
        return bool(self.stream_url)


class Attendance(models.Model):
    """One expected (or guest) attendee of an activity and what became of them."""

    class Status(models.TextChoices):
        EXPECTED = "expected", _("Expected")
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        LEAVE = "leave", _("Excused leave")
        ABSENT = "absent", _("Absent")

    class Method(models.TextChoices):
        QR = "qr", _("QR code")
        CODE = "code", _("Numeric code")
        MANUAL = "manual", _("Marked by the secretary")
        LIVE = "live", _("Watched live")
        IMPORT = "import", _("Imported")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendances",
                                 verbose_name=_("activity"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attendances",
                               verbose_name=_("member"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.EXPECTED)
    method = models.CharField(_("how"), max_length=10, choices=Method.choices, blank=True)
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)
    is_guest = models.BooleanField(_("guest"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    credit_entry_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["activity", "member__employee_no"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="activities_one_attendance")]
        indexes = [models.Index(fields=["member", "status"], name="activities_attendance_member")]

    def __str__(self):
        return f"{self.activity_id}/{self.member_id}: {self.status}"

    @property
    def attended(self) -> bool:
        return self.status in ATTENDED


class LeaveRequest(models.Model):
    """A member asks to be excused (请假) before the activity; the secretary decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="leave_requests",
                                 verbose_name=_("activity"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="leave_requests",
                               verbose_name=_("member"))
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="activities_one_leave_request")]


class LiveWatch(models.Model):
    """Seconds of a live session a member watched, counted from heartbeats in real time."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="live_watches")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="live_watches")
    seconds = models.FloatField(default=0)
    last_beat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="activities_one_live_watch")]


class Minutes(models.Model):
    """会议记录: written by the secretary, then submitted; afterwards only amendments (with a reason) are added."""

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="minutes",
                                    verbose_name=_("activity"))
    content = models.TextField(_("minutes"))
    resolutions = models.TextField(_("resolutions"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")


class MinutesAmendment(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="amendments")
    text = models.TextField(_("amendment"))
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class MinutesAttachment(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="activities/minutes/%Y/%m/", max_length=300)
    name = models.CharField(_("name"), max_length=200)
    is_photo = models.BooleanField(_("photo"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)


class CalendarFeed(models.Model):
    """The secret address of a user's iCalendar feed; a new one revokes the old."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_secret)
    created_at = models.DateTimeField(auto_now_add=True)


# The statuses that count as having attended (and earn the activity's hours): one definition for every reader.
ATTENDED = (Attendance.Status.PRESENT, Attendance.Status.LATE)
