"""What a search returns: hits (a course, lesson or talk), their moments, and the result page."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lms.common.units import timecode

from .matching import TIER_NAMES

TYPE_ORDER = {"course": 0, "lesson": 1, "talk": 2}
# A context of their own: other apps' catalogs translate "Talk" differently (a video, a lecture).
TYPE_LABELS = {"course": pgettext_lazy("search result kind", "Course"),
               "lesson": pgettext_lazy("search result kind", "Lesson"),
               "talk": pgettext_lazy("search result kind", "Talk")}
MATCH_LABELS = {"exact": _("Exact text"), "pinyin": _("Same pronunciation"), "fuzzy": _("Similar pronunciation")}


@dataclass
class Moment:
    start: float
    end: float
    text: str
    highlight: str
    tier: int
    score: float

    @property
    def timestamp(self) -> str:
        """12:34 (1:02:05 past the hour): the moment's position, written as everywhere (lms.common.units)."""
        return timecode(self.start)

    @property
    def seconds(self) -> int:
        return max(0, math.floor(self.start))

    def as_dict(self, url: str = "") -> dict:
        seconds = max(0, math.floor(self.start))
        return {
            "start": round(self.start, 2), "end": round(self.end, 2), "text": self.text, "timestamp": self.timestamp,
            "highlight": self.highlight, "match": TIER_NAMES[self.tier],
            "url": f"{url}?t={seconds}" if url else f"?t={seconds}",
        }


@dataclass(slots=True)
class Hit:
    type: str
    id: int
    title: str
    url: str
    tier: int
    score: float
    title_match: bool = False
    categories: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    speaker: str = ""
    year: int | None = None
    catalog_tier: str = ""
    summary: str = ""
    title_highlight: str = ""
    moments: list[Moment] = field(default_factory=list)
    page: object | None = None  # the Wagtail page of a course or lesson hit
    candidate_keys: list[int] = field(default_factory=list)  # verified segments of a talk found by partial pinyin

    @property
    def match(self) -> str:
        return TIER_NAMES[self.tier]

    def as_dict(self) -> dict:
        data = {
            "type": self.type, "id": self.id, "title": self.title, "title_highlight": self.title_highlight,
            "url": self.url, "match": self.match, "score": round(self.score, 4),
            "categories": [{"slug": s, "name": n} for s, n in self.categories],
            "speaker": self.speaker, "year": self.year, "tier": self.catalog_tier or None,
            "summary": self.summary,
        }
        if self.type == "talk":
            data["moments"] = [m.as_dict(self.url) for m in self.moments]
        return data


@dataclass
class SearchResult:
    query: str
    terms: list[str]
    hits: list[Hit]
    count: int
    page: int
    page_size: int
    facets: dict
    filters: dict
    empty_reason: str = ""  # "no_query" | "no_results" | ""

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.page_size))

    def as_dict(self) -> dict:
        return {
            "query": self.query, "terms": self.terms, "count": self.count, "page": self.page,
            "page_size": self.page_size, "num_pages": self.num_pages,
            "results": [h.as_dict() for h in self.hits], "facets": self.facets, "filters": self.filters,
            "empty_reason": self.empty_reason or None,
            "message": str(empty_message(self.empty_reason)) if self.empty_reason else None,
        }


def empty_message(reason: str):
    if reason == "no_query":
        return _("Type a few words: a course or talk title, or something said in a talk (e.g. 三会一课).")
    if reason == "no_results":
        return _("Nothing found. Try fewer or other words, check the spelling, or remove filters.")
    return ""
