"""The contract of a transcript-segment index engine.

Analysis happens in Python (search.analysis) for every engine; an engine stores token lists and
answers boolean token expressions:

* ``match_talks(expr)``: talks whose whole-talk document (title, speaker, transcript) matches, with a
  relevance score (higher is better);
* ``match_segments(expr, talk_id=None, limit=...)``: segment keys (``talk_id << 20 | index``) in key
  order, optionally within one talk.

Ranking tiers, verification, highlighting, permissions and facets live in search.service and are
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
                if "_" in t:  # pinyin-tier tokens, see search.analysis
                    continue
                n = counts.get(t, 0)
                if n < BODY_TF_CAP:
                    counts[t] = n + 1
                    out.append(t)
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

    def stats(self) -> dict:
        return {}
