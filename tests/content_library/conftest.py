import pytest
from django.core.files.base import ContentFile

from content_library.models import Talk, TranscriptSegment
from tests.factories import MemberFactory, UserFactory, org_unit

PROCESSED = []


def record_processing(talk, *, sync=False):
    """Stand-in for media_pipeline.pipeline.submit in page/API/admin tests (settings.TALK_PROCESSOR)."""
    PROCESSED.append((talk.pk, sync))
    return "run-id"


@pytest.fixture
def processed(settings):
    settings.TALK_PROCESSOR = "tests.content_library.conftest.record_processing"
    PROCESSED.clear()
    return PROCESSED


@pytest.fixture
def org(db):
    """公司党委 ─┬─ 第一党支部 ── 第一党小组
                 └─ 第二党支部"""
    return {
        "root": org_unit("公司党委"),
        "branch1": org_unit("公司党委/第一党支部"),
        "group1": org_unit("公司党委/第一党支部/第一党小组"),
        "branch2": org_unit("公司党委/第二党支部"),
    }


@pytest.fixture
def people(org):
    return {
        "root_member": MemberFactory(org_unit=org["root"]),
        "branch1_member": MemberFactory(org_unit=org["branch1"]),
        "group1_member": MemberFactory(org_unit=org["group1"]),
        "branch2_member": MemberFactory(org_unit=org["branch2"]),
        "trainer": MemberFactory(org_unit=org["branch2"], roles=["member", "trainer"]),
        "hr": MemberFactory(org_unit=org["root"], roles=["member", "hr"]),
        "outsider": UserFactory(),  # a login without a member record
    }


MEDIA_BYTES = bytes(range(256)) * 40  # 10 240 bytes, every offset distinguishable


def make_ready_talk(title="党课", *, segments=(("同志们好。", 0.5, 2.0), ("今天学习党章。", 2.5, 5.0)), **fields):
    fields.setdefault("has_video", True)
    talk = Talk.objects.create(title=title, status=Talk.Status.READY, progress=100, duration=10.0, **fields)
    talk.source_file.save("talk.mp4", ContentFile(MEDIA_BYTES), save=False)
    vtt = "WEBVTT\n\n1\n00:00:00.500 --> 00:00:02.000\n同\n".encode()
    talk.captions.save("talk.vtt", ContentFile(vtt), save=False)
    talk.save()
    TranscriptSegment.objects.bulk_create(
        TranscriptSegment(talk=talk, index=i, text=text, start=start, end=end, words=[], confidence=0.9)
        for i, (text, start, end) in enumerate(segments)
    )
    return talk


@pytest.fixture
def talks(org, people):
    return {
        "org_wide": make_ready_talk("全员党课"),
        "branch1": make_ready_talk("第一支部专题", visibility=Talk.Visibility.SUBTREE, org_unit=org["branch1"]),
        "group1": make_ready_talk("小组学习", visibility=Talk.Visibility.SUBTREE, org_unit=org["group1"]),
        "branch2": make_ready_talk("第二支部专题", visibility=Talk.Visibility.SUBTREE, org_unit=org["branch2"]),
        "root_subtree": make_ready_talk("党委全体", visibility=Talk.Visibility.SUBTREE, org_unit=org["root"]),
    }
