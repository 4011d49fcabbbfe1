"""The search function behind the page and the API: query → permitted, ranked, highlighted, faceted hits.

Talks come from the transcript-segment index (search.talks), courses and lessons from Wagtail's
search backend (search.page_hits). Ranking is by match tier first (exact text > same pinyin > fuzzy
pinyin), then title matches, then type (course, lesson, talk), then relevance and recency. Facet
counts cover what the user may see only (search.facets).
"""

from __future__ import annotations

import heapq
import math

from lms.common import textanalysis as analysis
from lms.common.textanalysis import analyze_query

from . import facets
from .backends import get_backend
from .facets import FACETS, clean_filters
from .page_hits import search_page_hits
from .plan import QueryPlan
from .results import MATCH_LABELS, TYPE_ORDER, Hit, SearchResult, empty_message
from .suggest import suggest
from .talks import attach_moments, talk_rows

PAGE_SIZE = 10
MAX_PAGE_SIZE = 50

__all__ = [
    "FACETS", "MATCH_LABELS", "MAX_PAGE_SIZE", "PAGE_SIZE", "TYPE_ORDER", "Hit", "SearchResult", "clean_filters",
    "empty_message", "search", "suggest",
]


def search(user, q: str, filters: dict | None = None, page: int = 1, page_size: int = PAGE_SIZE) -> SearchResult:
    """Search everything ``user`` may see. ``filters``: cleaned facet filters (see ``clean_filters``)."""
    filters = dict(filters or {})
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    aq = analyze_query(q)
    base = dict(query=aq.raw, terms=[t.raw for t in aq.terms], page_size=page_size, filters=filters)
    if not aq:
        return SearchResult(hits=[], count=0, page=1, facets=facets.counts([], filters), empty_reason="no_query",
                            **base)
    backend = get_backend()
    plan = QueryPlan.build(aq)
    # Every type is searched, whatever the filters, so the type facet can offer the others.
    rows, keys_by_talk = talk_rows(user, aq, plan, backend)
    rows.extend(facets.hit_row(hit) for hit in search_page_hits(user, aq))
    facet_counts = facets.counts(rows, filters)
    wanted = facets.active(filters)
    selected = [r for r in rows if facets.passes(r, wanted)] if wanted else rows
    count = len(selected)
    page = max(1, min(int(page), max(1, math.ceil(count / page_size))))
    # Rows sort by their leading fields; only the pages up to this one need ordering.
    top = heapq.nsmallest(page * page_size, selected)[(page - 1) * page_size:]
    shown = [facets.row_hit(r, keys_by_talk) for r in top]
    for hit in shown:
        if hit.page is not None and not hit.url:
            hit.url = hit.page.url or ""
    attach_moments(shown, aq, plan, backend)
    _after_first_search()
    return SearchResult(hits=shown, count=count, page=page, facets=facet_counts,
                        empty_reason="" if count else "no_results", **base)


_warmed_up = False


def _after_first_search() -> None:
    global _warmed_up
    if not _warmed_up:
        _warmed_up = True
        analysis.freeze_long_lived_objects()
