"""The page shell every member sees (templates/base.html, lms.site.context_processors): the phone's tab bar, the
我的 page, the error pages in the site's language and layout, and the API's error shape kept as it is."""

import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory, override_settings
from django.utils import translation

from lms.notifications.services import notify
from lms.org.services import sync_user_groups
from lms.site import views
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

TABS = [("today", "/today/", "首页"), ("learn", "/", "学习"), ("search", "/search/", "搜索"),
        ("calendar", "/calendar/", "日历"), ("me", "/me/", "我的")]
# What Django's resolver would tell about its URL patterns, and what its own error pages say.
INTERNALS = ("URLconf", "<id:", "<int:", "<slug:", "tried", "^admin", "api/v1/ ", "Traceback", "Not Found</h1>",
             "The requested resource")


def client_for(user=None, language="zh-hans", **kwargs) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language, **kwargs)
    if user is not None:
        client.force_login(user)
    return client


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def tabs(page: BeautifulSoup) -> list:
    bar = page.select_one("nav.tabbar")
    return bar.select("a.tabbar__tab") if bar else []


# --------------------------------------------------------------------------------------------------- tab bar

@pytest.mark.parametrize(("path", "current"), [("/search/", "search"), ("/me/", "me"), ("/", "learn"),
                                               ("/calendar/", "calendar"), ("/my/", "learn"),
                                               ("/notifications/", "me")])
def test_a_member_gets_the_five_tabs_with_the_current_one_marked(path, current):
    member = MemberFactory()
    response = client_for(member.user).get(path)
    assert response.status_code == 200
    page = soup(response)
    links = tabs(page)
    assert [(a["data-tab"], a["href"], a.get_text(strip=True)) for a in links] == TABS
    marked = [a["data-tab"] for a in links if a.has_attr("aria-current")]
    assert marked == [current]
    exact = {"/search/": "page", "/me/": "page", "/": "page", "/calendar/": "page"}
    assert links[[t[0] for t in TABS].index(current)]["aria-current"] == exact.get(path, "true")
    assert "has-tabbar" in page.body["class"]


def test_the_tabs_and_the_shell_in_english():
    member = MemberFactory()
    page = soup(client_for(member.user, language="en").get("/me/"))
    assert [a.get_text(strip=True) for a in tabs(page)] == ["Home", "Learn", "Search", "Calendar", "Me"]
    assert page.select_one("a.skip-link").get_text(strip=True) == "Skip to content"


def test_anonymous_visitors_get_no_tab_bar_but_a_login_link():
    page = soup(client_for().get("/"))
    assert page.select_one("nav.tabbar") is None and page.select_one("nav.sectionnav") is None
    assert "no-tabbar" in page.body["class"]
    login = page.select_one("a.login-link")
    assert login.get_text(strip=True) == "登录" and login["href"].startswith("/accounts/login/?next=/")


def test_an_account_without_a_member_record_has_no_calendar_tab():
    user = UserFactory()
    page = soup(client_for(user).get("/me/"))
    assert [a["data-tab"] for a in tabs(page)] == ["today", "learn", "search", "me"]


def test_the_shell_skip_link_main_and_head():
    member = MemberFactory()
    page = soup(client_for(member.user).get("/search/"))
    skip = page.select_one("body > a.skip-link")
    assert skip.get_text(strip=True) == "跳到正文" and skip["href"] == "#main"
    assert page.select_one("main#main") is not None
    head = page.head
    assert head.select_one('link[rel="manifest"]')["href"] == "/manifest.webmanifest"
    assert head.select_one('meta[name="theme-color"]')["content"] == "#c8161d"
    assert head.select_one('link[rel="apple-touch-icon"]')["href"].endswith("/pwa/icon-192.png")
    script = head.select_one('script[src$="/pwa/register.js"]')
    assert script is not None and script.has_attr("defer")


def test_desktop_navigation_keeps_the_registered_entries_and_the_strip_only_those_without_a_tab():
    member = MemberFactory(roles=["member", "branch_secretary"])
    page = soup(client_for(member.user).get("/my/"))
    desktop = [a["data-nav"] for a in page.select("nav.mainnav a[data-nav]")]
    assert {"my-assignments", "branch-training", "calendar", "my-archive", "search"} <= set(desktop)
    strip = [a["data-nav"] for a in page.select("nav.sectionnav a[data-nav]")]
    assert "search" not in strip and "calendar" not in strip and "my-archive" in strip
    assert page.select_one('nav.sectionnav a[href="/my/"]')["aria-current"] == "page"
    # The header's tools stay on the desktop: the bell, the account (a link to 我的) and log out.
    tools = page.select_one(".topbar .tools")
    assert tools.select_one("a.bell") and tools.select_one('a.who[href="/me/"]') and tools.select_one("form button")


def test_unread_notifications_show_on_the_me_tab_and_the_bell():
    member = MemberFactory()
    notify(member, "k", "新的必修课程", url="/my/", key="shell-1")
    notify(member, "k", "第二条", key="shell-2")
    page = soup(client_for(member.user).get("/search/"))
    me = page.select_one('a.tabbar__tab[data-tab="me"]')
    assert me.select_one(".tabbar__badge").get_text() == "2" and "2 条未读通知" in me.get_text()
    assert page.select_one('a.bell .badge[data-unread="2"]') is not None


# --------------------------------------------------------------------------------------------------- 我的

def me_links(page: BeautifulSoup) -> dict[str, str]:
    return {a.select_one(".list__label").get_text(strip=True): a["href"] for a in page.select("main a.list__row")}


def test_the_me_page_of_a_member():
    member = MemberFactory(name="张伟", roles=["member"])
    notify(member, "k", "新的必修课程", url="/my/", key="me-1")
    response = client_for(member.user).get("/me/")
    assert response.status_code == 200
    page = soup(response)
    main = page.select_one("main")
    assert main.select_one("h1").get_text(strip=True) == "张伟"
    assert "公司党委/第一党支部" in main.get_text() and "党员" in [t.get_text() for t in main.select(".tag")]
    assert me_links(page) == {
        "我的学习": "/my/", "我的档案": "/archive/", "消息通知": "/notifications/",
        "通知设置": "/notifications/preferences/", "日历订阅": "/calendar/feed/",
        "修改密码": "/accounts/password/change/", "API 令牌": "/accounts/tokens/",
    }
    assert main.select_one('a[data-me="notifications"] .badge').get_text() == "1"
    language = main.select_one('form[action="/i18n/setlang/"]')
    assert [o["value"] for o in language.select("option")] == ["zh-hans", "en"]
    assert language.select_one('button[type="submit"]').get_text(strip=True) == "切换"
    logout = main.select_one('form[action="/accounts/logout/"]')
    assert logout["method"] == "post" and logout.select_one("button").get_text(strip=True) == "退出"
    assert page.select_one('a.tabbar__tab[data-tab="me"]')["aria-current"] == "page"
    assert page.select_one(".topbar__title").get_text(strip=True) == "我的"


def test_the_me_page_shows_the_members_post():
    from lms.org.models import Post

    member = MemberFactory(roles=["member"])
    member.post = Post.objects.get(code="safety")
    member.save()
    page = soup(client_for(member.user).get("/me/"))
    assert page.select_one("main [data-post]").get_text(strip=True) == "安全管理"


def test_the_me_page_of_a_branch_secretary_and_of_a_trainer():
    secretary = MemberFactory(roles=["member", "branch_secretary"])
    sync_user_groups(secretary)  # as the role handlers do
    secretary = soup(client_for(secretary.user).get("/me/"))
    assert me_links(secretary)["两步验证"] == "/accounts/mfa/"
    assert me_links(secretary)["管理后台"] == "/admin/"
    trainer = MemberFactory(roles=["member", "trainer"])
    sync_user_groups(trainer)
    page = soup(client_for(trainer.user).get("/me/"))
    links = me_links(page)
    assert links["管理后台"] == "/admin/" and "两步验证" not in links
    # The site menu leads trainers to the admin too (the header on desktop, the section strip on phones).
    header = {a.get_text(strip=True): a["href"] for a in page.select("header nav a")}
    assert header.get("管理后台") == "/admin/"


def test_plain_members_get_no_admin_link_in_the_menu():
    member = MemberFactory(roles=["member"])
    page = soup(client_for(member.user).get("/me/"))
    assert "/admin/" not in {a["href"] for a in page.select("a[href]")}


def test_the_me_page_without_a_member_record():
    user = UserFactory(username="auditor")
    response = client_for(user, language="en").get("/me/")
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("main h1").get_text(strip=True) == "auditor"
    assert "not linked to a member record" in page.select_one("main").get_text()
    assert me_links(page) == {
        "My learning": "/my/", "Notifications": "/notifications/",
        "Notification settings": "/notifications/preferences/", "Change password": "/accounts/password/change/",
        "API tokens": "/accounts/tokens/",
    }


def test_the_me_page_needs_a_login():
    response = client_for().get("/me/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/me/")


# -------------------------------------------------------------------------------------------- error pages

def assert_site_page(response, status: int, title: str) -> BeautifulSoup:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    for internal in INTERNALS:
        assert internal not in html, internal
    page = soup(response)
    assert page.select_one("header.topbar") is not None and page.select_one("main#main") is not None
    assert page.select_one("main h1").get_text(strip=True) == title
    assert page.title.get_text(strip=True) == title
    return page


@pytest.mark.parametrize(("language", "title", "home"), [("zh-hans", "页面不存在", "回到首页"),
                                                          ("en", "Page not found", "Go to my home page")])
def test_404_in_the_members_language_with_a_way_back(language, title, home):
    member = MemberFactory()
    client = client_for(member.user, language=language)
    response = client.get("/activities/999999/nope/extra/", HTTP_REFERER="http://testserver/search/")
    page = assert_site_page(response, 404, title)
    assert page.html["lang"] == language
    actions = {a.get_text(strip=True): a["href"] for a in page.select(".error-page__actions a")}
    assert actions[home] == "/today/"
    assert "http://testserver/search/" in actions.values()  # back to where the member came from
    assert tabs(page) and not page.select("a.tabbar__tab[aria-current]")


def test_404_for_an_anonymous_visitor_and_a_foreign_referer():
    page = assert_site_page(client_for().get("/no-such-page/", HTTP_REFERER="https://evil.example/"), 404,
                            "页面不存在")
    actions = {a.get_text(strip=True): a["href"] for a in page.select(".error-page__actions a")}
    assert actions == {"回到首页": "/"}
    assert page.select_one("a.login-link") is not None and not tabs(page)


def test_404_shows_the_reason_a_view_gave_but_not_djangos_lookup_message():
    page = assert_site_page(client_for(UserFactory()).get("/calendar/"), 404, "页面不存在")
    assert page.select_one("main p.muted").get_text(strip=True) == "日历仅面向党员。"
    assert views._reason(Exception("No Course matches the given query.")) == ""
    assert views._reason(Exception({"tried": [["admin/"]], "path": "x"})) == ""


@pytest.mark.parametrize(("language", "title"), [("zh-hans", "无权访问"), ("en", "Access denied")])
def test_403_in_the_members_language(language, title):
    member = MemberFactory()
    page = assert_site_page(client_for(member.user, language=language).get("/reports/"), 403, title)
    reason = page.select_one("main p.muted").get_text(strip=True)
    assert reason == ("报表仅对组织人事部门、支部书记和讲师开放。" if language == "zh-hans" else
                      "Reports are available to HR, branch secretaries and trainers.")


def test_403_for_a_visitor_offers_the_login():
    request = RequestFactory().get("/reports/")
    request.user = AnonymousUser()
    with translation.override("zh-hans"):
        response = views.permission_denied(request, PermissionDenied())
    page = assert_site_page(response, 403, "无权访问")
    actions = {a.get_text(strip=True): a["href"] for a in page.select(".error-page__actions a")}
    assert actions == {"回到首页": "/", "登录": "/accounts/login/?next=/reports/"}
    assert page.select_one("main p.muted") is None  # no reason given, none shown


@pytest.mark.parametrize(("language", "title"), [("zh-hans", "请求有误"), ("en", "Bad request")])
def test_400_in_the_members_language(language, title):
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        response = client_for(language=language).get("/", HTTP_HOST="evil.example")
    page = assert_site_page(response, 400, title)
    assert not page.select(".error-page__actions a.secondary")  # no back link to another host


@pytest.mark.parametrize(("language", "title"), [("zh-hans", "页面已过期"), ("en", "The page has expired")])
def test_a_csrf_failure_page(language, title):
    client = client_for(language=language, enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    page = assert_site_page(response, 403, title)
    assert page.select_one("main p.muted") is not None  # no CSRF cookie: the hint about cookies


def test_the_500_page_is_self_contained_and_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/courses/1/")
    with translation.override("zh-hans"), django_assert_num_queries(0):
        response = views.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "出错了" in html and 'href="/"' in html and "<style>" in html
    assert "<link" not in html and "<script" not in html and "csrfmiddlewaretoken" not in html
    with translation.override("en"):
        assert "Something went wrong" in views.server_error(request).content.decode()


# ------------------------------------------------------------------------------------ the API's error shape

@pytest.mark.parametrize(("language", "message"), [("zh-hans", "未找到。"), ("en", "Not found.")])
def test_api_404_keeps_its_json_shape(language, message):
    response = client_for(language=language).get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"error": message, "status": 404, "code": "not_found"}


def test_api_errors_of_the_other_handlers_keep_their_shape():
    factory = RequestFactory()
    with translation.override("en"):
        cases = [
            (views.bad_request(factory.get("/api/v1/x/")), 400, "Bad request.", "bad_request"),
            (views.permission_denied(factory.get("/api/v1/x/")), 403,
             "You do not have permission to perform this action.", "permission_denied"),
            (views.server_error(factory.get("/api/v1/x/")), 500, "Server error.", "server_error"),
            (views.csrf_failure(factory.post("/api/v1/x/")), 403,
             "The request was refused: log in again or send your API token.", "csrf_failed"),
        ]
    for response, status, error, code in cases:
        assert response.status_code == status
        assert json.loads(response.content) == {"error": error, "status": status, "code": code}
