"""Result rows, facet counts and filters.

A common word matches most talks of the library. Each match is kept as a plain tuple whose first
fields are its sort key, so ranking, filtering and counting build no object per result; only the
shown page becomes ``Hit`` objects (search.services). Facet counts cover what the user may see, each
facet ignoring its own filter so the other values stay selectable.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from lms.catalog.models import Tier

from .matching import TIER_NAMES
from .results import MATCH_LABELS, TYPE_LABELS, TYPE_ORDER, Hit

FACETS = ("type", "category", "speaker", "year", "tier", "match")

# Row fields. The first six order the results: match tier (best first), title match, type, score,
# recency, id; (type, id) is unique, so comparisons never reach the fields after them.
NEG_TIER, NO_TITLE, TYPE_RANK, NEG_SCORE, NEG_YEAR, NEG_ID = range(6)
TYPE, ID, CATEGORIES, SPEAKER, YEAR, CATALOG_TIER, HIT, TITLE = range(6, 14)
TALK_RANK = TYPE_ORDER["talk"]


def talk_row(talk_id: int, tier: int, score: float, title_match: bool, facts) -> tuple:
    """``facts``: the talk's search.talk_facts.TalkFacts."""
    return (-tier, not title_match, TALK_RANK, -score, -(facts.year or 0), -talk_id,
            "talk", talk_id, facts.categories, facts.speaker, facts.year, "", None, facts.title)


def hit_row(hit: Hit) -> tuple:
    return (-hit.tier, not hit.title_match, TYPE_ORDER[hit.type], -hit.score, -(hit.year or 0), -hit.id,
            hit.type, hit.id, tuple(hit.categories), hit.speaker, hit.year, hit.catalog_tier, hit, hit.title)


def row_hit(row: tuple, keys_by_talk: dict[int, list[int]]) -> Hit:
    if row[HIT] is not None:
        return row[HIT]
    return Hit(type=row[TYPE], id=row[ID], title=row[TITLE], url="", tier=-row[NEG_TIER], score=-row[NEG_SCORE],
               title_match=not row[NO_TITLE], categories=list(row[CATEGORIES]), speaker=row[SPEAKER],
               year=row[YEAR], candidate_keys=keys_by_talk.get(row[ID], []))


def values(row: tuple, facet: str) -> list:
    if facet == "type":
        return [row[TYPE]]
    if facet == "category":
        return [slug for slug, _name in row[CATEGORIES]]
    if facet == "speaker":
        return [row[SPEAKER]] if row[SPEAKER] else []
    if facet == "year":
        return [row[YEAR]] if row[YEAR] else []
    if facet == "tier":
        return [row[CATALOG_TIER]] if row[CATALOG_TIER] else []
    if facet == "match":
        return [TIER_NAMES[-row[NEG_TIER]]]
    return []


def active(filters: dict) -> dict[str, str]:
    return {k: str(v) for k, v in filters.items() if v not in (None, "")}


def passes(row: tuple, wanted: dict[str, str]) -> bool:
    """``wanted``: ``active(filters)``."""
    return all(value in [str(v) for v in values(row, facet)] for facet, value in wanted.items())


def counts(rows: list[tuple], filters: dict) -> dict:
    labels: dict[str, dict] = defaultdict(dict)
    tallies: dict[str, Counter] = {f: Counter() for f in FACETS}
    wanted = active(filters)
    for row in rows:
        for slug, name in row[CATEGORIES]:
            labels["category"][slug] = name
    if not wanted:  # the common case: plain counts, in C loops
        tallies["type"].update(r[TYPE] for r in rows)
        tallies["category"].update(slug for r in rows for slug, _name in r[CATEGORIES])
        tallies["speaker"].update(r[SPEAKER] for r in rows if r[SPEAKER])
        tallies["year"].update(r[YEAR] for r in rows if r[YEAR])
        tallies["tier"].update(r[CATALOG_TIER] for r in rows if r[CATALOG_TIER])
        tallies["match"].update(TIER_NAMES[-r[NEG_TIER]] for r in rows)
    else:
        for row in rows:
            row_values = {facet: values(row, facet) for facet in FACETS}
            failing = [f for f, v in wanted.items() if v not in [str(x) for x in row_values[f]]]
            if len(failing) > 1:
                continue  # fails two filters: counts for no facet
            for facet in FACETS:
                if failing and failing[0] != facet:
                    continue  # each facet ignores only its own filter
                tallies[facet].update(row_values[facet])
    labels["tier"] = {t.value: t.label for t in Tier}
    labels["type"] = TYPE_LABELS
    labels["match"] = MATCH_LABELS
    out = {}
    for facet in FACETS:
        items = tallies[facet].most_common()
        if facet == "year":
            items.sort(key=lambda kv: -int(kv[0]))
        out[facet] = [
            {"value": value, "label": str(labels[facet].get(value, value)), "count": n,
             "selected": str(filters.get(facet) or "") == str(value)}
            for value, n in items
        ]
    return out


def clean_filters(raw: dict) -> dict:
    """Facet filters from request parameters; ``ValueError(facet)`` names the first invalid one."""
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
