"""Search-as-you-type suggestions over course and talk titles."""

from __future__ import annotations

from functools import lru_cache

from content_library.models import Talk
from content_library.visibility import visible_talks
from lms.catalog.access import viewable
from lms.catalog.models import CoursePage
from lms.common import textanalysis as analysis

from .results import TYPE_ORDER
from .talks import talk_url


def suggest(user, q: str, limit: int = 8) -> list[dict]:
    """Search-as-you-type over course and talk titles: substring, full pinyin or initials prefix."""
    norm = analysis.normalize((q or "").strip())[:50]
    compact = "".join(norm.split())
    if not compact:
        return []
    letters = compact.isascii() and compact.isalpha()
    out = []
    talks = visible_talks(user).filter(status=Talk.Status.READY).values_list("pk", "title")[:20000]
    candidates = [("talk", pk, title) for pk, title in talks]
    candidates += [("course", pk, title)
                   for pk, title in viewable(user, CoursePage.objects.all()).values_list("pk", "title")]
    for kind, pk, title in candidates:
        rank = _suggest_rank(title, compact, letters)
        if rank is not None:
            out.append((rank, TYPE_ORDER[kind], len(title), kind, pk, title))
    out.sort()
    results = []
    for _rank, _t, _l, kind, pk, title in out[:limit]:
        url = talk_url(pk) if kind == "talk" else _course_url(pk)
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
