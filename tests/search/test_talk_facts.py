"""Search keeps every talk's visibility and facet values in memory (search.talk_facts): any change
saved to a talk or a category must show in the very next search, in hits and in facet counts."""

import pytest

from content_library.models import Category, Talk
from search import services, talk_facts
from tests.factories import MemberFactory, org_unit
from tests.search.helpers import make_talk_with_segments

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    branch_a = org_unit("公司党委/第一党支部")
    branch_b = org_unit("公司党委/第二党支部")
    theory = Category.objects.create(name="理论学习", slug="theory")
    talk = make_talk_with_segments("全公司专题党课", [(1.0, 5.0, "认真落实三会一课制度")], category=theory,
                                   speaker="李老师", recorded_on="2024-03-01")
    return {"talk": talk, "theory": theory, "branch_a": branch_a,
            "member_a": MemberFactory(org_unit=branch_a), "member_b": MemberFactory(org_unit=branch_b)}


def facet(result, name):
    return {f["value"]: f["count"] for f in result.facets[name]}


def test_visibility_change_applies_to_the_next_search(setup):
    member_b, talk = setup["member_b"].user, setup["talk"]
    assert services.search(member_b, "三会一课").count == 1
    talk.visibility, talk.org_unit = Talk.Visibility.SUBTREE, setup["branch_a"]
    talk.save()
    hidden = services.search(member_b, "三会一课")
    assert hidden.count == 0 and facet(hidden, "speaker") == {}
    assert services.search(setup["member_a"].user, "三会一课").count == 1


def test_facet_values_follow_edits_of_talks_and_categories(setup):
    user, talk, theory = setup["member_a"].user, setup["talk"], setup["theory"]
    assert facet(services.search(user, "三会一课"), "speaker") == {"李老师": 1}
    talk.speaker, talk.recorded_on = "王书记", "2022-07-01"
    talk.save()
    result = services.search(user, "三会一课")
    assert facet(result, "speaker") == {"王书记": 1} and facet(result, "year") == {2022: 1}
    theory.name = "理论武装"
    theory.save()
    assert [f["label"] for f in services.search(user, "三会一课").facets["category"]] == ["理论武装"]
    theory.delete()
    assert facet(services.search(user, "三会一课"), "category") == {}


def test_pipeline_progress_saves_keep_the_snapshot(setup):
    before = talk_facts.snapshot()
    talk = setup["talk"]
    talk.progress = 50
    talk.save(update_fields=["progress", "updated_at"])
    assert talk_facts.snapshot() is before
    talk.title = "新标题"
    talk.save(update_fields=["title"])
    assert talk_facts.snapshot() is not before


def test_deleted_talk_disappears(setup):
    user = setup["member_a"].user
    setup["talk"].delete()
    assert services.search(user, "三会一课").count == 0


def test_without_a_stamp_every_search_reads_afresh(setup):
    from search.models import SnapshotStamp

    SnapshotStamp.objects.all().delete()
    first = talk_facts.snapshot()
    assert first.token is None and talk_facts.snapshot() is not first
    talk_facts.bump()
    assert SnapshotStamp.objects.get(name=talk_facts.STAMP).token
