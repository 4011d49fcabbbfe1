"""The segment index follows the content library: pipeline signal, re-index, removal, rebuild."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from content_library.models import Talk, TranscriptSegment
from content_library.signals import transcript_removed
from lms.common import textanalysis as analysis
from search import services
from search.backends import get_backend
from search.backends.base import StaleIndexError, Tok
from search.indexing import index_talk, rebuild, remove_talk
from search.models import IndexedSegment, IndexedTalk, segment_key
from tests.factories import UserFactory
from tests.search.helpers import asr_transcripts, make_talk_with_segments, send_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(is_superuser=True)


def fts_rows(expr_token: str) -> list[int]:
    from search.backends.base import Tok

    return get_backend().match_segments(Tok(expr_token), limit=100)


def moments(user, q):
    result = services.search(user, q)
    return [(h.title, [(m.start, m.text) for m in h.moments]) for h in result.hits]


def test_transcript_ready_indexes_the_talk(admin):
    talk = make_talk_with_segments("专题党课", [(0.0, 3.0, "同志们好"), (3.5, 8.0, "各支部要结合三会一课认真组织")])
    assert IndexedTalk.objects.get(talk_id=talk.pk).segment_count == 2
    assert fts_rows("三会一课") == [segment_key(talk.pk, 1)]
    assert moments(admin, "三会一课") == [("专题党课", [(3.5, "各支部要结合三会一课认真组织")])]


def test_reindex_replaces_old_segments_without_leftovers(admin):
    talk = make_talk_with_segments("讲座", [(0.0, 3.0, "隐患排查要做好"), (3.0, 6.0, "安全第一")])
    TranscriptSegment.objects.filter(talk=talk).delete()
    TranscriptSegment.objects.create(talk=talk, index=0, start=1.0, end=4.0, text="公开招标严禁暗箱操作")
    send_ready(talk.pk)
    assert fts_rows("隐患排查") == []
    assert fts_rows("公开招标") == [segment_key(talk.pk, 0)]
    assert IndexedSegment.objects.filter(talk_id=talk.pk).count() == 1
    assert moments(admin, "隐患排查") == []
    assert moments(admin, "公开招标") == [("讲座", [(1.0, "公开招标严禁暗箱操作")])]
    if connection.vendor == "sqlite":  # the contentless FTS table stays consistent: FTS5's own check passes
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_segment_fts(search_segment_fts, rank) VALUES('integrity-check', 0)")


def test_transcript_removed_and_talk_deletion_remove_entries(admin, django_capture_on_commit_callbacks):
    talk = make_talk_with_segments("讲座", [(0.0, 3.0, "八项规定精神")])
    with django_capture_on_commit_callbacks(execute=True):
        transcript_removed.send(sender=Talk, talk_id=talk.pk)
    assert fts_rows("八项规定") == []
    assert not IndexedTalk.objects.filter(talk_id=talk.pk).exists()
    assert services.search(admin, "八项规定").count == 0


def test_renaming_a_talk_reindexes_its_title(admin, django_capture_on_commit_callbacks):
    talk = make_talk_with_segments("旧标题", [(0.0, 3.0, "认真学习")])
    with django_capture_on_commit_callbacks(execute=True):
        talk.title = "廉洁从业警示教育"
        talk.save()
    result = services.search(admin, "警示教育")
    assert [h.id for h in result.hits] == [talk.pk]
    assert result.hits[0].title_match


def test_rebuild_command_rebuilds_everything_from_the_content_library(admin):
    data = asr_transcripts()
    talks = {key: make_talk_with_segments(key, lines) for key, lines in data.items()}
    before = {q: moments(admin, q) for q in ["三会一课", "隐患排查", "near miss"]}
    # Wreck the index: drop the full-text tables' content and the side tables.
    get_backend().reset()
    IndexedSegment.objects.all().delete()
    IndexedTalk.objects.all().delete()
    assert services.search(admin, "三会一课").count == 0
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["talks"] == len(talks)
    assert summary["segments"] == sum(len(v) for v in data.values())
    assert {q: moments(admin, q) for q in before} == before
    assert before["三会一课"][0][1][0][0] == pytest.approx(26.1)


def test_update_index_also_rebuilds_segments(admin):
    make_talk_with_segments("讲座", [(0.0, 3.0, "主题党日活动")])
    get_backend().reset()
    assert services.search(admin, "主题党日").count == 0
    call_command("update_index", verbosity=0, stdout=StringIO())
    assert moments(admin, "主题党日") == [("讲座", [(0.0, "主题党日活动")])]


def test_rebuild_with_worker_processes_gives_the_same_index(admin):
    for key, lines in asr_transcripts().items():
        make_talk_with_segments(key, lines)
    expected = {q: moments(admin, q) for q in ["三会一课", "第一责任人", "lockout"]}
    result = rebuild(workers=2)
    assert result["segments"] == IndexedSegment.objects.count()
    assert {q: moments(admin, q) for q in expected} == expected


def test_stale_analyzer_fingerprint_refuses_incremental_reindex(admin, monkeypatch):
    if not getattr(get_backend(), "deletes_by_content", False):
        pytest.skip("only engines that remove entries by their tokens depend on the analyzer version")
    talk = make_talk_with_segments("讲座", [(0.0, 3.0, "三会一课")])
    monkeypatch.setattr(analysis, "ANALYZER_VERSION", "999")
    with pytest.raises(StaleIndexError):
        index_talk(talk.pk)
    # The old entries are untouched and still found.
    assert fts_rows("三会一课") == [segment_key(talk.pk, 0)]
    from search.checks import index_fingerprint_check

    assert [w.id for w in index_fingerprint_check()] == ["search.W001"]
    rebuild()
    assert index_fingerprint_check() == []


@pytest.mark.django_db(transaction=True)
def test_flush_leaves_no_orphaned_full_text_rows():
    """`flush` (as transactional tests do) empties model tables only and talk ids start again: the
    full-text tables are cleared with them, so a new talk never inherits an old talk's words."""
    talk = make_talk_with_segments("讲座", [(0.0, 3.0, "八项规定")])
    assert fts_rows("八项规定") == [segment_key(talk.pk, 0)]
    call_command("flush", interactive=False, verbosity=0)
    assert fts_rows("八项规定") == []
    assert get_backend().match_talks(Tok("八项规定")) == {}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the talk-level pronunciation table is SQLite FTS5's")
def test_migration_fills_the_talk_sound_table_of_talks_indexed_before_it(admin):
    """Installs that indexed talks before the talk-level pronunciation table existed get it filled."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    talk = make_talk_with_segments("讲座", [(0.0, 3.0, "各位知部书记"), (3.0, 6.0, "隐患排查")])
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE search_talk_sound_fts")
    migration = importlib.import_module("search.migrations.0003_talk_sound_index")
    migration.create_and_fill(apps, SimpleNamespace(connection=connection))
    assert get_backend().match_talk_sounds(Tok("p_zhi_bu")) == {talk.pk}
    assert get_backend().match_talk_sounds(Tok("f_zi_bu")) == {talk.pk}
    # Still consistent afterwards: the talk can be re-indexed and removed.
    index_talk(talk.pk)
    assert services.search(admin, "支部书记").hits[0].id == talk.pk
    remove_talk(talk.pk)
    assert get_backend().match_talk_sounds(Tok("p_zhi_bu")) == set()
