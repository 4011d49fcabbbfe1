"""Pages of organizational life: my activities, an activity (sign-in, leave, live player; for the organizer
attendance, minutes, replay), scheduling, the rotating sign-in screen and the branch plan."""

from __future__ import annotations

import datetime
import io

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lms.org.models import Member, OrgUnit
from lms.org.scope import member_of, require_member

from . import access, services, signin
from .api import signin_message
from .models import Activity, ActivityKind, Attendance, LeaveRequest, Minutes, MinutesAttachment, PlanSlot
from .plans import slot_state


def _activity_for(request, pk) -> Activity:
    activity = get_object_or_404(Activity.objects.select_related("kind", "unit"), pk=pk)
    if not access.can_view(request.user, activity):
        raise Http404(_("No such activity."))
    return activity


def _managed_activity(request, pk) -> Activity:
    activity = _activity_for(request, pk)
    if not access.can_manage(request.user, activity):
        raise PermissionDenied(_("Only the organizing branch's secretary or HR may do this."))
    return activity


@login_required
def activity_list(request):
    member = require_member(request.user, _("Organizational life is for members."))
    now = timezone.now()
    mine = services.my_activities(member)
    statuses = dict(Attendance.objects.filter(member=member).values_list("activity_id", "status"))
    upcoming = [a for a in mine if a.ends_at >= now]
    past = [a for a in mine if a.ends_at < now][::-1][:50]
    for a in upcoming + past:
        a.my_status = statuses.get(a.pk)
        a.my_status_label = Attendance.Status(a.my_status).label if a.my_status else ""
    return render(request, "activities/list.html", {"upcoming": upcoming, "past": past, "member": member,
                                                    "manages": access.manageable_units(request.user).exists()})


@login_required
def activity_detail(request, pk):
    activity = _activity_for(request, pk)
    member = member_of(request.user)
    manages = access.can_manage(request.user, activity)
    mine = Attendance.objects.filter(activity=activity, member=member).first() if member else None
    context = {
        "activity": activity, "member": member, "mine": mine, "manages": manages, "now": timezone.now(),
        "leave": LeaveRequest.objects.filter(activity=activity, member=member).first() if member else None,
        "minutes": Minutes.objects.filter(activity=activity).prefetch_related("amendments", "attachments").first(),
        "slot": PlanSlot.objects.filter(activity=activity).first(),
        "window": signin.window(activity),
    }
    if manages:
        rows = list(activity.attendances.select_related("member").order_by("member__employee_no"))
        context.update(
            attendance=rows, statuses=[c for c in Attendance.Status.choices if c[0] != "expected"],
            attended=sum(1 for r in rows if r.attended), expected=sum(1 for r in rows if not r.is_guest),
            leave_requests=activity.leave_requests.filter(status=LeaveRequest.Status.PENDING).select_related(
                "member"))
    return render(request, "activities/detail.html", context)


class ScheduleForm(forms.Form):
    kind = forms.ModelChoiceField(ActivityKind.objects.filter(active=True), label=gettext_lazy("Kind"))
    unit = forms.ModelChoiceField(OrgUnit.objects.none(), label=gettext_lazy("Organizing unit"))
    title = forms.CharField(max_length=200, label=gettext_lazy("Title"))
    starts_at = forms.DateTimeField(label=gettext_lazy("Starts at"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=gettext_lazy("Ends at"),
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place = forms.CharField(max_length=200, required=False, label=gettext_lazy("Place"))
    online_url = forms.URLField(max_length=500, required=False, label=gettext_lazy("Online meeting link"))
    stream_url = forms.URLField(max_length=500, required=False, label=gettext_lazy("Livestream (HLS) address"))
    lecturer = forms.CharField(max_length=100, required=False, label=gettext_lazy("Lecturer"))
    agenda = forms.CharField(max_length=services.MAX_AGENDA, required=False, widget=forms.Textarea(attrs={"rows": 4}),
                             label=gettext_lazy("Agenda"))
    audience_roles = forms.CharField(max_length=200, required=False, label=gettext_lazy("Only these roles"),
                                     help_text=gettext_lazy("Role codes separated by commas; empty: every member."))
    guests_allowed = forms.BooleanField(required=False, label=gettext_lazy("Members not expected may sign in"))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The activity must end after it starts."))
        return data


@login_required
def schedule_page(request):
    units = access.manageable_units(request.user).order_by("path")
    if not units.exists():
        raise PermissionDenied(_("Only branch secretaries and HR schedule activities."))
    slot = None
    slot_id = request.GET.get("slot") or request.POST.get("slot")
    if slot_id and str(slot_id).isdigit():
        slot = access.visible_slots(request.user).filter(pk=int(slot_id), activity__isnull=True).first()
    initial = {}
    if slot is not None:
        start = timezone.make_aware(datetime.datetime.combine(max(slot.window_start, timezone.localdate()),
                                                              datetime.time(14)))
        initial = {"kind": slot.kind, "unit": slot.unit, "title": slot.kind.name, "starts_at": start,
                   "ends_at": start + datetime.timedelta(hours=2)}
    form = ScheduleForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        if slot is not None and (slot.unit_id != v["unit"].pk or slot.kind_id != v["kind"].pk):
            slot = None
        try:
            activity = services.schedule(
                user=request.user, kind=v["kind"], unit=v["unit"], title=v["title"], starts_at=v["starts_at"],
                ends_at=v["ends_at"], place=v["place"], online_url=v["online_url"], stream_url=v["stream_url"],
                agenda=v["agenda"], lecturer=v["lecturer"], audience_roles=v["audience_roles"],
                guests_allowed=v["guests_allowed"], slot=slot)
        except services.ScheduleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Scheduled; the attendees will be reminded."))
            return redirect("activities:detail", activity.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "activities/schedule.html", {"form": form, "slot": slot}, status=status)


def _qr_svg(text: str) -> str:
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=8, border=2, xmldecl=False, svgns=True)
    return out.getvalue().decode()


def _signin_state(request, activity: Activity) -> dict:
    now = timezone.now()
    token = signin.token_for(activity, now)
    url = request.build_absolute_uri(reverse("activities:sign-in", args=[activity.pk]) + f"?t={token}")
    opens, closes = signin.window(activity)
    attended = activity.attendances.filter(status__in=(Attendance.Status.PRESENT, Attendance.Status.LATE)).count()
    return {"url": url, "svg": _qr_svg(url), "code": signin.code_for(activity, now),
            "seconds_left": signin.seconds_left(activity, now), "open": opens <= now <= closes,
            "attended": attended, "expected": activity.attendances.filter(is_guest=False).count()}


@never_cache
@login_required
def signin_screen(request, pk):
    """The organizer's screen: a QR code that changes every few seconds and the numeric code."""
    activity = _managed_activity(request, pk)
    return render(request, "activities/signin_screen.html", {"activity": activity,
                                                             "state": _signin_state(request, activity)})


@never_cache
@login_required
def signin_current(request, pk):
    activity = _managed_activity(request, pk)
    return JsonResponse(_signin_state(request, activity))


@never_cache
@login_required
def signin_page(request, pk):
    """What the scanned QR code opens. GET checks the token and shows a confirm button carrying a short pass
    bound to this member (the QR code may rotate while they tap); POST signs in with the pass or a numeric code."""
    member = require_member(request.user, _("Only members sign in."))
    activity = get_object_or_404(Activity.objects.select_related("kind"), pk=pk)
    context = {"activity": activity}
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("pass"):
                signin.check_pass(activity, member.pk, request.POST["pass"])
                method = Attendance.Method.QR
            else:
                signin.check_code(activity, request.POST.get("code", ""))
                method = Attendance.Method.CODE
            att = services.sign_in(activity, member, method=method)
        except signin.TokenError as exc:
            context["error"], status = signin_message(exc.reason), 400
        except services.AttendanceError as exc:
            context["error"], status = exc.message, exc.status
        else:
            messages.success(request, _("Signed in at %(time)s.") % {
                "time": timezone.localtime(att.signed_in_at).strftime("%H:%M")})
            return redirect("activities:detail", activity.pk)
    elif request.GET.get("t"):
        try:
            signin.check_token(activity, request.GET["t"])
            context["pass"] = signin.issue_pass(activity, member.pk)
        except signin.TokenError as exc:
            context["error"], status = signin_message(exc.reason), 400
    return render(request, "activities/signin.html", context, status=status)


@require_POST
@login_required
def mark_attendance(request, pk):
    activity = _managed_activity(request, pk)
    member = activity.attendances.filter(member_id=request.POST.get("member") or 0).first()
    if member is None:
        messages.error(request, _("Choose a member on the list."))
        return redirect("activities:detail", activity.pk)
    try:
        services.mark(activity, member.member, request.POST.get("status", ""), by=request.user,
                      note=request.POST.get("note", ""))
    except services.AttendanceError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("activities:detail", args=[activity.pk]) + "#attendance")


@require_POST
@login_required
def request_leave(request, pk):
    activity = _activity_for(request, pk)
    member = require_member(request.user, _("Only members request leave."))
    try:
        services.request_leave(activity, member, request.POST.get("reason", ""))
    except services.AttendanceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Leave requested; the secretary decides."))
    return redirect("activities:detail", activity.pk)


@require_POST
@login_required
def decide_leave(request, pk):
    leave = get_object_or_404(LeaveRequest.objects.select_related("activity__unit"), pk=pk)
    if not access.can_manage(request.user, leave.activity):
        raise PermissionDenied
    try:
        services.decide_leave(leave, request.POST.get("approve") == "1", by=request.user)
    except services.AttendanceError as exc:
        messages.error(request, exc.message)
    return redirect("activities:detail", leave.activity_id)


@require_POST
@login_required
def minutes(request, pk):
    activity = _managed_activity(request, pk)
    try:
        if request.POST.get("amend"):
            services.amend_minutes(activity, text=request.POST.get("text", ""),
                                   reason=request.POST.get("reason", ""), by=request.user)
            messages.success(request, _("Amendment added."))
        else:
            submit = request.POST.get("submit") == "1"
            services.save_minutes(activity, content=request.POST.get("content", ""),
                                  resolutions=request.POST.get("resolutions", ""), by=request.user, submit=submit)
            messages.success(request, _("Minutes submitted; the activity is recorded as held.") if submit else
                             _("Draft minutes saved."))
    except services.ScheduleError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("activities:detail", args=[activity.pk]) + "#minutes")


@require_POST
@login_required
def add_attachment(request, pk):
    activity = _managed_activity(request, pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise services.ScheduleError(_("Choose a file to attach."))
        services.add_attachment(activity, upload, by=request.user)
        messages.success(request, _("Attached."))
    except services.ScheduleError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("activities:detail", args=[activity.pk]) + "#minutes")


@login_required
def attachment(request, pk):
    """Attachments are served after the activity's access rule, never as public media files."""
    item = get_object_or_404(MinutesAttachment.objects.select_related("minutes__activity"), pk=pk)
    activity = item.minutes.activity
    if not (access.can_manage(request.user, activity)
            or (item.minutes.submitted_at and access.can_view(request.user, activity))):
        raise Http404
    response = FileResponse(item.file.open("rb"), as_attachment=not item.is_photo, filename=item.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


@require_POST
@login_required
def activity_action(request, pk, action):
    activity = _managed_activity(request, pk)
    try:
        if action == "held":
            services.mark_held(activity)
        elif action == "cancel":
            if activity.status == Activity.Status.HELD:
                raise services.ScheduleError(_("A held activity cannot be cancelled; correct its attendance."))
            services.cancel(activity, by=request.user)
        elif action == "replay" and request.POST.get("talk"):
            services.link_replay(activity, request.POST["talk"])
            messages.success(request, _("The replay is linked."))
        elif action == "replay":
            url = forms.URLField(max_length=1000).clean(request.POST.get("url", ""))
            services.attach_replay(activity, url=url, by=request.user)
            messages.success(request, _("The replay is being transcribed; it will be searchable when ready."))
        else:
            raise Http404
    except (services.ScheduleError, forms.ValidationError) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, forms.ValidationError) else str(exc))
    return redirect("activities:detail", activity.pk)


@login_required
def plan_page(request):
    units = access.manageable_units(request.user).filter(kind__in=("branch", "general_branch", "group")).order_by(
        "path")
    if not access.manageable_units(request.user).exists():
        raise PermissionDenied(_("The plan is for branch secretaries and HR."))
    unit_id = request.GET.get("unit", "")
    unit = units.filter(pk=int(unit_id)).first() if unit_id.isdigit() else None
    if unit is None:
        member = member_of(request.user)
        own = member.org_unit.branch() if member else None
        unit = units.filter(pk=own.pk).first() if own else None
        unit = unit or units.first()
    today = timezone.localdate()
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else today.year
    slots = []
    if unit is not None:
        slots = list(PlanSlot.objects.filter(unit=unit, year=year).select_related("kind", "activity")
                     .order_by("kind__order", "window_start", "seq"))
        for s in slots:
            s.state = slot_state(s, today)
    by_kind: dict = {}
    for s in slots:
        by_kind.setdefault(s.kind, []).append(s)
    summary = [{"kind": k, "slots": v, "held": sum(1 for s in v if s.state == "held"), "required": len(v),
                "overdue": sum(1 for s in v if s.state == "overdue")} for k, v in by_kind.items()]
    recent = Activity.objects.filter(unit=unit).order_by("-starts_at")[:20] if unit else []
    return render(request, "activities/plan.html", {
        "unit": unit, "units": units[:500], "year": year, "summary": summary, "recent": recent,
        "members": Member.objects.filter(org_unit__path__startswith=unit.path).count() if unit else 0})
