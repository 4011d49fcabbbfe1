"""The contract of a transcript-segment index engine.

Analysis happens in Python (lms.common.textanalysis) for every engine; an engine stores token lists and
answers boolean token expressions:

* ``match_talks(expr)``: talks whose whole-talk document (title, speaker, transcript) matches, with a
  relevance score (higher is better);
* ``match_segments(expr, talk_id=None, limit=...)``: segment keys (``talk_id << 20 | index``) in key
  order, optionally within one talk;
* ``count_segments_by_talk(expr, limit=...)``: how many segments of each talk match, and
  ``match_segments_of_talks(expr, talk_ids, per_talk=...)``: the first matches of a few talks at once
  (generic versions over ``match_segments`` are provided).

Ranking tiers, verification, highlighting, permissions and facets live in search.services and are
the same whatever the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field


# --------------------------------------------------------------------------- token expressions
@dataclass(frozen=True)
class Tok:
    token: str


@dataclass(frozen=True)
class Prefix:
    token: str


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class AndNot:
    positive: object
    negative: object


def walk(expr):
    """Every node of an expression, the root first."""
    yield expr
    if isinstance(expr, And | Or):
        for item in expr.items:
            yield from walk(item)
    elif isinstance(expr, AndNot):
        yield from walk(expr.positive)
        yield from walk(expr.negative)


def all_of(items) -> object | None:
    items = tuple(dict.fromkeys(i for i in items if i is not None))
    if not items:
        return None
    return items[0] if len(items) == 1 else And(items)


def any_of(items) -> object | None:
    items = tuple(dict.fromkeys(i for i in items if i is not None))
    if not items:
        return None
    return items[0] if len(items) == 1 else Or(items)


def but_not(positive, negative):
    if positive is None or negative is None:
        return positive
    return AndNot(positive, negative)


# --------------------------------------------------------------------------- documents
BODY_TF_CAP = 3

@dataclass
class SegmentDoc:
    key: int
    talk_id: int
    index: int
    start: float
    end: float
    text: str
    tokens: list[str] = field(default_factory=list)


@dataclass
class TalkDoc:
    talk_id: int
    title: str
    speaker: str
    segments: list[SegmentDoc]
    title_tokens: list[str] = field(default_factory=list)
    speaker_tokens: list[str] = field(default_factory=list)

    @property
    def body_tokens(self) -> list[str]:
        """Exact-tier tokens of the whole transcript (pinyin tiers are searched per segment), each at
        most ``BODY_TF_CAP`` times: enough for relevance to see frequent words, and a compact document."""
        counts: dict[str, int] = {}
        out = []
        for seg in self.segments:
            for t in seg.tokens:
                if "_" in t:  # pinyin-tier tokens, see lms.common.textanalysis
                    continue
                n = counts.get(t, 0)
                if n < BODY_TF_CAP:
                    counts[t] = n + 1
                    out.append(t)
        return out


    @property
    def sound_tokens(self) -> list[str]:
        """Every distinct pinyin and fuzzy pinyin bigram said anywhere in the talk (see
        ``SegmentIndexBackend.match_talk_sounds``)."""
        seen: dict[str, None] = {}
        for seg in self.segments:
            for t in seg.tokens:
                if t.startswith(("p_", "f_")):
                    seen[t] = None
        return list(seen)


def keys_by_talk(keys) -> dict[int, list[int]]:
    """Segment keys grouped by their talk, in the order given."""
    from search.models import talk_of

    out: dict[int, list[int]] = {}
    for key in keys:
        out.setdefault(talk_of(key), []).append(int(key))
    return out


class StaleIndexError(RuntimeError):
    """The index was built by another analyzer version: rebuild it (manage.py rebuild_search_index)."""


class SegmentIndexBackend:
    """Base class; see the module docstring. Engines override the ``_``-less public methods."""

    name = "base"

    def index_talk(self, doc: TalkDoc, old: TalkDoc | None) -> None:
        """Replace a talk's entries. ``old`` holds the previous documents with tokens (or None)."""
        raise NotImplementedError

    def remove_talk(self, old: TalkDoc) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        """Drop every entry (start of a full rebuild)."""
        raise NotImplementedError

    def finish_rebuild(self) -> None:
        """Called after a full rebuild (merge segments, refresh)."""

    def match_talks(self, expr) -> dict[int, float]:
        raise NotImplementedError

    def match_talk_titles(self, expr) -> set[int]:
        """Talks whose title alone matches."""
        raise NotImplementedError

    def match_segments(self, expr, *, talk_id: int | None = None, limit: int = 1000) -> list[int]:
        raise NotImplementedError

    def count_segments_by_talk(self, expr, *, limit: int = 20_000) -> dict[int, int]:
        """talk id → number of its segments matching, over the first ``limit`` matching segments (key
        order). Engines that can aggregate where the index lives override this."""
        return {talk: len(keys) for talk, keys in keys_by_talk(self.match_segments(expr, limit=limit)).items()}

    def match_talk_sounds(self, expr) -> set[int] | None:
        """Talks whose whole transcript has every pinyin token of ``expr`` somewhere (for a single bigram,
        exactly the talks with a segment holding it). None: this engine keeps no talk-level
        pronunciation document, callers count segments instead."""
        return None

    def match_segments_of_talks(self, expr, talk_ids, *, per_talk: int = 10) -> dict[int, list[int]]:
        """talk id → its first ``per_talk`` matching segment keys, for a few talks (a page of results)."""
        out: dict[int, list[int]] = {}
        for talk_id in dict.fromkeys(talk_ids):
            keys = self.match_segments(expr, talk_id=talk_id, limit=per_talk)
            if keys:
                out[talk_id] = keys
        return out

    def stats(self) -> dict:
        return {}
