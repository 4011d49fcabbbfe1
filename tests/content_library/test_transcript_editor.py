"""The transcript editor: a line or a term across the talk; captions, transcript and search follow; history kept."""

import pytest
from django.db.models import F
from django.test import Client

from content_library import transcripts
from content_library.models import Talk, TranscriptEdit, TranscriptSegment
from search import services as search
from search.indexing import index_talk
from tests.factories import MemberFactory, UserFactory

from .conftest import make_ready_talk

LINES = (("今天这堂党科讲三会一课。", 0.5, 4.0), ("党科要联系实际。", 4.5, 7.0), ("大家认真学习。", 7.5, 9.0))


@pytest.fixture
def editor(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(username="editor", is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def talk(db):
    talk = make_ready_talk("专题党课", segments=LINES)
    TranscriptSegment.objects.filter(talk=talk).update(raw_text=F("text"))
    index_talk(talk.pk)
    return talk


def url(talk):
    return f"/admin/talks/transcript/{talk.pk}/"


def texts(talk):
    return list(talk.segments.order_by("index").values_list("text", flat=True))


def captions(talk):
    talk.refresh_from_db()
    with talk.captions.open("rb") as fh:
        return fh.read().decode()


def moments(user, q):
    """The transcript lines search shows for ``q`` (what a member sees under the hit)."""
    return [m.text for hit in search.search(user, q).hits if hit.type == "talk" for m in hit.moments]


def test_a_term_replaced_everywhere_reaches_captions_transcript_and_search(editor, talk,
                                                                           django_capture_on_commit_callbacks):
    member = MemberFactory(roles=["member"])
    assert "党科要联系实际。" in moments(member.user, "党课要联系实际")  # found by sound, reads wrong
    old_captions = talk.captions.name
    with django_capture_on_commit_callbacks(execute=True):
        r = editor.post(url(talk), {"action": "term", "old": "党科", "new": "党课"})
    assert r.status_code == 302
    assert texts(talk) == ["今天这堂党课讲三会一课。", "党课要联系实际。", "大家认真学习。"]
    # The recogniser's text stays beside the corrected one.
    assert list(talk.segments.order_by("index").values_list("raw_text", flat=True))[:2] == [LINES[0][0], LINES[1][0]]
    vtt = captions(talk)
    assert "党课要联系实际" in vtt and "党科" not in vtt and talk.captions.name != old_captions
    assert not talk.captions.storage.exists(old_captions)
    shown = moments(member.user, "党课要联系实际")
    assert "党课要联系实际。" in shown and "党科要联系实际。" not in shown
    edit = TranscriptEdit.objects.get(talk=talk)
    assert (edit.kind, edit.old_text, edit.new_text, edit.lines_changed, edit.created_by.username) == (
        "term", "党科", "党课", 2, "editor")
    page = editor.get(url(talk)).content.decode()
    assert "History of edits" in page and "党科" in page and "editor" in page


def test_a_line_is_corrected_and_the_talk_page_shows_it(editor, talk, django_capture_on_commit_callbacks):
    line = talk.segments.get(index=2)
    with django_capture_on_commit_callbacks(execute=True):
        r = editor.post(url(talk), {"action": "line", "segment": line.pk, "text": "  大家認真學習黨章。 "})
    assert r.status_code == 302
    line.refresh_from_db()
    assert line.text == "大家认真学习党章。"  # stored Simplified, spaces tidied
    assert line.raw_text == "大家认真学习。"
    assert "大家认真学习党章" in captions(talk)
    edit = TranscriptEdit.objects.get(talk=talk)
    assert (edit.kind, edit.start, edit.end, edit.old_text) == ("line", 7.5, 9.0, "大家认真学习。")
    member = MemberFactory(roles=["member"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member.user)
    assert "大家认真学习党章。" in client.get(f"/talks/{talk.pk}/").content.decode()


@pytest.mark.parametrize("data,message", [
    ({"action": "term", "old": "", "new": "党课"}, "cannot be empty"),
    ({"action": "term", "old": "党科", "new": "党科"}, "same as the term"),
    ({"action": "term", "old": "不存在", "new": "党课"}, "does not occur"),
    ({"action": "term", "old": "党" * 51, "new": "党课"}, "longer than 50"),
    ({"action": "line", "segment": "abc", "text": "x"}, "Choose a line"),
    ({"action": "line", "segment": "999999", "text": "新的"}, "not part of the talk"),
    ({"action": "line", "segment": "FIRST", "text": "   "}, "cannot be empty"),
    ({"action": "line", "segment": "FIRST", "text": "今天这堂党科讲三会一课。"}, "unchanged"),
    ({"action": "line", "segment": "FIRST", "text": "字" * 1001}, "longer than 1000"),
    ({"action": "drop"}, "Unknown action"),
])
def test_bad_edits_are_refused_and_change_nothing(editor, talk, data, message):
    if data.get("segment") == "FIRST":
        data = {**data, "segment": talk.segments.get(index=0).pk}
    before_captions = talk.captions.name
    r = editor.post(url(talk), data)
    assert r.status_code == 400 and message in r.content.decode()
    assert texts(talk) == [line[0] for line in LINES]
    assert not TranscriptEdit.objects.exists()
    talk.refresh_from_db()
    assert talk.captions.name == before_captions


def test_a_line_of_another_talk_cannot_be_edited_through_this_one(editor, talk):
    other = make_ready_talk("另一个", segments=(("别的内容。", 0.0, 1.0),))
    r = editor.post(url(talk), {"action": "line", "segment": other.segments.get().pk, "text": "改掉"})
    assert r.status_code == 400
    assert other.segments.get().text == "别的内容。"


def test_members_without_the_change_permission_cannot_edit(talk):
    member = MemberFactory(roles=["member"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member.user)
    r = client.post(url(talk), {"action": "term", "old": "党科", "new": "党课"})
    assert r.status_code in (302, 403)
    assert texts(talk)[1] == "党科要联系实际。"
    assert client.get(url(talk)).status_code in (302, 403)


class Line:
    def __init__(self, text, start, end):
        self.text, self.start, self.end = text, start, end


def test_edits_are_reapplied_to_a_new_transcript_where_they_still_match(talk):
    transcripts.replace_term(talk, "党科", "党课")
    transcripts.edit_line(talk, talk.segments.get(index=2).pk, "大家认真学习党章。")
    transcripts.edit_line(talk, talk.segments.get(index=0).pk, "今天这堂党课讲“三会一课”。")
    # The re-transcription hears the first line differently, so that edit no longer matches.
    new_lines = [Line("今天这堂党科讲三会一课制度。", 0.6, 4.2), Line("党科要联系实际。", 4.5, 7.0),
                 Line("大家认真学习。", 7.4, 9.1)]
    result = transcripts.reapply_edits(talk.pk, new_lines)
    assert (result.applied, result.no_longer_match) == (2, 1)
    assert [line.text for line in new_lines] == [
        "今天这堂党课讲三会一课制度。", "党课要联系实际。", "大家认真学习党章。"]
    states = dict(TranscriptEdit.objects.values_list("new_text", "still_matches"))
    assert states == {"党课": True, "大家认真学习党章。": True, "今天这堂党课讲“三会一课”。": False}
    assert Talk.objects.get(pk=talk.pk).transcript_edits.filter(last_reapplied_at__isnull=False).count() == 3
