"""Correct Whisper's Chinese mishearings of domain terms by pronunciation.

Whisper base hears the sounds of a term right and picks the wrong characters (党课 → 党科, 廉洁从业 → 连结从业,
三会一课 → 三会一科). A span whose toneless pinyin matches a term of the talk's glossary or of the domain lexicon
is replaced by the term. Replacements keep the number of characters, so word timestamps and cue offsets stay
valid. The rules lean towards leaving text alone: a wrong "correction" of a real word is worse than a
mishearing left in place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

from lms.common.textanalysis import CJK_RE, _dag_cut, _tokenizer, _word_pinyin, char_readings, fuzzy, lexicon

GLOSSARY = "glossary"
LEXICON = "lexicon"

# jieba counts words in a large corpus; below about 50 its dictionary holds rare compounds and names that a
# misrecognition can spell by chance (连结从业 is not a word at all, 连接 has 2,554).
MIN_WORD_FREQ = 50


@dataclass(frozen=True)
class Change:
    start: int  # offset in the input text
    end: int
    old: str
    new: str
    term_source: str  # "glossary" | "lexicon"


@dataclass(frozen=True)
class Corrected:
    text: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class _Term:
    text: str
    exact: tuple[str, ...]
    fuzzy: tuple[str, ...]
    source: str
    rank: int  # longest first, then glossary before lexicon, then glossary order


def _is_term(word: object) -> bool:
    return isinstance(word, str) and len(word) >= 2 and CJK_RE.fullmatch(word) is not None


@lru_cache(maxsize=20_000)
def _fuzzy_readings(ch: str) -> frozenset[str]:
    return frozenset(fuzzy(r) for r in char_readings(ch))


class Corrector:
    """Corrects texts against one set of terms; build once per glossary (the index is the costly part)."""

    def __init__(self, glossary: Iterable[str] = (), *, use_lexicon: bool = True):
        self._freq = _tokenizer().FREQ
        sources: dict[str, str] = {}
        for word in glossary or ():
            word = word.strip() if isinstance(word, str) else None
            if _is_term(word):
                sources.setdefault(word, GLOSSARY)
        if use_lexicon:
            for word in sorted(lexicon()):
                # Two-character lexicon words sound like too much everyday speech (学时 ~ 学史); only a talk's
                # own glossary corrects to a two-character term.
                if _is_term(word) and len(word) > 2:
                    sources.setdefault(word, LEXICON)  # a glossary term keeps its source

        order = sorted(enumerate(sources.items()), key=lambda e: (-len(e[1][0]), e[1][1] != GLOSSARY, e[0]))
        # Keyed by the first two fuzzy syllables: one dict lookup per character position finds the few terms
        # worth checking.
        self._index: dict[tuple[str, str], list[_Term]] = {}
        for rank, (_, (word, source)) in enumerate(order):
            exact = _word_pinyin(word)
            if not all(exact):  # a character pypinyin cannot read: no way to match it
                continue
            term = _Term(word, exact, tuple(fuzzy(s) for s in exact), source, rank)
            self._index.setdefault(term.fuzzy[:2], []).append(term)
        self._terms = tuple(sources)

    def correct(self, text: str) -> Corrected:
        if not text or not isinstance(text, str):
            return Corrected(text if isinstance(text, str) else "", ())
        if not self._index:
            return Corrected(text, ())
        cover = self._term_cover(text)
        changes: list[Change] = []
        for m in CJK_RE.finditer(text):
            changes.extend(self._correct_run(m.group(), m.start(), cover))
        if not changes:
            return Corrected(text, ())
        parts, pos = [], 0
        for c in changes:
            parts.append(text[pos:c.start])
            parts.append(c.new)
            pos = c.end
        parts.append(text[pos:])
        return Corrected("".join(parts), tuple(changes))

    def _term_cover(self, text: str) -> list[int]:
        """For each offset, the length of the longest term already spelled right that covers it: a shorter
        or equal sound-alike inside a correct term is not a mishearing."""
        cover = [0] * len(text)
        for word in self._terms:
            length = len(word)
            start = text.find(word)
            while start >= 0:
                for p in range(start, start + length):
                    if cover[p] < length:
                        cover[p] = length
                start = text.find(word, start + 1)
        return cover

    def _correct_run(self, run: str, base: int, cover: list[int]) -> list[Change]:
        n = len(run)
        readings = [_fuzzy_readings(ch) for ch in run]
        words_at: list[tuple[int, int]] | None = None
        changes: list[Change] = []
        i = 0
        while i < n - 1:
            candidates = [
                term
                for r0 in readings[i]
                for r1 in readings[i + 1]
                for term in self._index.get((r0, r1), ())
            ]
            found = None
            for term in sorted(candidates, key=lambda t: t.rank) if len(candidates) > 1 else candidates:
                length = len(term.text)
                if i + length > n or max(cover[base + i:base + i + length]) >= length:
                    continue
                span = run[i:i + length]
                if not all(term.fuzzy[k] in readings[i + k] for k in range(2, length)):
                    continue
                freq = self._freq.get(span, 0)
                if freq >= MIN_WORD_FREQ:
                    continue
                if length == 2:
                    # Two syllables match by chance far more often than four: the reading must be exact,
                    # the span no word at all, and its changed characters not part of a word around it
                    # (应当为 is 应当 + 为, not 党委).
                    if freq or not all(term.exact[k] in char_readings(run[i + k]) for k in range(2)):
                        continue
                    if words_at is None:
                        words_at = _word_spans(run)
                    if self._changes_a_word(run, i, term.text, words_at):
                        continue
                found = term
                break
            if found is None:
                i += 1
                continue
            length = len(found.text)
            changes.append(Change(base + i, base + i + length, run[i:i + length], found.text, found.source))
            i += length
        return changes

    def _changes_a_word(self, run: str, i: int, new: str, words_at: list[tuple[int, int]]) -> bool:
        """True when a character the correction would change belongs to a dictionary word reaching outside the
        span: the context then supports the character as heard. (上党/科 still becomes 上党课: 党 is kept.)"""
        end = i + len(new)
        for k, ch in enumerate(new):
            if run[i + k] == ch:
                continue
            w_start, w_end = words_at[i + k]
            if w_end - w_start >= 2 and (w_start < i or w_end > end):
                if self._freq.get(run[w_start:w_end], 0) >= MIN_WORD_FREQ:
                    return True
        return False


def _word_spans(run: str) -> list[tuple[int, int]]:
    """For each offset of a CJK run, the (start, end) of the jieba word holding it."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for word in _dag_cut(run):
        spans.extend([(pos, pos + len(word))] * len(word))
        pos += len(word)
    return spans


@lru_cache(maxsize=64)
def _corrector(glossary: tuple[str, ...]) -> Corrector:
    return Corrector(glossary)


def correct(text: str, glossary: Iterable[str] = ()) -> Corrected:
    """Correct ``text`` against ``glossary`` and the domain lexicon (one Corrector per glossary, cached)."""
    return _corrector(tuple(g for g in glossary or () if isinstance(g, str))).correct(text)


def correct_lines(lines: list, glossary: Iterable[str], language: str | None) -> int:
    """Keep each line's recogniser text in ``raw_text`` and correct its ``text`` (Chinese talks, and only when
    settings.ASR_CORRECTION is on). Returns the number of corrected spans."""
    for line in lines:
        line.raw_text = line.text
    if not getattr(settings, "ASR_CORRECTION", True) or not (language or "").startswith(("zh", "yue")):
        return 0
    corrector = _corrector(tuple(glossary or ()))
    count = 0
    for line in lines:
        fixed = corrector.correct(line.text)
        if fixed.changes:
            line.text = fixed.text
            count += len(fixed.changes)
    return count
