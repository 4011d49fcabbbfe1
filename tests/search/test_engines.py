"""The engine contract, checked on every engine: the embedded engine of the test database (SQLite FTS5, and
PostgreSQL tsvector in make test's PostgreSQL run) and Elasticsearch/OpenSearch (when ELASTICSEARCH_URL
is set). The whole search service also runs on Elasticsearch when it is available."""

import os
import uuid

import pytest
from django.db import connection
from django.test import override_settings
from django.utils.module_loading import import_string

from lms.common import textanalysis as analysis
from search import services
from search.backends import EMBEDDED, reset_backend_cache
from search.backends.base import And, AndNot, Or, Prefix, SegmentDoc, TalkDoc, Tok
from search.backends.elasticsearch import compile_segment_query, compile_talk_query
from search.backends.postgres import compile_tsquery, tsvector_literal, weighted_tsvector_literal
from search.backends.sqlite import compile_fts5
from search.models import segment_key
from tests.factories import UserFactory
from tests.search.helpers import make_talk_with_segments

ES_URL = os.environ.get("ELASTICSEARCH_URL", "")
needs_es = pytest.mark.skipif(not ES_URL, reason="ELASTICSEARCH_URL not set: Elasticsearch/OpenSearch tests skipped")


def talk_doc(talk_id: int, title: str, lines: list[str]) -> TalkDoc:
    title_tokens, speaker_tokens, seg_tokens = analysis.talk_tokens(title, "", lines)
    return TalkDoc(
        talk_id=talk_id, title=title, speaker="", title_tokens=title_tokens, speaker_tokens=speaker_tokens,
        segments=[SegmentDoc(key=segment_key(talk_id, i), talk_id=talk_id, index=i, start=i * 5.0,
                             end=i * 5.0 + 4, text=text, tokens=toks)
                  for i, (text, toks) in enumerate(zip(lines, seg_tokens, strict=True))],
    )


def check_contract(backend):
    """Index three talks, re-index one, remove one, and check every kind of match."""
    backend.reset()
    a = talk_doc(7, "三会一课专题", ["今天学习三会一课", "支部书记带头", "安全第一"])
    b = talk_doc(8, "安全讲座", ["知部书记讲话", "隐患排查"])
    c = talk_doc(9, "其他", ["三会一课"])
    for doc in (a, b, c):
        backend.index_talk(doc, None)
    backend.remove_talk(c)
    new_b = talk_doc(8, "安全讲座", ["隐患排查", "知部书记讲话", "near-miss report"])
    backend.index_talk(new_b, b)
    backend.finish_rebuild()

    exact = Tok("三会一课")
    assert backend.match_segments(exact) == [segment_key(7, 0)]
    assert set(backend.match_talks(exact)) == {7}
    assert backend.match_talk_titles(exact) == {7}
    assert backend.match_talk_titles(Tok("隐患排查")) == set()
    pinyin = And((Tok("p_zhi_bu"), Tok("p_bu_shu"), Tok("p_shu_ji")))
    assert backend.match_segments(pinyin) == [segment_key(7, 1), segment_key(8, 1)]
    assert backend.match_segments(AndNot(pinyin, Tok("支部书记"))) == [segment_key(8, 1)]
    assert backend.match_segments(pinyin, talk_id=8) == [segment_key(8, 1)]
    assert backend.match_segments(Or((Tok("隐患排查"), Tok("三会一课")))) == [segment_key(7, 0), segment_key(8, 0)]
    assert backend.match_segments(And((Tok("near"), Tok("miss"), Tok("nearmiss")))) == [segment_key(8, 2)]
    assert backend.match_segments(Prefix("隐患")) == [segment_key(8, 0)]
    assert backend.match_segments(Tok("安全"), limit=1) == [segment_key(7, 2)]
    # Per-talk aggregation and batched per-talk lookups (the pronunciation tiers use these).
    assert backend.count_segments_by_talk(pinyin) == {7: 1, 8: 1}
    assert backend.count_segments_by_talk(Or((Tok("三会一课"), Tok("支部书记"), Tok("安全")))) == {7: 3}
    assert backend.count_segments_by_talk(AndNot(pinyin, Tok("支部书记"))) == {8: 1}
    assert backend.match_segments_of_talks(pinyin, [8, 7, 8]) == {7: [segment_key(7, 1)], 8: [segment_key(8, 1)]}
    anything_of_7 = Or((Tok("三会一课"), Tok("支部书记"), Tok("安全")))
    first_two = {7: [segment_key(7, 0), segment_key(7, 1)]}
    assert backend.match_segments_of_talks(anything_of_7, [7], per_talk=2) == first_two
    assert backend.match_segments_of_talks(exact, [8]) == {}
    assert backend.match_segments_of_talks(exact, []) == {}
    # Talk-level pronunciation documents (engines without one answer None), kept through re-index
    # and removal: talk 9 was removed, talk 8 re-indexed.
    sounds = backend.match_talk_sounds(And((Tok("p_zhi_bu"), Tok("p_shu_ji"))))
    assert sounds is None or sounds == {7, 8}
    assert backend.match_talk_sounds(Tok("p_san_hui")) in (None, {7})
    assert backend.match_talk_sounds(Tok("p_pai_cha")) in (None, {8})
    # Title boost: a word in a title ranks that talk first.
    ranks = backend.match_talks(Tok("安全"))
    assert set(ranks) == {7, 8} and ranks[8] > ranks[7]


@pytest.mark.django_db
def test_embedded_engine_contract():
    """The engine of the database the suite runs on: SQLite FTS5, or PostgreSQL in make test's second run."""
    backend = import_string(EMBEDDED[connection.vendor])()
    check_contract(backend)
    if connection.vendor == "sqlite":  # only FTS5 keeps a talk-level pronunciation table
        assert backend.match_talk_sounds(Tok("f_zi_bu")) == {7, 8}


@needs_es
def test_elasticsearch_engine_contract():
    from search.backends.elasticsearch import ElasticsearchSegmentBackend

    backend = ElasticsearchSegmentBackend(url=ES_URL, index_prefix=f"lms-test-{uuid.uuid4().hex[:8]}")
    try:
        check_contract(backend)
    finally:
        for index in (backend.segments, backend.talks):
            backend._request("DELETE", f"/{index}", ok=(200, 404))


@needs_es
@pytest.mark.django_db
def test_search_service_ranks_tiers_on_elasticsearch():
    prefix = f"lms-test-{uuid.uuid4().hex[:8]}"
    options = {"url": ES_URL, "index_prefix": prefix}
    with override_settings(SEARCH_SEGMENT_BACKEND="search.backends.elasticsearch.ElasticsearchSegmentBackend",
                           SEARCH_SEGMENT_BACKEND_OPTIONS=options):
        reset_backend_cache()
        try:
            admin = UserFactory(is_superuser=True)
            fuzzy = make_talk_with_segments("丙", [(1.0, 4.0, "子部书记要带头学习")])
            pinyin = make_talk_with_segments("乙", [(3.0, 6.0, "知部书记要带头学习")])
            exact = make_talk_with_segments("甲", [(4.0, 7.0, "支部书记要带头学习")])
            result = services.search(admin, "支部书记")
            assert [h.id for h in result.hits] == [exact.pk, pinyin.pk, fuzzy.pk]
            assert result.hits[0].moments[0].highlight == "<mark>支部书记</mark>要带头学习"
        finally:
            from search.backends import get_backend

            backend = get_backend()
            for index in (backend.segments, backend.talks):
                backend._request("DELETE", f"/{index}", ok=(200, 404))
            reset_backend_cache()
    reset_backend_cache()


def test_query_compilers_quote_tokens():
    expr = AndNot(And((Tok('a"b'), Prefix("党"))), Or((Tok("x'y"), Tok("p_san_hui"))))
    assert compile_fts5(expr) == '(("a""b" AND "党"*) NOT ("x\'y" OR "p_san_hui"))'
    assert compile_tsquery(expr) == "(('a\"b' & '党':*) & !('x''y' | 'p_san_hui'))"
    assert compile_tsquery(Tok("标题"), weight="A") == "'标题':A"
    assert tsvector_literal(["a", "b", "a", "it's"]) == "'a' 'b' 'it''s'"
    assert weighted_tsvector_literal([(["t"], "A"), (["b", "t"], "D")]) == "'t':1A,3 'b':2"
    assert compile_segment_query(expr)["bool"]["must_not"][0]["bool"]["should"][1] == {"term": {"tokens": "p_san_hui"}}
    title_clause = compile_talk_query(Tok("安全"))["dis_max"]["queries"][0]
    assert title_clause == {"term": {"title": {"value": "安全", "boost": 10.0}}}
