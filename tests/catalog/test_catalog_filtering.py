import pytest
from django.test import Client

from content_library.models import Category
from tests.factories import catalog_home, make_course, role


@pytest.fixture
def catalog(db):
    theory = Category.objects.create(name="理论学习", slug="theory")
    safety = Category.objects.create(name="安全生产", slug="safety")
    return {
        "all": make_course("党章党规学习", tier="required_all", categories=[theory]),
        "sec": make_course("支部书记培训", tier="role_required", categories=[theory],
                           audience_roles=[role("branch_secretary")]),
        "elective": make_course("安全生产专题", tier="elective", categories=[safety]),
        "draft": make_course("草稿课程", tier="elective", categories=[safety], live=False),
    }


def titles(response):
    return sorted(c["title"] for c in response.json()["results"])


def test_api_filters_by_tier_category_and_role(catalog, member_api):
    assert titles(member_api.get("/api/v1/courses/")) == ["党章党规学习", "安全生产专题", "支部书记培训"]
    assert titles(member_api.get("/api/v1/courses/?tier=required_all")) == ["党章党规学习"]
    assert titles(member_api.get("/api/v1/courses/?category=safety")) == ["安全生产专题"]
    assert titles(member_api.get("/api/v1/courses/?role=branch_secretary")) == ["支部书记培训"]
    assert titles(member_api.get("/api/v1/courses/?tier=elective&category=theory")) == []


def test_catalog_page_groups_by_tier_and_filters(catalog):
    client = Client()
    page = catalog_home()
    html = client.get(page.url).content.decode()
    # tiers appear in order: required for all, role-required, elective
    assert html.index("党章党规学习") < html.index("支部书记培训") < html.index("安全生产专题")
    assert "草稿课程" not in html
    filtered = client.get(page.url, {"category": "safety"}).content.decode()
    assert "安全生产专题" in filtered and "党章党规学习" not in filtered
    by_role = client.get(page.url, {"role": "branch_secretary"}).content.decode()
    assert "支部书记培训" in by_role and "安全生产专题" not in by_role


def test_catalog_shows_members_own_progress(catalog, member):
    from lms.progress.models import Enrollment
    from lms.progress.services import enroll

    enroll(member, catalog["all"])
    Enrollment.objects.filter(member=member).update(percent=40)
    client = Client()
    client.force_login(member.user)
    html = client.get(catalog_home().url).content.decode()
    assert "width: 40%" in html
