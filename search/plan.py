"""A query's token expressions for each match tier (see search.backends.base for the expression types)."""

from __future__ import annotations

from dataclasses import dataclass

from lms.common import textanalysis as analysis
from lms.common.textanalysis import AnalyzedQuery, QueryTerm

from .backends.base import Prefix, Tok, all_of, any_of, but_not, walk


def is_cjk_char(token: str) -> bool:
    return len(token) == 1 and bool(analysis.CJK_RE.fullmatch(token))


def term_exact_expr(term: QueryTerm):
    multi = [t for t in term.exact if not is_cjk_char(t)]
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


def _sound(aq: AnalyzedQuery, tokens):
    """All bigrams of every pronunciation-eligible term, or None when a term has none (a term that
    can only match exactly: no talk-level pronunciation prefilter)."""
    if not all(t.pinyin_eligible for t in aq.terms):
        return None
    return all_of(Tok(tok) for t in aq.terms for tok in tokens(t))


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
    # Talk-level pronunciation lookups (SegmentIndexBackend.match_talk_sounds): every pinyin / fuzzy
    # bigram of every term; used when the query is one two-syllable term (a single bigram), for which
    # the talk-level answer is exact.
    sound_pinyin: object = None
    sound_fuzzy: object = None
    sound_is_exact: bool = False

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
            sound_pinyin=_sound(aq, lambda t: t.py_tokens),
            sound_fuzzy=_sound(aq, lambda t: t.fz_tokens),
            sound_is_exact=len(aq.terms) == 1 and len(aq.terms[0].syllables) == 2,
        )


def has_prefix(expr) -> bool:
    return any(isinstance(node, Prefix) for node in walk(expr))
