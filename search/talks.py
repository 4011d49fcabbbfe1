"""Talks matching a query, with their best moments (the transcript-segment side of search).

Candidates come from the segment index by tier: exact words in the whole talk, then the same
pinyin, then fuzzy pinyin, then partial pinyin checked in Python. Permissions and facet values come
from the in-memory snapshot of talk facts; moments are looked up for the shown talks only.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from django.db import connection
from django.db.models import Q

from content_library.visibility import talk_scope
from lms.common.textanalysis import AnalyzedQuery

from . import talk_facts
from .backends.base import any_of
from .facets import talk_row
from .matching import EXACT, FUZZY, PINYIN, highlight, match_text, title_match
from .models import IndexedSegment, talk_key_range, talk_of
from .plan import QueryPlan, has_prefix, term_exact_expr
from .results import Hit, Moment

SEGMENT_CANDIDATES = 50_000  # pinyin/fuzzy segment hits counted to find talks (key order)
PARTIAL_CANDIDATES = 120  # partial-pinyin candidates verified in Python (lowest tier: best effort)
MOMENTS_PER_TALK = 5
MOMENT_CANDIDATES = 10  # per talk, pinyin and partial tiers
EXACT_MOMENT_CANDIDATES = 12  # per talk, exact tier (earliest first)


def _talk_candidates(aq: AnalyzedQuery, plan: QueryPlan, backend, keys_by_talk: dict[int, list[int]] | None = None,
                     talk_count: int | None = None) -> dict[int, tuple[int, float]]:
    """talk id → (tier, score) over the whole index (permissions are applied by the caller).

    Pronunciation tiers come from the talk-level pronunciation table where it is exact (one bigram),
    else from per-talk counts made inside the index; their moments are looked up for the shown talks
    only. ``keys_by_talk`` receives the verified segments of talks the partial tier
    found (they are those talks' moment candidates). ``talk_count``: talks in the library; when the
    exact tier found that many, no other tier can add one and their lookups are skipped."""
    found: dict[int, tuple[int, float]] = {}
    keys_by_talk = {} if keys_by_talk is None else keys_by_talk
    for talk_id, score in backend.match_talks(plan.exact).items():
        found[talk_id] = (EXACT, 100.0 + score)
    if not plan.pinyin or (talk_count is not None and len(found) >= talk_count):
        return found
    for tier, expr, sound in ((PINYIN, plan.only_pinyin, plan.sound_pinyin),
                              (FUZZY, plan.only_fuzzy, plan.sound_fuzzy)):
        # One bigram (a two-syllable word): the talks holding it are exactly the tier's talks. Longer
        # words need the bigrams in one segment, which only the segment index can tell.
        talks = backend.match_talk_sounds(sound) if plan.sound_is_exact else None
        if talks is not None:
            for talk_id in talks.difference(found):
                found[talk_id] = (tier, 1.0)
            continue
        for talk_id, n in backend.count_segments_by_talk(expr, limit=SEGMENT_CANDIDATES).items():
            if talk_id not in found:
                found[talk_id] = (tier, float(n))
    if plan.partial:
        keys = backend.match_segments(plan.only_partial, limit=PARTIAL_CANDIDATES)
        # Verify only candidates of talks that are not found yet: those are what the partial tier adds.
        by_talk: dict[int, list] = defaultdict(list)
        for row in segment_rows(k for k in keys if talk_of(k) not in found):
            by_talk[talk_of(row[0])].append(row)
        for talk_id, rows in by_talk.items():
            # One verified segment puts the talk in; its other candidates are verified only if shown
            # (as moments), so a talk with many candidates costs one check, not many.
            if any(_matches_all(text, aq) for _key, _start, _end, text in sorted(rows)):
                found[talk_id] = (FUZZY, len(rows) * 0.5)
                keys_by_talk[talk_id] = sorted(row[0] for row in rows)
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


def _matches_all(text: str, aq: AnalyzedQuery) -> bool:
    m = match_text(text, aq.terms)
    return m is not None and m.matched_terms == len(aq.terms)


def talk_rows(user, aq: AnalyzedQuery, plan: QueryPlan, backend) -> tuple[list[tuple], dict[int, list[int]]]:
    """Result rows (search.facets) of the talks ``user`` may see, and the partial tier's moment keys."""
    scope = talk_scope(user)
    if scope.nothing:
        return [], {}
    snapshot = talk_facts.snapshot()
    keys_by_talk: dict[int, list[int]] = {}
    candidates = _talk_candidates(aq, plan, backend, keys_by_talk, talk_count=len(snapshot.talks))
    if not candidates:
        return [], keys_by_talk
    in_title = backend.match_talk_titles(plan.exact)
    facts, allows = snapshot.talks, scope.allows
    rows = []
    for talk_id, (tier, score) in candidates.items():
        f = facts.get(talk_id)
        if f is not None and allows(f.visibility, f.org_unit_id, f.created_by_id):
            rows.append(talk_row(talk_id, tier, score, talk_id in in_title, f))
    return rows, keys_by_talk


def _keys_containing(aq: AnalyzedQuery, talk_id: int, limit: int) -> list[int]:
    """Segments of one talk whose text contains every term. For single-character terms: the index
    matches them as word prefixes, a lookup that reads every word starting with that character."""
    words = [Q(text__contains="".join(term.raw.split())) for term in aq.terms]
    segments = IndexedSegment.objects.filter(id__range=talk_key_range(talk_id)).order_by("id")
    keys = list(segments.filter(*words).values_list("id", flat=True)[:limit])
    if not keys and len(words) > 1:  # the words are said, but not in one moment
        any_word = words[0]
        for word in words[1:]:
            any_word |= word
        keys = list(segments.filter(any_word).values_list("id", flat=True)[:limit])
    return keys


def moment_keys(aq: AnalyzedQuery, plan: QueryPlan, backend, hits: list[Hit]) -> dict[int, list[int]]:
    """Candidate segments of the shown talks, best tiers first. A talk found below the exact tier has
    no segment matching exactly (its whole-talk document does not), so it skips those lookups; a talk
    that says the words shows those moments, and pronunciation matches are looked up for the others
    only, all talks in one lookup per tier."""
    keys: dict[int, list[int]] = {}
    for hit in hits:
        if hit.candidate_keys:
            keys[hit.id] = hit.candidate_keys[:2 * MOMENT_CANDIDATES]
        elif hit.tier == EXACT and has_prefix(plan.exact):
            keys[hit.id] = _keys_containing(aq, hit.id, EXACT_MOMENT_CANDIDATES)
    exact_talks = [h.id for h in hits if h.tier == EXACT and h.id not in keys]
    if exact_talks:
        keys.update(backend.match_segments_of_talks(plan.exact, exact_talks, per_talk=EXACT_MOMENT_CANDIDATES))
        apart = [t for t in exact_talks if t not in keys]
        if apart and len(aq.terms) > 1:  # the words are said, but not in one moment
            keys.update(backend.match_segments_of_talks(
                any_of(term_exact_expr(t) for t in aq.terms), apart, per_talk=EXACT_MOMENT_CANDIDATES))
    if not plan.pinyin:
        return keys
    missing = [h.id for h in hits if not keys.get(h.id)]
    if missing:
        # These talks have no segment matching exactly, so the expressions need no NOT part (which
        # would make the index read the exact words' lists too).
        for talk_id, found in backend.match_segments_of_talks(
                plan.upto_fuzzy, missing, per_talk=MOMENT_CANDIDATES).items():
            keys[talk_id] = found
    # Partial pinyin moments only for talks found that way (a talk with better matches shows those).
    few = [h.id for h in hits if h.tier == FUZZY and len(keys.get(h.id, ())) < MOMENTS_PER_TALK]
    if plan.partial and few:
        for talk_id, found in backend.match_segments_of_talks(
                plan.upto_partial, few, per_talk=MOMENT_CANDIDATES).items():
            keys[talk_id] = list(dict.fromkeys(keys.get(talk_id, []) + found))
    return keys


def _best_moments(aq: AnalyzedQuery, rows) -> list[Moment]:
    """The talk's best moments: best tier, then score, then earliest. ``rows`` in time order."""
    scored = []
    perfect = 0
    for _key, start, end, text in rows:
        m = match_text(text, aq.terms)
        if m is None:
            continue
        scored.append((m, start, end, text))
        if m.tier == EXACT and round(m.score, 3) >= 1.0:
            perfect += 1
            if perfect == MOMENTS_PER_TALK:  # no later moment can rank above these
                break
    scored.sort(key=lambda x: (-x[0].tier, -round(x[0].score, 3), x[1]))
    return [
        Moment(start=start, end=end, text=text, highlight=highlight(text, m.spans), tier=m.tier, score=m.score)
        for m, start, end, text in scored[:MOMENTS_PER_TALK]
    ]


@lru_cache(maxsize=1)
def _talk_url_pattern() -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("content_library:talk-detail", args=[987654321]).replace("987654321", "{}")
    except NoReverseMatch:
        return "/talks/{}/"


def talk_url(talk_id: int) -> str:
    return _talk_url_pattern().format(int(talk_id))


def attach_moments(hits: list[Hit], aq: AnalyzedQuery, plan: QueryPlan, backend) -> None:
    """Fill in what only shown talk hits need: URLs, title highlights and best moments."""
    talks = [h for h in hits if h.type == "talk"]
    if not talks:
        return
    for hit in talks:
        hit.url = hit.url or talk_url(hit.id)
        hit.title_highlight = hit.title_highlight or title_match(hit.title, aq)[1]
    wanted = moment_keys(aq, plan, backend, [h for h in talks if not h.moments])
    rows_by_talk: dict[int, list] = defaultdict(list)
    for row in sorted(segment_rows(k for keys in wanted.values() for k in keys)):  # one query for all talks
        rows_by_talk[talk_of(row[0])].append(row)
    for hit in talks:
        if hit.id in wanted:
            hit.moments = _best_moments(aq, rows_by_talk.get(hit.id, []))
            if hit.moments:  # a moment verified at a better tier (segmentation differences) lifts the talk
                hit.tier = max(hit.tier, hit.moments[0].tier)
