"""GET /api/v1/search/, the suggestions endpoint and the /search/ page, with catalog pages."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from content_library.models import Category
from tests.factories import UserFactory, make_course, make_lesson
from tests.search.helpers import asr_transcripts, make_talk_with_segments

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    theory = Category.objects.create(name="理论学习", slug="theory")
    safety = Category.objects.create(name="安全生产", slug="safety")
    data = asr_transcripts()
    talks = {
        "dangke": make_talk_with_segments("专题党课：新时代党员教育培训", data["dev01_dangke"], category=theory,
                                          speaker="王书记", recorded_on="2024-06-01"),
        "anquan": make_talk_with_segments("安全生产月专题讲座", data["dev02_anquan"], category=safety,
                                          speaker="赵经理", recorded_on="2025-06-10"),
        "safety_en": make_talk_with_segments("Quarterly safety briefing", data["dev04_safety_en"], category=safety,
                                             speaker="Ms. Lee", recorded_on="2025-01-15"),
    }
    course = make_course("三会一课制度解读", tier="required_all", categories=[theory])
    course.summary = "讲解三会一课的组织方法"
    course.save_revision().publish()
    lesson = make_lesson(course, "支部如何落实三会一课")
    hidden = make_course("三会一课草稿课程", live=False)
    user = UserFactory(is_superuser=True)
    client = APIClient()
    client.force_authenticate(user)
    return {"client": client, "user": user, "talks": talks, "course": course, "lesson": lesson, "hidden": hidden}


def get(demo, **params):
    response = demo["client"].get("/api/v1/search/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_api_returns_courses_lessons_and_talk_moments(demo):
    body = get(demo, q="三会一课")
    kinds = [(r["type"], r["id"]) for r in body["results"]]
    assert kinds == [("course", demo["course"].pk), ("lesson", demo["lesson"].pk),
                     ("talk", demo["talks"]["dangke"].pk)]
    course = body["results"][0]
    assert course["title_highlight"] == "<mark>三会一课</mark>制度解读"
    assert course["tier"] == "required_all"
    assert course["categories"] == [{"slug": "theory", "name": "理论学习"}]
    talk = body["results"][2]
    [moment] = talk["moments"]
    assert moment["start"] == pytest.approx(26.1) and moment["end"] == pytest.approx(31.54)
    assert moment["highlight"] == "各知不要坚持<mark>三回一课</mark>制度,知不书记每个季度至少讲一次党课。"
    assert moment["url"] == f"/talks/{demo['talks']['dangke'].pk}/?t=26"
    assert moment["match"] == "pinyin"  # 三回一课: the same syllables
    assert body["count"] == 3 and body["num_pages"] == 1
    assert {f["value"]: f["count"] for f in body["facets"]["type"]} == {"course": 1, "lesson": 1, "talk": 1}
    assert {f["value"]: f["count"] for f in body["facets"]["tier"]} == {"required_all": 2}


@pytest.mark.parametrize("q, talk, start", [("学时", "dangke", 12.84), ("隐患排查", "anquan", 14.63),
                                            ("near miss", "safety_en", 10.03), ("第一责任人", "anquan", 31.27)])
def test_done_when_queries_find_the_moments(demo, q, talk, start):
    body = get(demo, q=q)
    first = body["results"][0]
    assert first["id"] == demo["talks"][talk].pk
    assert first["moments"][0]["start"] == pytest.approx(start)
    assert "<mark>" in first["moments"][0]["highlight"]


def test_filters_and_facets_stay_selectable(demo):
    body = get(demo, q="三会一课", type="talk")
    assert [r["type"] for r in body["results"]] == ["talk"]
    # The type facet ignores its own filter, so the other types stay offered with their counts.
    assert {f["value"]: f["count"] for f in body["facets"]["type"]} == {"course": 1, "lesson": 1, "talk": 1}
    assert [f["value"] for f in body["facets"]["type"] if f["selected"]] == ["talk"]
    assert get(demo, q="安全", category="safety", year="2025", speaker="赵经理")["count"] == 1
    assert get(demo, q="安全", year="2019")["count"] == 0


def test_pagination(demo):
    first = get(demo, q="三会一课", page_size=2)
    second = get(demo, q="三会一课", page_size=2, page=2)
    assert first["num_pages"] == 2 and second["page"] == 2
    assert [r["type"] for r in first["results"] + second["results"]] == ["course", "lesson", "talk"]
    beyond = get(demo, q="三会一课", page_size=2, page=9)
    assert beyond["page"] == 2


@pytest.mark.parametrize("params, field", [
    ({"q": "x", "year": "abc"}, "year"), ({"q": "x", "type": "video"}, "type"),
    ({"q": "x", "page": "0"}, "page"), ({"q": "x", "page_size": "500"}, "page_size"),
])
def test_bad_parameters_get_a_clear_error(demo, params, field):
    response = demo["client"].get("/api/v1/search/", params)
    assert response.status_code == 400
    body = response.json()
    assert field in body["fields"] and body["error"]


@pytest.mark.parametrize("q, reason", [("", "no_query"), ("   ", "no_query"), ("！？。", "no_query"),
                                       ("zzqxjw", "no_results"), ("量子色动力学", "no_results")])
def test_empty_and_nonsense_queries_get_an_empty_state(demo, q, reason):
    body = get(demo, q=q)
    assert body["results"] == [] and body["count"] == 0
    assert body["empty_reason"] == reason and body["message"]


def test_unpublished_courses_are_not_found(demo):
    ids = [r["id"] for r in get(demo, q="草稿课程")["results"]]
    assert demo["hidden"].pk not in ids


def test_suggestions_match_titles_by_text_and_pinyin(demo):
    def titles(q):
        response = demo["client"].get("/api/v1/search/suggest/", {"q": q})
        assert response.status_code == 200
        return [s["title"] for s in response.json()["suggestions"]]

    assert titles("安全生产") == ["安全生产月专题讲座"]
    assert titles("anquan") == ["安全生产月专题讲座"]
    assert titles("shyk") == ["三会一课制度解读"]  # initials, as input methods type them
    assert titles("专题") == ["专题党课：新时代党员教育培训", "安全生产月专题讲座"]
    assert titles("") == []


def test_search_page_renders_results_moments_and_facets(demo):
    client = Client()
    client.force_login(demo["user"])
    html = client.get("/search/", {"q": "三会一课"}).content.decode()
    assert "<mark>三会一课</mark>制度解读" in html
    assert f"/talks/{demo['talks']['dangke'].pk}/?t=26" in html
    assert "<mark>三回一课</mark>" in html
    assert "type=talk" in html  # facet links
    empty = client.get("/search/", {"q": ""}).content.decode()
    assert 'class="card search-state search-state--empty"' in empty and "想找什么？" in empty


def test_search_page_needs_login(demo):
    response = Client().get("/search/", {"q": "三会一课"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
