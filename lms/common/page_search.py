"""Chinese-aware Wagtail search for pages.

Wagtail's database backend on SQLite (FTS5) does not segment Chinese: a title like 专题党课学习 is one
token and searching 党课 finds nothing. Pages that use ``SegmentedSearchMixin`` and list
``SEGMENTED_SEARCH_FIELD`` in their ``search_fields`` also index their title, summary, body and
categories as jieba-segmented, normalized words (the same analysis as transcripts), and
search.services queries with the same analysis. Imports nothing from Django models, so page modules
can import it.
"""

from django.utils.html import strip_tags
from wagtail.search import index

from .textanalysis import analyze

SEGMENTED_SEARCH_FIELD = index.SearchField("search_segmented_text")


class SegmentedSearchMixin:
    def search_segmented_parts(self) -> list[str]:
        parts = [self.title, getattr(self, "summary", "") or "", getattr(self, "search_description", "") or ""]
        body = getattr(self, "body", None)
        stream_block = getattr(body, "stream_block", None)
        if stream_block is not None:
            parts.extend(strip_tags(str(text)) for text in stream_block.get_searchable_content(body))
        categories = getattr(self, "categories", None)
        if categories is not None and self.pk:
            parts.extend(c.name for c in categories.all())
        return parts

    def search_segmented_text(self) -> str:
        return " ".join(dict.fromkeys(analyze(" ".join(p for p in self.search_segmented_parts() if p),
                                              with_pinyin=False).exact))
