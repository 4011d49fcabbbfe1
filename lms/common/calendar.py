"""The work calendar's sources: each app registers what it puts in a person's calendar (activities, training
due dates, exam windows…); the calendar pages and the iCalendar feed ask every source for a time range.
A lower app offers the calendar without knowing who fills it."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    uid: str  # stable across requests: calendar apps update the event instead of duplicating it
    title: str
    start: datetime.datetime | datetime.date  # a date: an all-day event
    end: datetime.datetime | datetime.date  # exclusive for all-day events (iCalendar's convention)
    kind: str  # e.g. "activity", "plan_slot", "training_due", "exam"
    url: str = ""
    location: str = ""
    description: str = ""

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime.datetime)

    def sort_key(self):
        start = self.start
        if not isinstance(start, datetime.datetime):
            start = datetime.datetime.combine(start, datetime.time.min, tzinfo=datetime.UTC)
        return start.astimezone(datetime.UTC), self.title


Source = Callable[[object, datetime.datetime, datetime.datetime], Iterable[Event]]

_sources: dict[str, tuple[int, Source]] = {}


def register(key: str, source: Source, *, order: int = 100) -> None:
    """``source(user, start, end)`` yields the user's events overlapping [start, end) (aware datetimes)."""
    _sources[key] = (order, source)


def events_for(user, start: datetime.datetime, end: datetime.datetime) -> list[Event]:
    events: list[Event] = []
    for _order, source in sorted(_sources.values(), key=lambda item: item[0]):
        events.extend(source(user, start, end))
    return sorted(events, key=Event.sort_key)
