"""The page shell in the browser at both viewports: a member logs in and visits the home page, the catalog, 我的 and
a page that does not exist. On the phone the bottom tab bar is there, fixed to the bottom, with five tabs a finger
can hit (44 × 44 px at least) and the current one marked, while the desktop's navigation is hidden; on the desktop
it is the other way round. The Journey checks every step for overflow on the phone, console errors and 5xx."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

TABS = ["首页", "学习", "搜索", "日历", "我的"]
TABS_EN = ["Home", "Learn", "Search", "Calendar", "Me"]
TAP = 44


def tab_labels(page) -> list[str]:
    return [t.strip() for t in page.locator("nav.tabbar a.tabbar__tab .tabbar__label").all_inner_texts()]


def current_tabs(page) -> list[str]:
    return [t.strip() for t in page.locator("nav.tabbar a[aria-current] .tabbar__label").all_inner_texts()]


def check_shell(journey, current: str | None, labels=TABS) -> None:
    """The shell as the viewport should show it; ``current``: the tab marked as the page's section (phone)."""
    page = journey.page
    tabbar = page.locator("nav.tabbar")
    if not journey.phone:
        assert tabbar.is_hidden() and page.locator("nav.sectionnav").is_hidden()
        assert page.locator("nav.mainnav").is_visible() and page.locator(".topbar .tools").is_visible()
        my_learning = "My learning" if labels == TABS_EN else "我的学习"
        assert page.locator("nav.mainnav").get_by_role("link", name=my_learning, exact=True).is_visible()
        return
    assert tabbar.is_visible()
    assert page.locator("nav.mainnav").is_hidden() and page.locator(".topbar .tools").is_hidden()
    assert tab_labels(page) == labels
    assert current_tabs(page) == ([current] if current else [])
    assert page.evaluate("() => getComputedStyle(document.querySelector('nav.tabbar')).position") == "fixed"
    height = page.viewport_size["height"]
    for tab in page.locator("nav.tabbar a.tabbar__tab").all():
        box = tab.bounding_box()
        assert box["width"] >= TAP and box["height"] >= TAP, (tab.inner_text(), box)
        assert abs(box["y"] + box["height"] - height) <= 1, box  # on the bottom edge
    # Scrolled to the end, the last content (the footer) ends above the tab bar: the bar covers nothing.
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    bar = tabbar.bounding_box()
    footer = page.locator("footer.footer").bounding_box()
    assert abs(bar["y"] + bar["height"] - height) <= 1, bar  # still at the bottom after scrolling
    assert footer["y"] + footer["height"] <= bar["y"] + 1, (footer, bar)
    page.evaluate("() => window.scrollTo(0, 0)")


def test_the_shell_at_both_viewports(journey, make_member):
    make_member("D1003", "张伟", "公司党委/第一党支部/第一党小组")
    page = journey.page

    # Anonymous: no tab bar, a login link in the top bar.
    journey.goto("/", "catalog anonymous")
    assert page.locator("nav.tabbar").count() == 0
    assert page.locator("header.topbar").get_by_role("link", name="登录").is_visible()

    # The skip link is the first thing the keyboard reaches, and it shows itself.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    box = page.locator("a.skip-link").bounding_box()
    assert box["y"] >= 0 and box["height"] >= TAP - 4, box

    journey.login("D1003")
    journey.goto("/today/", "home page")
    check_shell(journey, "首页" if page.url.endswith("/today/") else "学习")  # /today/ may still lead to /
    journey.goto("/", "catalog")
    check_shell(journey, "学习")

    # 我的: on the phone through its tab, on the desktop through the name in the header.
    if journey.phone:
        journey.nav("我的", "me page")
    else:
        journey.follow(page.locator(".topbar .tools a.who"), "me page")
    assert page.url.endswith("/me/")
    check_shell(journey, "我的")
    main = page.locator("main")
    assert main.locator("h1").inner_text() == "张伟"
    for label in ("我的学习", "我的档案", "消息通知", "通知设置", "日历订阅", "修改密码", "API 令牌"):
        row = main.get_by_role("link", name=label, exact=True)
        assert row.is_visible(), label
        row_box = row.bounding_box()
        assert row_box["height"] >= TAP, (label, row_box)
    assert main.get_by_role("button", name="退出").is_visible()

    # The language switch on 我的: English and back.
    main.get_by_label("语言").select_option("en")
    journey.follow(main.get_by_role("button", name="切换"), "me page in English")
    assert main.locator("h1").inner_text() == "张伟"
    check_shell(journey, "Me", labels=TABS_EN)
    main.get_by_label("Language").select_option("zh-hans")
    journey.follow(main.get_by_role("button", name="Switch"), "me page in Chinese again")
    check_shell(journey, "我的")

    # A page that does not exist: the site's 404 in Chinese, in the layout, with a way home.
    response = page.goto("/no-such-page/")
    assert response.status == 404
    # Chromium reports the page's own 404 on the console: expected here, and the only console message allowed.
    expected = f"console error on {page.url}: Failed to load resource: the server responded with a status of 404"
    journey.problems[:] = [p for p in journey.problems if not p.startswith(expected)]
    journey.check("404 page")
    assert page.locator("main h1").inner_text() == "页面不存在"
    assert page.locator("main").get_by_role("link", name="回到首页").get_attribute("href") == "/today/"
    check_shell(journey, None)
