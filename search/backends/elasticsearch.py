"""Scale-out engine: Elasticsearch 8+ or OpenSearch 2+ over plain HTTP (no client library, so both work).

Settings::

    SEARCH_SEGMENT_BACKEND = "search.backends.elasticsearch.ElasticsearchSegmentBackend"
    SEARCH_SEGMENT_BACKEND_OPTIONS = {"url": "https://user:pass@es:9200", "index_prefix": "lms"}

(``url`` defaults to the ELASTICSEARCH_URL environment variable.) Analysis is the same as the embedded
engines: it happens in Python (lms.common.textanalysis) and the engine stores the tokens verbatim — a
``keyword`` array per segment, and whitespace-analyzed text fields per talk so BM25 ranks talks.
Two indices: ``<prefix>-segments`` (one document per segment, id = talk_id << 20 | index) and
``<prefix>-talks``.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

from search.models import talk_key_range

from .base import And, AndNot, Or, Prefix, SegmentIndexBackend, TalkDoc, Tok

TALK_FIELDS = (("title", 10.0), ("speaker", 5.0), ("body", 1.0))
MAX_WINDOW = 50_000
BULK_DOCS = 2_000


class SearchEngineError(RuntimeError):
    pass


def compile_segment_query(expr, field: str = "tokens") -> dict:
    """Boolean token expression → a non-scoring Elasticsearch query."""
    if isinstance(expr, Tok):
        return {"term": {field: expr.token}}
    if isinstance(expr, Prefix):
        return {"prefix": {field: expr.token}}
    if isinstance(expr, And):
        return {"bool": {"filter": [compile_segment_query(i, field) for i in expr.items]}}
    if isinstance(expr, Or):
        return {"bool": {"should": [compile_segment_query(i, field) for i in expr.items], "minimum_should_match": 1}}
    if isinstance(expr, AndNot):
        return {"bool": {"filter": [compile_segment_query(expr.positive, field)],
                         "must_not": [compile_segment_query(expr.negative, field)]}}
    raise TypeError(f"unsupported expression {expr!r}")


def compile_talk_query(expr) -> dict:
    """Boolean token expression → a scoring query over the talk fields (title and speaker boosted)."""
    if isinstance(expr, (Tok, Prefix)):
        kind = "term" if isinstance(expr, Tok) else "prefix"
        return {"dis_max": {"queries": [{kind: {f: {"value": expr.token, "boost": boost}}}
                                        for f, boost in TALK_FIELDS]}}
    if isinstance(expr, And):
        return {"bool": {"must": [compile_talk_query(i) for i in expr.items]}}
    if isinstance(expr, Or):
        return {"bool": {"should": [compile_talk_query(i) for i in expr.items], "minimum_should_match": 1}}
    if isinstance(expr, AndNot):
        return {"bool": {"must": [compile_talk_query(expr.positive)],
                         "must_not": [compile_segment_query(expr.negative, "body")]}}
    raise TypeError(f"unsupported expression {expr!r}")


class ElasticsearchSegmentBackend(SegmentIndexBackend):
    name = "elasticsearch"
    deletes_by_content = False

    def __init__(self, url: str | None = None, index_prefix: str = "lms", timeout: float = 30.0):
        url = url or os.environ.get("ELASTICSEARCH_URL", "")
        if not url:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured("ElasticsearchSegmentBackend needs a url (or ELASTICSEARCH_URL).")
        parts = urlsplit(url)
        self.auth = None
        if parts.username:
            creds = f"{parts.username}:{parts.password or ''}".encode()
            self.auth = "Basic " + base64.b64encode(creds).decode()
            netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
            parts = parts._replace(netloc=netloc)
        self.base = urlunsplit(parts).rstrip("/")
        self.segments = f"{index_prefix}-segments"
        self.talks = f"{index_prefix}-talks"
        self.timeout = timeout
        self._ready = False

    # ----------------------------------------------------------------------------- HTTP
    def _request(self, method: str, path: str, body=None, ndjson: bool = False, ok=(200, 201)):
        data = None
        headers = {"Accept": "application/json"}
        if body is not None:
            if ndjson:
                data = ("\n".join(json.dumps(line, ensure_ascii=False) for line in body) + "\n").encode()
                headers["Content-Type"] = "application/x-ndjson"
            else:
                data = json.dumps(body, ensure_ascii=False).encode()
                headers["Content-Type"] = "application/json"
        if self.auth:
            headers["Authorization"] = self.auth
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
                payload = response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            payload, status = exc.read(), exc.code
        except urllib.error.URLError as exc:
            raise SearchEngineError(f"Search engine unreachable at {self.base}: {exc.reason}") from exc
        result = json.loads(payload or b"{}")
        if status not in ok:
            raise SearchEngineError(f"{method} {path} failed ({status}): {json.dumps(result)[:500]}")
        return result

    def ensure_indices(self) -> None:
        if self._ready:
            return
        settings = {"index": {"max_result_window": MAX_WINDOW}}
        specs = {
            self.segments: {"settings": settings, "mappings": {"_source": {"enabled": False}, "properties": {
                "tokens": {"type": "keyword"}, "key": {"type": "long"}, "talk_id": {"type": "long"}}}},
            self.talks: {"settings": settings, "mappings": {"properties": {
                "talk_id": {"type": "long"},
                **{f: {"type": "text", "analyzer": "whitespace"} for f, _b in TALK_FIELDS}}}},
        }
        for index, spec in specs.items():
            if not self._index_exists(index):
                self._request("PUT", f"/{index}", spec)
        self._ready = True

    def _index_exists(self, index: str) -> bool:
        result = self._request("GET", f"/{index}", ok=(200, 404))
        return index in result

    def _refresh(self) -> None:
        self._request("POST", f"/{self.segments},{self.talks}/_refresh")

    # ----------------------------------------------------------------------------- writing
    def _delete_talk(self, talk_id: int) -> None:
        lo, hi = talk_key_range(talk_id)
        self._request("POST", f"/{self.segments}/_delete_by_query?refresh=true&conflicts=proceed",
                      {"query": {"range": {"key": {"gte": lo, "lte": hi}}}})
        self._request("DELETE", f"/{self.talks}/_doc/{talk_id}?refresh=true", ok=(200, 404))

    def index_talk(self, doc: TalkDoc, old: TalkDoc | None) -> None:
        self.ensure_indices()
        if old is not None:
            self._delete_talk(doc.talk_id)
        lines: list = []
        for seg in doc.segments:
            lines.append({"index": {"_index": self.segments, "_id": str(seg.key)}})
            lines.append({"tokens": list(dict.fromkeys(seg.tokens)), "key": seg.key, "talk_id": doc.talk_id})
            if len(lines) >= 2 * BULK_DOCS:
                self._bulk(lines)
                lines = []
        lines.append({"index": {"_index": self.talks, "_id": str(doc.talk_id)}})
        lines.append({"talk_id": doc.talk_id, "title": " ".join(doc.title_tokens),
                      "speaker": " ".join(doc.speaker_tokens), "body": " ".join(doc.body_tokens)})
        self._bulk(lines)
        self._refresh()

    def _bulk(self, lines: list) -> None:
        result = self._request("POST", "/_bulk", lines, ndjson=True)
        if result.get("errors"):
            first = next((i for i in result.get("items", []) if next(iter(i.values())).get("error")), {})
            raise SearchEngineError(f"Bulk indexing failed: {json.dumps(first)[:500]}")

    def remove_talk(self, old: TalkDoc) -> None:
        self.ensure_indices()
        self._delete_talk(old.talk_id)

    def reset(self) -> None:
        for index in (self.segments, self.talks):
            self._request("DELETE", f"/{index}", ok=(200, 404))
        self._ready = False
        self.ensure_indices()

    def finish_rebuild(self) -> None:
        self._refresh()

    # ----------------------------------------------------------------------------- reading
    def match_talks(self, expr) -> dict[int, float]:
        if expr is None:
            return {}
        self.ensure_indices()
        result = self._request("POST", f"/{self.talks}/_search", {
            "query": compile_talk_query(expr), "size": MAX_WINDOW, "_source": False, "track_total_hits": False})
        return {int(h["_id"]): float(h["_score"] or 0.0) for h in result["hits"]["hits"]}

    def match_talk_titles(self, expr) -> set[int]:
        if expr is None:
            return set()
        self.ensure_indices()
        result = self._request("POST", f"/{self.talks}/_search", {
            "query": {"bool": {"filter": [compile_segment_query(expr, "title")]}},
            "size": MAX_WINDOW, "_source": False, "track_total_hits": False})
        return {int(h["_id"]) for h in result["hits"]["hits"]}

    def match_segments(self, expr, *, talk_id: int | None = None, limit: int = 1000) -> list[int]:
        if expr is None:
            return []
        self.ensure_indices()
        filters = [compile_segment_query(expr)]
        if talk_id is not None:
            lo, hi = talk_key_range(talk_id)
            filters.append({"range": {"key": {"gte": lo, "lte": hi}}})
        result = self._request("POST", f"/{self.segments}/_search", {
            "query": {"bool": {"filter": filters}}, "size": min(int(limit), MAX_WINDOW),
            "sort": [{"key": "asc"}], "_source": False, "track_total_hits": False})
        return [int(h["_id"]) for h in result["hits"]["hits"]]

    def stats(self) -> dict:
        result = self._request("GET", f"/{self.segments},{self.talks}/_stats/store")
        size = result.get("_all", {}).get("primaries", {}).get("store", {}).get("size_in_bytes", 0)
        return {"engine": self.name, "fulltext_bytes": int(size)}
