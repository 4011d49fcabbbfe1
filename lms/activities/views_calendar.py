"""The work calendar: the month, week and list pages, the secret iCalendar feed that a phone's calendar app
subscribes to, and /api/v1/calendar/. Every event comes from the sources registered in lms.common.calendar
(this app's activities and plan deadlines, training due dates, exam windows…), so all three agree."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from icalendar import Calendar as ICalendar
from icalendar import Event as IEvent
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from lms.common import calendar
from lms.org.scope import member_of, require_member

from .models import CalendarFeed, new_secret

VIEWS = ("month", "week", "list")
# The feed covers what a calendar app usefully keeps: the recent past (minutes, make-ups) and the year ahead.
FEED_PAST = datetime.timedelta(days=60)
FEED_AHEAD = datetime.timedelta(days=400)
API_MAX_DAYS = 400
# Far beyond any real schedule, and safely inside what datetime and the database can convert across time zones.
FIRST_DAY, LAST_DAY = datetime.date(1970, 1, 1), datetime.date(2999, 12, 31)
ONE_DAY = datetime.timedelta(days=1)

KIND_LABELS = {
    "activity": gettext_lazy("Organizational life"),
    "plan_slot": gettext_lazy("Plan deadline"),
    "training_due": gettext_lazy("Training due date"),
    "exam": gettext_lazy("Exam"),
    "quiz": gettext_lazy("Quiz"),
}


def _parse_day(value: str | None) -> datetime.date | None:
    try:
        day = parse_date(value or "")
    except ValueError:  # well-formed but impossible, e.g. 2026-02-30
        return None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        return None
    return day


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _month(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    return first, (first + datetime.timedelta(days=32)).replace(day=1)


def _local_days(event: calendar.Event) -> tuple[datetime.date, datetime.date]:
    """First and last local day (both included) the event occupies."""
    if event.all_day:
        return event.start, max(event.start, event.end - ONE_DAY)
    start, end = timezone.localtime(event.start), timezone.localtime(event.end)
    last = end.date()
    if end > start and end.time() == datetime.time.min:
        last -= ONE_DAY  # ending at midnight does not reach into the next day
    return start.date(), max(start.date(), last)


def _time_label(event: calendar.Event, day: datetime.date, first: datetime.date, last: datetime.date) -> str:
    if event.all_day:
        return _("All day")
    start, end = timezone.localtime(event.start), timezone.localtime(event.end)
    if first == last:
        if end <= start:
            return f"{start:%H:%M}"
        return f"{start:%H:%M}–{end:%H:%M}"
    if day == first:
        return f"{start:%H:%M} –"
    if day == last:
        return f"– {end:%H:%M}"
    return _("All day")


def _safe_href(url: str) -> str:
    """Only site paths and web addresses become links, whatever a source puts in an event."""
    return url if url.startswith(("/", "http://", "https://")) and not url.startswith("//") else ""


def _entries_by_day(events, first: datetime.date, stop: datetime.date) -> dict[datetime.date, list[dict]]:
    days: dict[datetime.date, list[dict]] = {first + datetime.timedelta(days=n): [] for n in range((stop - first).days)}
    for event in events:
        ev_first, ev_last = _local_days(event)
        day = max(ev_first, first)
        while day <= ev_last and day < stop:
            days[day].append({
                "event": event, "time": _time_label(event, day, ev_first, ev_last),
                "kind_class": slugify(event.kind) or "other", "kind_label": KIND_LABELS.get(event.kind, event.kind),
                "href": _safe_href(event.url), "location_href": _safe_href(event.location),
            })
            day += ONE_DAY
    return days


def _range(view: str, anchor: datetime.date):
    """(first, stop, previous anchor, next anchor) of what the view shows; stop is excluded."""
    if view == "week":
        first = anchor - datetime.timedelta(days=anchor.weekday())
        return first, first + datetime.timedelta(days=7), first - datetime.timedelta(days=7), \
            first + datetime.timedelta(days=7)
    first, stop = _month(anchor)
    previous = (first - ONE_DAY).replace(day=1)
    if view == "month":  # whole weeks, Monday first, as the grid shows them
        return first - datetime.timedelta(days=first.weekday()), \
            stop + datetime.timedelta(days=(7 - stop.weekday()) % 7), previous, stop
    return first, stop, previous, stop


@login_required
def calendar_page(request):
    require_member(request.user, _("The calendar is for members only."))
    view = request.GET.get("view", "month")
    if view not in VIEWS:
        view = "month"
    today = timezone.localdate()
    anchor = _parse_day(request.GET.get("date")) or today
    first, stop, previous, following = _range(view, anchor)
    events = calendar.events_for(request.user, _midnight(first), _midnight(stop))
    by_day = _entries_by_day(events, first, stop)
    month_first, month_stop = _month(anchor)
    days = [{"date": day, "entries": entries, "today": day == today,
             "in_range": view == "week" or month_first <= day < month_stop}
            for day, entries in by_day.items()]
    order = list(KIND_LABELS)
    kinds = sorted({e.kind for e in events}, key=lambda k: (order.index(k) if k in order else len(order), k))
    context = {
        "view": view, "views": [("month", _("Month")), ("week", _("Week")), ("list", _("List"))],
        "anchor": anchor, "first": first, "last": stop - ONE_DAY, "today": today,
        "previous": _in_bounds(previous), "next": _in_bounds(following),
        "weeks": [days[i:i + 7] for i in range(0, len(days), 7)] if view != "list" else [],
        "listed": [d for d in days if d["entries"]] if view == "list" else [],
        "event_count": len(events),
        "legend": [(slugify(k) or "other", KIND_LABELS.get(k, k)) for k in kinds],
    }
    return render(request, "activities/calendar.html", context)


def _in_bounds(day: datetime.date) -> datetime.date | None:
    return day if FIRST_DAY <= day <= LAST_DAY else None


@login_required
@never_cache  # the page shows a secret address
@require_http_methods(["GET", "POST"])
def feed_settings(request):
    require_member(request.user, _("The calendar is for members only."))
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            CalendarFeed.objects.filter(user=request.user).delete()
            messages.success(request, _("The calendar feed address was revoked; calendar apps using it stop "
                                        "receiving updates."))
        else:
            # A new token replaces the old one in the same row, so the old address stops working at once.
            CalendarFeed.objects.update_or_create(user=request.user,
                                                  defaults={"token": new_secret(), "created_at": timezone.now()})
            messages.success(request, _("A new calendar feed address was created. The previous address no "
                                        "longer works."))
        return redirect("activities:calendar-feed")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = request.build_absolute_uri(reverse("activities:calendar-ics", args=[feed.token])) if feed else ""
    webcal = "webcal://" + url.split("://", 1)[1] if url else ""
    return render(request, "activities/calendar_feed.html", {"feed": feed, "feed_url": url, "webcal_url": webcal})


def _host(request) -> str:
    domain, _port = split_domain_port(request.get_host())
    return domain or request.get_host()


def _ical(request, user, events) -> bytes:
    member = member_of(user)
    name = _("Work calendar")
    if member is not None:
        name = f"{name} · {member.name}"
    cal = ICalendar()
    cal.add("prodid", "-//Member Education Platform//Work calendar//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", timezone.get_current_timezone_name())
    # How often calendar apps should fetch again; each fetch reflects rescheduled or cancelled activities.
    cal.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    host = _host(request)
    stamp = timezone.now()
    for event in events:
        start, end = event.start, event.end
        if not event.all_day:
            start, end = timezone.localtime(start), timezone.localtime(end)
        vevent = IEvent.new(uid=f"{event.uid}@{host}", summary=str(event.title), start=start, end=end, stamp=stamp,
                            location=str(event.location) or None, description=str(event.description) or None,
                            url=request.build_absolute_uri(event.url) if _safe_href(event.url) else None,
                            categories=[str(KIND_LABELS.get(event.kind, event.kind))])
        cal.add_component(vevent)
    cal.add_missing_timezones()
    return cal.to_ical()


@require_safe
def ical_feed(request, token):
    """No login: calendar apps cannot sign in, so the secret address is the key (revoked by making a new one)."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    member = member_of(feed.user)
    if member is None or not member.is_active:
        raise Http404  # the calendar is for members; one who has left stops receiving it
    today = timezone.localdate()
    events = calendar.events_for(feed.user, _midnight(today - FEED_PAST), _midnight(today + FEED_AHEAD))
    response = HttpResponse(_ical(request, feed.user, events), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response["Cache-Control"] = "private, no-store"  # personal, behind a secret address
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@extend_schema_field({"type": "string", "description": "A date (YYYY-MM-DD) for all-day events, else an ISO 8601 "
                                                        "date-time with the offset of the site's time zone."})
class DateOrDateTimeField(serializers.Field):
    def to_representation(self, value):
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).isoformat()
        return value.isoformat()


class CalendarEventSerializer(serializers.Serializer):
    uid = serializers.CharField(help_text="Stable across calls: the same event keeps its uid.")
    title = serializers.CharField()
    start = DateOrDateTimeField()
    end = DateOrDateTimeField(help_text="Excluded for all-day events (the day after the last day).")
    all_day = serializers.BooleanField()
    kind = serializers.CharField(help_text="activity, plan_slot, training_due, exam, quiz …")
    url = serializers.SerializerMethodField()
    location = serializers.CharField()

    def get_url(self, event) -> str:
        request = self.context.get("request")
        if request is None or not _safe_href(event.url):
            return event.url
        return request.build_absolute_uri(event.url)


def _api_day(request, name: str) -> datetime.date | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    day = _parse_day(raw)
    if day is None:
        raise ValidationError({name: [_("Give a date as YYYY-MM-DD between %(first)s and %(last)s.") % {
            "first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}]})
    return day


@extend_schema(
    parameters=[
        OpenApiParameter("start", OpenApiTypes.DATE, description="First day (default: the first of this month)."),
        OpenApiParameter("end", OpenApiTypes.DATE,
                         description=f"Day after the last day (default: the first of the next month); at most "
                                     f"{API_MAX_DAYS} days after start."),
    ],
    responses=CalendarEventSerializer(many=True),
)
@api_view(["GET"])
def calendar_api(request):
    """The caller's calendar events in [start, end), sorted by start: the same events as the calendar page."""
    require_member(request.user, _("The calendar is for members only."), api=True)
    start, end = _api_day(request, "start"), _api_day(request, "end")
    if start is None:
        start = _month(end - ONE_DAY)[0] if end is not None and end > FIRST_DAY else _month(timezone.localdate())[0]
    if end is None:
        end = _month(start)[1]
    if end <= start:
        raise ValidationError({"end": [_("The end must be after the start.")]})
    if (end - start).days > API_MAX_DAYS:
        raise ValidationError({"end": [_("Ask for at most %(days)d days at a time.") % {"days": API_MAX_DAYS}]})
    events = calendar.events_for(request.user, _midnight(start), _midnight(end))
    return Response(CalendarEventSerializer(events, many=True, context={"request": request}).data)
