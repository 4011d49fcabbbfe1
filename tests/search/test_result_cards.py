"""The search page as cards: a kind badge and the title for every hit, and for talks "moment chips" (the time and
what is said there, highlighted and escaped) that open the player at that second; friendly empty and error states
in the site's language; no server error for any input."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from rest_framework.test import APIClient

from search import services
from search.backends.elasticsearch import SearchEngineError
from tests.factories import UserFactory, make_course, make_lesson
from tests.search.helpers import make_talk_with_segments

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    talk = make_talk_with_segments("专题党课：支部建设", [
        (3.0, 8.0, "同志们好，今天讲支部建设。"),
        (26.4, 31.5, "各支部要坚持三会一课制度，书记每个季度至少讲一次党课。"),
        (62.0, 66.0, "<script>alert('x')</script>三会一课要按时召开"),
        (3725.2, 3730.0, "最后再强调一次三会一课的记录要求。"),
    ], speaker="王书记", recorded_on="2024-06-01", duration=3800.0)
    course = make_course("三会一课制度解读", tier="required_all")
    lesson = make_lesson(course, "支部如何落实三会一课")
    user = UserFactory(is_superuser=True)
    client = Client()
    client.force_login(user)
    return {"talk": talk, "course": course, "lesson": lesson, "user": user, "client": client}


def page(world, lang="zh-hans", **params):
    response = world["client"].get("/search/", params, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200, response.status_code
    return response.content.decode(), BeautifulSoup(response.content.decode(), "html.parser")


def test_results_are_cards_with_a_kind_badge_and_a_title(world):
    html, soup = page(world, q="三会一课")
    cards = soup.select("main ol.hits > li > article.card.hit")
    assert [c.select_one(".hit__kind").get_text(strip=True) for c in cards] == ["课程", "课时", "讲座"]
    assert [c["class"][-1] for c in cards] == ["hit--course", "hit--lesson", "hit--talk"]
    titles = [c.select_one("h3.hit__title a") for c in cards]
    assert [t["href"] for t in titles] == [world["course"].url, world["lesson"].url, f"/talks/{world['talk'].pk}/"]
    assert str(titles[0]).count("<mark>三会一课</mark>") == 1
    assert cards[2].select_one(".hit__meta").get_text(" ", strip=True) == "王书记 2024"
    assert soup.select_one("#search-count").get_text(strip=True) == "共 3 条结果"
    # Courses and lessons have no moments; the page links its own style sheet.
    assert not cards[0].select(".moments") and not cards[1].select(".moments")
    assert soup.select_one('link[href$="css/search.css"]') is not None


def test_talk_moments_are_chips_linking_into_the_player_at_that_second(world):
    _html, soup = page(world, q="三会一课")
    talk = soup.select("article.hit--talk")[0]
    chips = talk.select("ul.moments > li > a.moment")
    url = f"/talks/{world['talk'].pk}/"
    assert [a["href"] for a in chips] == [f"{url}?t=26", f"{url}?t=62", f"{url}?t=3725"]
    # The time reads as a clock (lms.common.units.timecode), past the hour too, with words for screen readers.
    times = [a.select_one(".moment__time") for a in chips]
    assert [t.get_text(strip=True) for t in times] == ["从此处播放0:26", "从此处播放1:02", "从此处播放1:02:05"]
    assert [t.select_one(".visually-hidden").get_text(strip=True) for t in times] == ["从此处播放"] * 3
    snippet = chips[0].select_one(".moment__text")
    assert snippet.select_one("mark").get_text() == "三会一课"
    assert snippet.get_text() == "各支部要坚持三会一课制度，书记每个季度至少讲一次党课。"
    # The list is named by its caption.
    moments = talk.select_one("ul.moments")
    assert talk.select_one(f"#{moments['aria-labelledby']}").get_text(strip=True) == "讲到的位置"


def test_a_transcript_with_markup_is_shown_escaped(world):
    html, soup = page(world, q="三会一课")
    chip = soup.select('a.moment[href$="?t=62"]')[0]
    text = chip.select_one(".moment__text")
    assert text.get_text() == "<script>alert('x')</script>三会一课要按时召开"  # as words, not as a tag
    assert text.select("script") == [] and text.select_one("mark").get_text() == "三会一课"
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<mark>三会一课</mark>" in html
    assert "<script>alert(" not in html


def test_the_search_api_keeps_its_shape_with_the_shared_clock_format(world):
    api = APIClient()
    api.force_authenticate(world["user"])
    body = api.get("/api/v1/search/", {"q": "三会一课", "type": "talk"}).json()
    [talk] = body["results"]
    assert set(talk) == {"type", "id", "title", "title_highlight", "url", "match", "score", "categories", "speaker",
                         "year", "tier", "summary", "moments"}
    assert [(m["timestamp"], m["url"]) for m in talk["moments"]] == [
        ("0:26", f"/talks/{world['talk'].pk}/?t=26"), ("1:02", f"/talks/{world['talk'].pk}/?t=62"),
        ("1:02:05", f"/talks/{world['talk'].pk}/?t=3725")]
    assert set(talk["moments"][0]) == {"start", "end", "text", "timestamp", "highlight", "match", "url"}


def test_filters_are_links_with_room_for_a_finger(world):
    _html, soup = page(world, q="三会一课", type="talk")
    facets = soup.select_one("nav.search-facets")
    assert facets is not None
    selected = facets.select(".facet--active a.facet__option")
    assert len(selected) == 1 and "?q=" in selected[0]["href"] and "type=" not in selected[0]["href"]
    type_links = {a.get_text(" ", strip=True): a for a in facets.select(".facet a.facet__option")
                  if "type=" in a["href"] or a.get("aria-current")}
    assert any(a.get("aria-current") == "true" for a in type_links.values())
    assert [c.select_one(".hit__kind").get_text(strip=True) for c in soup.select("article.hit")] == ["讲座"]


def test_the_empty_states_are_friendly_in_the_sites_language(world):
    _html, soup = page(world, q="")
    state = soup.select_one(".search-state--empty")
    assert state.select_one("h2").get_text(strip=True) == "想找什么？"
    assert "三会一课" in state.get_text()  # the example of what to type
    html, soup = page(world, q="zzqxjw<b>")
    state = soup.select_one(".search-state--empty")
    assert state.select_one("h2").get_text(strip=True) == "没有找到与“zzqxjw<b>”相关的内容"
    assert "zzqxjw&lt;b&gt;" in html and "zzqxjw<b>" not in html
    _html, soup = page(world, lang="en", q="zzqxjw")
    assert soup.select_one(".search-state--empty h2").get_text(strip=True) == "Nothing found for “zzqxjw”"
    assert soup.select_one("html")["lang"] == "en"


def test_an_engine_failure_is_a_friendly_page_not_a_server_error(world, monkeypatch):
    def down(*args, **kwargs):
        raise SearchEngineError("Search engine unreachable at http://es:9200: refused")

    monkeypatch.setattr(services, "search", down)
    html, soup = page(world, q="三会一课")
    state = soup.select_one(".search-state--error")
    assert state["role"] == "alert"
    assert state.select_one("h2").get_text(strip=True) == "搜索暂时不可用"
    assert state.select_one("a.btn")["href"] == "/"
    assert "es:9200" not in html and "SearchEngineError" not in html
    _html, soup = page(world, lang="en", q="三会一课")
    assert soup.select_one(".search-state--error h2").get_text(strip=True) == "Search is not available right now"


@pytest.mark.parametrize("params", [
    {"q": "三会一课", "year": "abc"}, {"q": "三会一课", "type": "video"}, {"q": "三会一课", "page": "abc"},
    {"q": "三会一课", "page": "-3"}, {"q": "三会一课", "page": "9" * 30}, {"q": "三" * 2000},
    {"q": "\x00<script>"}, {"q": "三会一课", "match": "x" * 500},
])
def test_no_input_gives_a_server_error(world, params):
    response = world["client"].get("/search/", params)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    if "year" in params or "type" in params or "match" in params:
        assert soup.select_one(".search-notice[role=alert]").get_text(strip=True) == "有一个筛选条件的值无效，已忽略。"
