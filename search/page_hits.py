"""Courses and lessons matching a query, through Wagtail's search backend (the page side of search)."""

from __future__ import annotations

from collections import defaultdict

from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from lms.catalog.access import PageAccess
from lms.catalog.models import CoursePage, LessonPage
from lms.common.textanalysis import AnalyzedQuery

from .matching import EXACT, highlight, match_text, title_match
from .plan import is_cjk_char
from .results import Hit

MAX_PAGE_HITS = 500  # courses/lessons taken from Wagtail's search


def page_query_string(aq: AnalyzedQuery) -> str:
    tokens = [t for term in aq.terms for t in term.exact if not is_cjk_char(t)]
    if not tokens:
        tokens = [t for term in aq.terms for t in term.exact]
    return " ".join(dict.fromkeys(tokens))


def search_page_hits(user, aq: AnalyzedQuery) -> list[Hit]:
    """Live courses and lessons (of live courses) through Wagtail's search backend, one query for both."""
    query = page_query_string(aq)
    if not query:
        return []
    # Relevance ordering costs Wagtail's database backend a scoring subquery; the few catalog pages
    # are ordered here instead (title match, summary match, recency). Filters on the searched
    # queryset cost the backend more Python than the query itself, so live course and lesson pages
    # are picked out of the page ids below.
    found = {page.pk for page in get_search_backend().search(
        query, Page, operator="and", order_by_relevance=False)[:MAX_PAGE_HITS]}
    if not found:
        return []
    rule = PageAccess(user)  # the catalog's view restrictions, as on the pages themselves
    courses = {row["path"]: row for row in rule.filter(CoursePage.objects.all()).values("pk", "path", "tier")}
    cats = defaultdict(list)
    for page_id, slug, name in CoursePage.categories.through.objects.filter(
            coursepage_id__in=[c["pk"] for c in courses.values()]).values_list(
            "coursepage_id", "category__slug", "category__name"):
        cats[page_id].append((slug, name))
    hits = []
    specific = [*rule.filter(CoursePage.objects.filter(pk__in=found)),
                *rule.filter(LessonPage.objects.filter(pk__in=found))]
    for page in specific:
        kind = "course" if isinstance(page, CoursePage) else "lesson"
        course = courses.get(page.path if kind == "course" else page.path[:-page.steplen])
        if course is None:  # a lesson of an unpublished or closed course
            continue
        in_title, title_hl = title_match(page.title, aq)
        summary_text = getattr(page, "summary", "") or page.search_description or ""
        sm = match_text(summary_text, aq.terms, allow_partial=False) if summary_text else None
        published = page.first_published_at
        hits.append(Hit(
            type=kind, id=page.pk, title=page.title, url="", tier=EXACT,
            score=1.0 + (0.5 if sm is not None else 0.0), title_match=in_title, title_highlight=title_hl,
            categories=cats.get(course["pk"], []), year=published.year if published else None,
            catalog_tier=course["tier"],
            summary=highlight(summary_text, sm.spans if sm else [], max_chars=160) if summary_text else "",
        ))
        hits[-1].page = page
    return hits
