"""Visibility: a talk limited to one branch never shows up for others — not in hits, not in facets,
not in suggestions."""

import pytest
from rest_framework.test import APIClient

from content_library.models import Category, Talk
from search import services
from tests.factories import MemberFactory, org_unit
from tests.search.helpers import make_talk_with_segments

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    branch_a = org_unit("公司党委/第一党支部")
    branch_b = org_unit("公司党委/第二党支部")
    secret_cat = Category.objects.create(name="支部内部", slug="internal")
    public_cat = Category.objects.create(name="理论学习", slug="theory")
    secret = make_talk_with_segments(
        "第一支部内部党课", [(0.0, 4.0, "三会一课要落实到位"), (5.0, 9.0, "八项规定要牢记")],
        visibility=Talk.Visibility.SUBTREE, org_unit=branch_a, category=secret_cat, speaker="张书记",
        recorded_on="2023-05-01",
    )
    public = make_talk_with_segments(
        "全公司专题党课", [(1.0, 5.0, "认真落实三会一课制度")],
        visibility=Talk.Visibility.ORGANIZATION, category=public_cat, speaker="李老师", recorded_on="2024-03-01",
    )
    return {
        "secret": secret, "public": public,
        "member_a": MemberFactory(org_unit=org_unit("公司党委/第一党支部/第一党小组")),
        "member_b": MemberFactory(org_unit=branch_b),
    }


def facet(result, name):
    return {f["value"]: f["count"] for f in result.facets[name]}


def test_branch_only_talk_is_invisible_to_other_branches_even_in_facets(setup):
    result = services.search(setup["member_b"].user, "三会一课")
    assert [h.id for h in result.hits] == [setup["public"].pk]
    assert result.count == 1
    assert facet(result, "type") == {"talk": 1}
    assert facet(result, "category") == {"theory": 1}
    assert facet(result, "speaker") == {"李老师": 1}
    assert facet(result, "year") == {2024: 1}
    # A word only the secret talk contains finds nothing at all.
    only_secret = services.search(setup["member_b"].user, "八项规定")
    assert only_secret.count == 0 and only_secret.empty_reason == "no_results"
    assert all(not v for v in only_secret.facets.values())


def test_members_of_the_branch_and_its_sub_units_see_it(setup):
    result = services.search(setup["member_a"].user, "三会一课")
    assert {h.id for h in result.hits} == {setup["secret"].pk, setup["public"].pk}
    assert facet(result, "category") == {"internal": 1, "theory": 1}
    assert facet(result, "speaker") == {"张书记": 1, "李老师": 1}


def test_api_applies_visibility_and_needs_login(setup):
    anonymous = APIClient().get("/api/v1/search/", {"q": "三会一课"})
    assert anonymous.status_code in (401, 403)
    client = APIClient()
    client.force_authenticate(setup["member_b"].user)
    body = client.get("/api/v1/search/", {"q": "三会一课"}).json()
    assert [r["id"] for r in body["results"]] == [setup["public"].pk]
    assert {f["value"] for f in body["facets"]["category"]} == {"theory"}
    suggestions = client.get("/api/v1/search/suggest/", {"q": "党课"}).json()["suggestions"]
    assert [s["title"] for s in suggestions] == ["全公司专题党课"]


def test_filter_by_category_of_an_invisible_talk_reveals_nothing(setup):
    result = services.search(setup["member_b"].user, "三会一课", {"category": "internal"})
    assert result.count == 0
    assert facet(result, "category") == {"theory": 1}
