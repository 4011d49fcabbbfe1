"""The search function behind the page and the API: query → permitted, ranked, highlighted, faceted hits.

Talks come from the transcript-segment index (search.backends), courses and lessons from Wagtail's
search backend. Ranking is by match tier first (exact text > same pinyin > fuzzy pinyin), then title
matches, then type (course, lesson, talk), then relevance. Facet counts are computed over what the
user may see only, each facet ignoring its own filter so other values stay selectable.
"""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection
from django.utils.translation import gettext_lazy as _

from . import analysis
from .analysis import AnalyzedQuery, QueryTerm, analyze_query
from .backends import get_backend
from .backends.base import Prefix, Tok, all_of, any_of, but_not
from .matching import EXACT, FUZZY, PINYIN, TIER_NAMES, highlight, match_text
from .models import IndexedSegment, talk_of

logger = logging.getLogger(__name__)

PAGE_SIZE = 10
MAX_PAGE_SIZE = 50
MOMENTS_PER_TALK = 5
SEGMENT_CANDIDATES = 8_000  # pinyin/fuzzy segment hits considered to find talks (rowid order)
PARTIAL_CANDIDATES = 120  # partial-pinyin candidates verified in Python (lowest tier: best effort)
MOMENT_CANDIDATES = 10  # per talk, pinyin and partial tiers
EXACT_MOMENT_CANDIDATES = 12  # per talk, exact tier (earliest first)
MAX_PAGE_HITS = 500  # courses/lessons taken from Wagtail's search

TYPE_ORDER = {"course": 0, "lesson": 1, "talk": 2}
TYPE_LABELS = {"course": _("Course"), "lesson": _("Lesson"), "talk": _("Talk")}
MATCH_LABELS = {"exact": _("Exact text"), "pinyin": _("Same pronunciation"), "fuzzy": _("Similar pronunciation")}
FACETS = ("type", "category", "speaker", "year", "tier", "match")


# --------------------------------------------------------------------------- expressions
def _is_cjk_char(token: str) -> bool:
    return len(token) == 1 and bool(analysis.CJK_RE.fullmatch(token))


def term_exact_expr(term: QueryTerm):
    multi = [t for t in term.exact if not _is_cjk_char(t)]
    if not multi:  # a single character: the words that start with it
        return all_of(Prefix(t) for t in term.exact)
    main = all_of(Tok(t) for t in multi)
    return any_of([main, *(all_of(Tok(t) for t in alt) for alt in term.alternatives)])


def _term_py(term: QueryTerm):
    return all_of(Tok(t) for t in term.py_tokens) if term.pinyin_eligible else None


def _term_fz(term: QueryTerm):
    return all_of(Tok(t) for t in term.fz_tokens) if term.pinyin_eligible else None


def _term_partial(term: QueryTerm):
    """Candidates for a partial pinyin match: one fuzzy bigram and all fuzzy-initial trigrams."""
    if len(term.syllables) < 3:
        return None
    return all_of([any_of(Tok(t) for t in term.fz_tokens), *(Tok(t) for t in term.ini_tokens)])


@dataclass
class QueryPlan:
    """Token expressions of one query. ``upto_X``: matches at tier X or better; ``only_X``: the same
    segments without what a better tier matches (simplified when the query has a single term)."""

    exact: object
    upto_pinyin: object
    upto_fuzzy: object
    upto_partial: object
    only_pinyin: object
    only_fuzzy: object
    only_partial: object
    pinyin: bool
    partial: bool

    @classmethod
    def build(cls, aq: AnalyzedQuery) -> QueryPlan:
        ex = [term_exact_expr(t) for t in aq.terms]
        py = [any_of([e, _term_py(t)]) for e, t in zip(ex, aq.terms, strict=True)]
        fz = [any_of([p, _term_fz(t)]) for p, t in zip(py, aq.terms, strict=True)]
        pa = [any_of([f, _term_partial(t)]) for f, t in zip(fz, aq.terms, strict=True)]
        exact, upto_py, upto_fz, upto_pa = all_of(ex), all_of(py), all_of(fz), all_of(pa)
        if len(aq.terms) == 1:  # (exact OR py) NOT exact == py NOT exact: smaller trees, fewer doclists
            [term] = aq.terms
            only_py = but_not(_term_py(term), exact)
            only_fz = but_not(_term_fz(term), any_of([exact, _term_py(term)]))
            only_pa = but_not(_term_partial(term), any_of([exact, _term_py(term), _term_fz(term)]))
        else:
            only_py, only_fz, only_pa = but_not(upto_py, exact), but_not(upto_fz, upto_py), but_not(upto_pa, upto_fz)
        return cls(
            exact=exact, upto_pinyin=upto_py, upto_fuzzy=upto_fz, upto_partial=upto_pa,
            only_pinyin=only_py, only_fuzzy=only_fz, only_partial=only_pa,
            pinyin=any(t.pinyin_eligible for t in aq.terms),
            partial=any(len(t.syllables) >= 3 for t in aq.terms),
        )


# --------------------------------------------------------------------------- results
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
        seconds = max(0, math.floor(self.start))
        h, rest = divmod(seconds, 3600)
        return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60:02d}:{rest % 60:02d}"

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
    candidate_keys: list[int] = field(default_factory=list)  # segments that found a talk by pronunciation

    @property
    def match(self) -> str:
        return TIER_NAMES[self.tier]

    def facet_values(self, facet: str) -> list:
        if facet == "type":
            return [self.type]
        if facet == "category":
            return [slug for slug, _name in self.categories]
        if facet == "speaker":
            return [self.speaker] if self.speaker else []
        if facet == "year":
            return [self.year] if self.year else []
        if facet == "tier":
            return [self.catalog_tier] if self.catalog_tier else []
        if facet == "match":
            return [self.match]
        return []

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


# --------------------------------------------------------------------------- talks
def _title_matches(title: str, aq: AnalyzedQuery) -> tuple[bool, str]:
    m = match_text(title, aq.terms, allow_partial=False)
    if m is None or m.tier != EXACT:
        return False, highlight(title, [])
    return m.matched_terms == len(aq.terms), highlight(title, m.spans, max_chars=200)


def _talk_candidates(aq: AnalyzedQuery, plan: QueryPlan, backend,
                     keys_by_talk: dict[int, list[int]] | None = None) -> dict[int, tuple[int, float]]:
    """talk id → (tier, score) over the whole index (permissions are applied by the caller).

    ``keys_by_talk`` receives, for talks found by pronunciation, the segments that found them: they are
    those talks' moment candidates, so showing them needs no further text query."""
    found: dict[int, tuple[int, float]] = {}
    keys_by_talk = {} if keys_by_talk is None else keys_by_talk
    for talk_id, score in backend.match_talks(plan.exact).items():
        found[talk_id] = (EXACT, 100.0 + score)
    if not plan.pinyin:
        return found
    tiers = [(PINYIN, plan.only_pinyin), (FUZZY, plan.only_fuzzy)]
    for tier, expr in tiers:
        grouped: dict[int, list[int]] = defaultdict(list)
        for key in backend.match_segments(expr, limit=SEGMENT_CANDIDATES):
            grouped[talk_of(key)].append(key)
        for talk_id, keys in grouped.items():
            if talk_id not in found:
                found[talk_id] = (tier, float(len(keys)))
            if found[talk_id][0] != EXACT:
                keys_by_talk.setdefault(talk_id, []).extend(keys[:MOMENT_CANDIDATES])
    if plan.partial:
        keys = backend.match_segments(plan.only_partial, limit=PARTIAL_CANDIDATES)
        # Verify only candidates of talks that are not found yet: those are what the partial tier adds.
        keys = [k for k in keys if talk_of(k) not in found]
        if keys:
            counts: Counter = Counter()
            for key, _start, _end, text in segment_rows(keys):
                m = match_text(text, aq.terms)
                if m is not None and m.matched_terms == len(aq.terms):
                    counts[talk_of(key)] += 1
                    keys_by_talk.setdefault(talk_of(key), []).append(key)
            for talk_id, n in counts.items():
                found[talk_id] = (FUZZY, n * 0.5)
    return found


def segment_rows(keys) -> list[tuple[int, float, float, str]]:
    """(key, start, end, text) of indexed segments, by plain SQL (this is on every search's hot path)."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return []
    table = connection.ops.quote_name(IndexedSegment._meta.db_table)
    out = []
    with connection.cursor() as cursor:
        for n in range(0, len(keys), 900):
            chunk = keys[n:n + 900]
            cursor.execute(
                f'SELECT id, start, "end", text FROM {table} WHERE id IN ({", ".join(["%s"] * len(chunk))})', chunk)
            out.extend(cursor.fetchall())
    return out


def _moment_keys(aq: AnalyzedQuery, plan: QueryPlan, backend, talk_id: int, talk_tier: int) -> list[int]:
    """Candidate segments of one talk, best tiers first. A talk found below the exact tier has no
    segment matching exactly (its whole-talk document does not), so those queries are skipped."""
    keys: list[int] = []
    if talk_tier == EXACT:
        keys = backend.match_segments(plan.exact, talk_id=talk_id, limit=EXACT_MOMENT_CANDIDATES)
        if not keys and len(aq.terms) > 1:  # the words are said, but not in one moment
            keys = backend.match_segments(
                any_of(term_exact_expr(t) for t in aq.terms), talk_id=talk_id, limit=EXACT_MOMENT_CANDIDATES)
    # A talk that says the words shows those moments; pronunciation matches are looked up only for
    # talks found by pronunciation (or by title alone), which keeps this to a query or two per talk.
    if plan.pinyin and not keys:
        keys += backend.match_segments(
            any_of([plan.only_pinyin, plan.only_fuzzy]), talk_id=talk_id, limit=MOMENT_CANDIDATES)
        # Partial pinyin moments only for talks found that way (a talk with better matches shows those).
        if plan.partial and talk_tier == FUZZY and len(keys) < MOMENTS_PER_TALK:
            keys += backend.match_segments(plan.only_partial, talk_id=talk_id, limit=MOMENT_CANDIDATES)
    return keys


def _best_moments(aq: AnalyzedQuery, rows) -> list[Moment]:
    scored = []
    for _key, start, end, text in rows:
        m = match_text(text, aq.terms)
        if m is not None:
            scored.append((m, start, end, text))
    scored.sort(key=lambda x: (-x[0].tier, -round(x[0].score, 3), x[1]))
    return [
        Moment(start=start, end=end, text=text, highlight=highlight(text, m.spans), tier=m.tier, score=m.score)
        for m, start, end, text in scored[:MOMENTS_PER_TALK]
    ]


def _year(value) -> int | None:
    if not value:
        return None
    if hasattr(value, "year"):
        return value.year
    text = str(value)
    return int(text[:4]) if text[:4].isdigit() else None


def _visible_talk_rows(user, ids) -> dict[int, tuple]:
    """(speaker, year, category slug, category name) of the candidate talks ``user`` may see (titles are
    read for the shown page only).

    Visibility is content_library.visibility.visible_talks(user) itself, compiled once and run as
    plain SQL returning tuples: this runs on every search, over up to every talk."""
    from content_library.visibility import visible_talks

    ids = list(ids)
    if not ids:
        return {}
    from django.db.models import CharField
    from django.db.models.functions import Cast, Coalesce, Substr

    qs = visible_talks(user).order_by()
    if len(ids) <= 500:
        qs = qs.filter(pk__in=ids)
    # The year as text: typed date columns would be parsed in Python for every row.
    qs = qs.annotate(_year=Substr(Coalesce(Cast("recorded_on", CharField()), Cast("created_at", CharField())), 1, 4))
    sql, params = qs.values_list("pk", "speaker", "_year", "category__slug", "category__name").query.sql_with_params()
    wanted = set(ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            pk: (speaker or "", _year(year), slug, name)
            for pk, speaker, year, slug, name in cursor.fetchall() if pk in wanted
        }


@lru_cache(maxsize=1)
def _talk_url_pattern() -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("content_library:talk-detail", args=[987654321]).replace("987654321", "{}")
    except NoReverseMatch:
        return "/talks/{}/"


def _talk_url(talk_id: int) -> str:
    return _talk_url_pattern().format(int(talk_id))


def search_talk_hits(user, aq: AnalyzedQuery) -> list[Hit]:
    backend = get_backend()
    plan = QueryPlan.build(aq)
    keys_by_talk: dict[int, list[int]] = {}
    candidates = _talk_candidates(aq, plan, backend, keys_by_talk)
    rows = _visible_talk_rows(user, candidates)
    in_title = backend.match_talk_titles(plan.exact) if rows else set()
    hits = []
    for talk_id, (speaker, year, slug, name) in rows.items():
        tier, score = candidates[talk_id]
        hits.append(Hit(
            type="talk", id=talk_id, title="", url="", tier=tier, score=score, title_match=talk_id in in_title,
            categories=[(slug, name)] if slug else [], speaker=speaker, year=year,
            candidate_keys=keys_by_talk.get(talk_id, []),
        ))
    return hits


def attach_moments(hits: list[Hit], aq: AnalyzedQuery) -> None:
    """Fill in what only shown hits need: URLs, title highlights and the talks' best moments."""
    backend = get_backend()
    plan = QueryPlan.build(aq)
    wanted: dict[int, list[int]] = {}
    talk_ids = [h.id for h in hits if h.type == "talk" and not h.title]
    if talk_ids:
        from content_library.models import Talk

        titles = dict(Talk.objects.filter(pk__in=talk_ids).values_list("pk", "title"))
        for hit in hits:
            if hit.type == "talk" and not hit.title:
                hit.title = titles.get(hit.id, "")
    for hit in hits:
        if hit.page is not None and not hit.url:
            hit.url = hit.page.url or ""
        if hit.type == "talk":
            hit.url = hit.url or _talk_url(hit.id)
            hit.title_highlight = hit.title_highlight or _title_matches(hit.title, aq)[1]
            if not hit.moments:
                wanted[hit.id] = hit.candidate_keys[:2 * MOMENT_CANDIDATES] or _moment_keys(
                    aq, plan, backend, hit.id, hit.tier)
    rows_by_talk: dict[int, list] = defaultdict(list)
    for row in segment_rows(k for keys in wanted.values() for k in keys):  # one query for all talks
        rows_by_talk[talk_of(row[0])].append(row)
    for hit in hits:
        if hit.id in wanted and hit.type == "talk":
            hit.moments = _best_moments(aq, rows_by_talk.get(hit.id, []))
            if hit.moments:  # a moment verified at a better tier (segmentation differences) lifts the talk
                hit.tier = max(hit.tier, hit.moments[0].tier)


# --------------------------------------------------------------------------- courses and lessons
def page_query_string(aq: AnalyzedQuery) -> str:
    tokens = [t for term in aq.terms for t in term.exact if not _is_cjk_char(t)]
    if not tokens:
        tokens = [t for term in aq.terms for t in term.exact]
    return " ".join(dict.fromkeys(tokens))


def search_page_hits(user, aq: AnalyzedQuery) -> list[Hit]:
    """Live courses and lessons (of live courses) through Wagtail's search backend, one query for both."""
    try:
        from lms.catalog.models import CoursePage, LessonPage
    except ImportError:  # catalog app not installed
        return []
    from wagtail.models import Page

    query = page_query_string(aq)
    if not query:
        return []
    # Relevance ordering costs Wagtail's database backend a scoring subquery; the few catalog pages
    # are ordered here instead (title match, summary match, recency).
    found = list(
        Page.objects.live().type(CoursePage, LessonPage)
        .search(query, operator="and", order_by_relevance=False)[:MAX_PAGE_HITS]
    )
    if not found:
        return []
    rank = {page.pk: n for n, page in enumerate(found)}
    courses = {row["path"]: row for row in CoursePage.objects.live().values("pk", "path", "tier")}
    cats = defaultdict(list)
    for page_id, slug, name in CoursePage.categories.through.objects.filter(
            coursepage_id__in=[c["pk"] for c in courses.values()]).values_list(
            "coursepage_id", "category__slug", "category__name"):
        cats[page_id].append((slug, name))
    hits = []
    specific = list(CoursePage.objects.filter(pk__in=rank)) + list(LessonPage.objects.filter(pk__in=rank))
    for page in specific:
        kind = "course" if isinstance(page, CoursePage) else "lesson"
        course = courses.get(page.path if kind == "course" else page.path[:-page.steplen])
        if course is None:  # a lesson of an unpublished course
            continue
        title_match, title_hl = _title_matches(page.title, aq)
        summary_text = getattr(page, "summary", "") or page.search_description or ""
        sm = match_text(summary_text, aq.terms, allow_partial=False) if summary_text else None
        published = page.first_published_at
        hits.append(Hit(
            type=kind, id=page.pk, title=page.title, url="", tier=EXACT,
            score=1.0 + (0.5 if sm is not None else 0.0), title_match=title_match, title_highlight=title_hl,
            categories=cats.get(course["pk"], []), year=published.year if published else None,
            catalog_tier=course["tier"],
            summary=highlight(summary_text, sm.spans if sm else [], max_chars=160) if summary_text else "",
        ))
        hits[-1].page = page
    return hits


# --------------------------------------------------------------------------- facets, filters, pages
def _passes(hit: Hit, filters: dict, skip: str | None = None) -> bool:
    for facet, value in filters.items():
        if facet == skip or value in (None, ""):
            continue
        values = [str(v) for v in hit.facet_values(facet)]
        if str(value) not in values:
            return False
    return True


def _facets(hits: list[Hit], filters: dict) -> dict:
    labels: dict[str, dict] = defaultdict(dict)
    counts: dict[str, Counter] = {f: Counter() for f in FACETS}
    active = {k: str(v) for k, v in filters.items() if v not in (None, "")}
    if not active:  # the common case: plain counts
        counts["type"].update(h.type for h in hits)
        counts["category"].update(slug for h in hits for slug, _name in h.categories)
        counts["speaker"].update(h.speaker for h in hits if h.speaker)
        counts["year"].update(h.year for h in hits if h.year)
        counts["tier"].update(h.catalog_tier for h in hits if h.catalog_tier)
        counts["match"].update(TIER_NAMES[h.tier] for h in hits)
        for h in hits:
            for slug, name in h.categories:
                labels["category"][slug] = name
        hits = []
    for hit in hits:
        values = {facet: hit.facet_values(facet) for facet in FACETS}
        failing = [f for f, v in active.items() if v not in [str(x) for x in values[f]]]
        if len(failing) > 1:
            continue  # fails two filters: counts for no facet
        for facet in FACETS:
            if failing and failing[0] != facet:
                continue  # each facet ignores only its own filter
            for value in values[facet]:
                counts[facet][value] += 1
        for slug, name in hit.categories:
            labels["category"][slug] = name
    try:
        from lms.catalog.models import Tier

        labels["tier"] = {t.value: t.label for t in Tier}
    except ImportError:
        pass
    labels["type"] = TYPE_LABELS
    labels["match"] = MATCH_LABELS
    out = {}
    for facet in FACETS:
        items = counts[facet].most_common()
        if facet == "year":
            items.sort(key=lambda kv: -int(kv[0]))
        out[facet] = [
            {"value": value, "label": str(labels[facet].get(value, value)), "count": n,
             "selected": str(filters.get(facet) or "") == str(value)}
            for value, n in items
        ]
    return out


def clean_filters(raw: dict) -> dict:
    filters = {}
    for facet in FACETS:
        value = raw.get(facet)
        if value in (None, ""):
            continue
        value = str(value).strip()[:200]
        if facet == "year":
            if not value.isdigit():
                raise ValueError(facet)
            value = int(value)
        if facet == "type" and value not in TYPE_ORDER:
            raise ValueError(facet)
        if facet == "match" and value not in MATCH_LABELS:
            raise ValueError(facet)
        filters[facet] = value
    return filters


def _sort_key(hit: Hit):
    return (-hit.tier, not hit.title_match, TYPE_ORDER[hit.type], -hit.score, -(hit.year or 0), -hit.id)


def search(user, q: str, filters: dict | None = None, page: int = 1, page_size: int = PAGE_SIZE) -> SearchResult:
    """Search everything ``user`` may see. ``filters``: cleaned facet filters (see ``clean_filters``)."""
    filters = dict(filters or {})
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    aq = analyze_query(q)
    base = dict(query=aq.raw, terms=[t.raw for t in aq.terms], page_size=page_size, filters=filters)
    if not aq:
        return SearchResult(hits=[], count=0, page=1, facets=_facets([], filters), empty_reason="no_query", **base)
    hits: list[Hit] = []
    # Types are always searched so the type facet can offer the others.
    hits.extend(search_talk_hits(user, aq))
    hits.extend(search_page_hits(user, aq))
    facets = _facets(hits, filters)
    selected = sorted((h for h in hits if _passes(h, filters)), key=_sort_key)
    count = len(selected)
    num_pages = max(1, math.ceil(count / page_size))
    page = max(1, min(int(page), num_pages))
    shown = selected[(page - 1) * page_size: page * page_size]
    attach_moments(shown, aq)
    return SearchResult(hits=shown, count=count, page=page, facets=facets,
                        empty_reason="" if count else "no_results", **base)


# --------------------------------------------------------------------------- suggestions
def suggest(user, q: str, limit: int = 8) -> list[dict]:
    """Search-as-you-type over course and talk titles: substring, full pinyin or initials prefix."""
    from content_library.visibility import visible_talks

    norm = analysis.normalize((q or "").strip())[:50]
    compact = "".join(norm.split())
    if not compact:
        return []
    letters = compact.isascii() and compact.isalpha()
    out = []
    from content_library.models import Talk

    talks = visible_talks(user).filter(status=Talk.Status.READY).values_list("pk", "title")[:20000]
    candidates = [("talk", pk, title) for pk, title in talks]
    try:
        from lms.catalog.models import CoursePage

        candidates += [("course", pk, title) for pk, title in CoursePage.objects.live().values_list("pk", "title")]
    except ImportError:
        pass
    for kind, pk, title in candidates:
        rank = _suggest_rank(title, compact, letters)
        if rank is not None:
            out.append((rank, TYPE_ORDER[kind], len(title), kind, pk, title))
    out.sort()
    results = []
    for _rank, _t, _l, kind, pk, title in out[:limit]:
        url = _talk_url(pk) if kind == "talk" else _course_url(pk)
        results.append({"type": kind, "id": pk, "title": title, "url": url})
    return results


def _course_url(pk: int) -> str:
    from wagtail.models import Page

    page = Page.objects.filter(pk=pk).first()
    return page.url if page else ""


def _suggest_rank(title: str, compact: str, letters: bool) -> int | None:
    norm_title = "".join(analysis.normalize(title).split())
    if norm_title.startswith(compact):
        return 0
    if compact in norm_title:
        return 1
    if letters:
        full, initials = _title_pinyin(norm_title)
        if full.startswith(compact) or initials.startswith(compact):
            return 2
        if compact in full or (len(compact) >= 2 and compact in initials):
            return 3
    return None


@lru_cache(maxsize=50_000)
def _title_pinyin(norm_title: str) -> tuple[str, str]:
    syllables = analysis.analyze(norm_title).syllables
    return "".join(syllables), "".join(s[0] for s in syllables if s)
