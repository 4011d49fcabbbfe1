"""Check one text against an analysed query: which tier it matches at, how well, and where.

The index finds candidates by tokens; this module decides, on the few texts that are shown, the
tier (exact > pinyin > fuzzy), a score within the tier and the character spans to highlight. It
works on the normalized text (same length as the original), so spans apply to the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from lms.common.textanalysis import CJK_RE, QueryTerm, _stem, char_readings, fuzzy, normalize, number_to_chinese

EXACT, PINYIN, FUZZY = 3, 2, 1
TIER_NAMES = {EXACT: "exact", PINYIN: "pinyin", FUZZY: "fuzzy"}
WORD_RE = re.compile(r"[a-z]+")


@dataclass
class TermMatch:
    tier: int
    score: float  # 0..1 within the tier
    spans: list[tuple[int, int]]


@dataclass
class TextMatch:
    tier: int
    score: float
    spans: list[tuple[int, int]]
    matched_terms: int


@lru_cache(maxsize=20_000)
def _char_keys(ch: str) -> tuple[frozenset, frozenset, frozenset]:
    readings = char_readings(ch)
    folded = frozenset(fuzzy(r) for r in readings)
    return readings, folded, frozenset(f[0] for f in folded if f)


def _initial_code(ch: str) -> str:
    """The fuzzy initial of every reading of ``ch`` as one letter; "?" when its readings disagree, "#"
    when it has none."""
    initials = _char_keys(ch)[2]
    if len(initials) == 1:
        return next(iter(initials))
    return "?" if initials else "#"


_INITIAL_TABLE: dict[int, str] = {}  # str.translate table: character → _initial_code, filled as met


def _initials(cjk: str) -> str:
    codes = cjk.translate(_INITIAL_TABLE)
    if not codes.isascii():  # characters not met before
        for ch in set(cjk):
            _INITIAL_TABLE.setdefault(ord(ch), _initial_code(ch))
        codes = cjk.translate(_INITIAL_TABLE)
    return codes


@lru_cache(maxsize=4096)
def _initials_pattern(initials: tuple[str, ...]) -> re.Pattern:
    return re.compile("".join(f"[{re.escape(c)}?]" for c in initials))


def _surfaces(token: str) -> list[str]:
    if token.isdigit():
        out = [token]
        try:
            out.append(number_to_chinese(int(token)))
        except ValueError:
            pass
        return out
    return [token]


def _find_all(text: str, needle: str) -> list[tuple[int, int]]:
    spans, i = [], text.find(needle)
    while i >= 0 and needle:
        spans.append((i, i + len(needle)))
        i = text.find(needle, i + 1)
    return spans


def _exact_cjk(norm: str, term: QueryTerm) -> TermMatch | None:
    compact = "".join(term.raw.split())
    spans = _find_all(norm, compact)
    if spans:
        return TermMatch(EXACT, 1.0, spans)
    tokens = [t for t in term.exact if len(t) > 1 or t.isdigit()] or term.exact
    all_spans = []
    for token in tokens:
        found = [s for surface in _surfaces(token) for s in _find_all(norm, surface)]
        if not found:
            return None
        all_spans.extend(found)
    return TermMatch(EXACT, 0.8, all_spans)


def _exact_english(norm: str, term: QueryTerm) -> TermMatch | None:
    words = [(m.start(), m.end(), _stem(m.group())) for m in WORD_RE.finditer(norm)]
    wanted = [t for t in term.exact if not t.isdigit()]
    numbers = [t for t in term.exact if t.isdigit()]
    stems = {w for _, _, w in words}
    spans = [(s, e) for s, e, w in words if w in wanted]
    ok = all(w in stems for w in wanted)
    if not ok:
        for alt in term.alternatives:  # "lock out" typed, "lockout" said
            alt_spans = [(s, e) for s, e, w in words if w in alt]
            if alt_spans:
                return TermMatch(EXACT, 0.9, alt_spans)
        return None
    for n in numbers:
        found = _find_all(norm, n)
        if not found:
            return None
        spans.extend(found)
    # Words in the typed order and adjacent rank first.
    adjacent = 1.0 if " ".join(term.words) in " ".join(WORD_RE.findall(norm)) else 0.8
    return TermMatch(EXACT, adjacent, spans)


def _pinyin_window(norm: str, term: QueryTerm, allow_partial: bool) -> TermMatch | None:
    n = len(term.syllables)
    if n < 2:
        return None
    cjk = "".join(CJK_RE.findall(norm))
    if len(cjk) < n:
        return None
    q = term.syllables
    qf = term.fuzzy_syllables
    qi = [f[0] for f in qf]
    # Every window that can match has the query's fuzzy initials at every position: look for them in
    # one string of initials first (most texts have no such window, and the loop below is slow).
    if not _initials_pattern(tuple(qi)).search(_initials(cjk)):
        return None
    chars = [(m.start() + i, ch) for m in CJK_RE.finditer(norm) for i, ch in enumerate(m.group())]
    keys = [_char_keys(ch) for _, ch in chars]
    best: tuple | None = None
    for start in range(len(chars) - n + 1):
        scores = []
        for j in range(n):
            readings, folded, initials = keys[start + j]
            if q[j] in readings:
                scores.append(1.0)
            elif qf[j] in folded:
                scores.append(0.8)
            elif qi[j] in initials:
                scores.append(0.5)
            else:
                scores.append(0.0)
                break
        if len(scores) < n or min(scores) == 0.0:
            continue
        if min(scores) == 1.0:
            tier = PINYIN
        elif min(scores) >= 0.8:
            tier = FUZZY
        else:
            # Partial: same initials everywhere, two neighbours agree, three quarters of the syllables.
            if not allow_partial or n < 3 or sum(scores) < 0.75 * n:
                continue
            if not any(scores[j] >= 0.8 and scores[j + 1] >= 0.8 for j in range(n - 1)):
                continue
            tier = FUZZY
        score = sum(scores) / n
        if tier == FUZZY and min(scores) < 0.8:
            score *= 0.8
        cand = (tier, score, chars[start][0], chars[start + n - 1][0] + 1)
        if best is None or cand[:2] > best[:2]:
            best = cand
    if best is None:
        return None
    return TermMatch(best[0], best[1], [(best[2], best[3])])


def match_term(norm: str, term: QueryTerm, allow_partial: bool = True) -> TermMatch | None:
    exact = _exact_english(norm, term) if term.english else _exact_cjk(norm, term)
    if exact is not None:
        return exact
    return _pinyin_window(norm, term, allow_partial)


def match_text(text: str, terms: list[QueryTerm], allow_partial: bool = True) -> TextMatch | None:
    """Tier = the weakest tier among the matched terms; texts matching no term give None."""
    norm = normalize(text)
    matches = [match_term(norm, t, allow_partial) for t in terms]
    found = [m for m in matches if m is not None]
    if not found:
        return None
    tier = min(m.tier for m in found)
    coverage = len(found) / len(terms)
    score = coverage * sum(m.score for m in found) / len(found)
    spans = [s for m in found for s in m.spans]
    return TextMatch(tier=tier, score=score, spans=spans, matched_terms=len(found))


def title_match(title: str, aq) -> tuple[bool, str]:
    """(every term of the analysed query ``aq`` is in the title exactly, the title highlighted)."""
    m = match_text(title, aq.terms, allow_partial=False)
    if m is None or m.tier != EXACT:
        return False, highlight(title, [])
    return m.matched_terms == len(aq.terms), highlight(title, m.spans, max_chars=200)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def highlight(text: str, spans: list[tuple[int, int]], max_chars: int = 160) -> str:
    """HTML-escaped ``text`` with ``<mark>`` around the spans, cut to about ``max_chars`` around the first."""
    spans = _merge([(max(0, s), min(len(text), e)) for s, e in spans if e > s])
    lo, hi = 0, len(text)
    if len(text) > max_chars:
        first = spans[0][0] if spans else 0
        lo = max(0, min(first - max_chars // 3, len(text) - max_chars))
        hi = lo + max_chars
    parts, pos = [], lo
    for s, e in spans:
        if e <= lo or s >= hi:
            continue
        s, e = max(s, lo), min(e, hi)
        parts.append(escape(text[pos:s]))
        parts.append("<mark>" + escape(text[s:e]) + "</mark>")
        pos = e
    parts.append(escape(text[pos:hi]))
    return ("…" if lo > 0 else "") + "".join(parts) + ("…" if hi < len(text) else "")
