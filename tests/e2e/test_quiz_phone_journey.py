"""A member on a 390 × 844 phone: takes a ten-question quiz with a time limit, scrolls through it with the header
(title, time left, "已答 n / 10", saving status) stuck to the top of the screen, answers by tapping whole option
rows and by keyboard and sees each answer saved ("已保存 14:03"), loses the connection for one answer ("保存失败，
将重试") and saves it with the retry button, finds the answers again after a reload; then searches 三会一课 and taps
a moment chip, landing in the talk at that second."""

import math
import re

import pytest

from tests.e2e.test_member_journey import sample_talk
from tests.quizzes.factories import question, quiz

pytestmark = pytest.mark.django_db(transaction=True)

QUIZ = "党章党规知识测验"
SAVE_URL = re.compile(r"/api/v1/quiz-attempts/\d+/answers/\d+/$")

# Where the sticky header is on the screen, and whether it is stuck: its box, the scroll and its CSS position.
HEADER_JS = """() => {
  const head = document.getElementById('quiz-head'), box = head.getBoundingClientRect();
  return {top: box.top, bottom: box.bottom, height: box.height, scrollY: window.scrollY,
          innerHeight: window.innerHeight, position: getComputedStyle(head).position};
}"""


@pytest.fixture
def viewport() -> str:
    return "phone"  # this journey is the phone's (the conftest's journeys run at both viewports)


def build_world(make_member) -> dict:
    member = make_member("D2001", "李娜", "公司党委/第二党支部")
    talk, lines = sample_talk()
    questions = [question("single", f"第{i}题：党的根本宗旨是什么？（练习{i}）",
                          choices=[("实现共产主义", False), ("全心全意为人民服务", True), ("发展生产力", False)])
                 for i in range(1, 9)]
    questions.append(question("true_false", "党员可以不参加党的组织生活。", correct_true=False))
    questions.append(question("multiple", "三会一课包括哪些？", choices=[
        ("支部党员大会", True), ("支部委员会", True), ("党小组会", True), ("文艺晚会", False)]))
    paper = quiz(questions, title=QUIZ, time_limit_minutes=20, max_attempts=2, pass_percent=60)
    return {"member": member, "talk": talk, "lines": lines, "quiz": paper, "questions": questions}


def header(page) -> dict:
    return page.evaluate(HEADER_JS)


def assert_header_on_screen(page, where: str, *, stuck: bool = True) -> dict:
    """The header is on the screen, no taller than a quarter of it; once scrolled, stuck to its top edge."""
    box = header(page)
    assert box["position"] == "sticky", where
    assert box["top"] >= -1 and box["bottom"] <= box["innerHeight"], (where, box)
    assert box["height"] <= box["innerHeight"] * 0.25, (where, box)
    if stuck:
        assert abs(box["top"]) <= 1, (where, box)
    return box


def screen(journey, name: str) -> None:
    """What the phone's screen shows now (the steps' own screenshots are of the whole page)."""
    journey.page.screenshot(path=journey.shots / f"{journey.count:02d}-{name}-screen.png")


def forget_offline_noise(journey) -> None:
    """The requests this journey fails on purpose leave console errors ("Failed to load resource"): expected."""
    journey.problems[:] = [p for p in journey.problems if "Failed to load resource" not in p and "ERR_" not in p]


def test_a_member_takes_a_quiz_on_the_phone_and_jumps_from_search_into_a_talk(journey, make_member):
    world = build_world(make_member)
    page = journey.page
    # 1. Signing in from a link to the quiz lands on it; the attempt's header carries the title, the time left
    #    and the progress.
    journey.login("D2001", next_path=world["quiz"].get_absolute_url())
    assert page.url == journey.server.url + world["quiz"].get_absolute_url()
    journey.follow(page.get_by_role("button", name="开始作答"), "quiz attempt")
    head = page.locator("#quiz-head")
    assert QUIZ in head.locator("h1").inner_text()
    assert head.locator("#quiz-progress").inner_text() == "已答 0 / 10"
    clock = head.locator("#quiz-timer")
    assert re.fullmatch(r"(20:00|19:5\d)", clock.inner_text()), clock.inner_text()
    page.wait_for_function("() => /^19:[0-5]\\d$/.test(document.getElementById('quiz-timer').textContent)")
    start = assert_header_on_screen(page, "top of the page", stuck=False)

    # 2. Scrolled down to the eighth question, the header is still there, at the top of the screen.
    eighth = page.locator("fieldset.question").nth(7)
    eighth.scroll_into_view_if_needed()
    page.wait_for_function("() => window.scrollY > 800")
    scrolled = assert_header_on_screen(page, "scrolled to question 8")
    assert scrolled["scrollY"] > start["scrollY"] + 800
    journey.check("scrolled, header stuck")
    screen(journey, "scrolled")

    # 3. Tapping anywhere on an option's row chooses it; it is saved at once ("已保存 HH:MM").
    row = eighth.locator("label.option", has_text="全心全意为人民服务")
    box = row.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300, box  # a full-width row, taller than a fingertip
    row.locator(".option__text").tap()
    assert row.locator("input").is_checked()
    status = eighth.locator(".save-status")
    page.wait_for_function("el => el.dataset.state === 'saved'", arg=status.element_handle())
    assert re.fullmatch(r"✓?\s*已保存 \d\d:\d\d", status.inner_text().strip()), status.inner_text()
    assert re.fullmatch(r"已保存 \d\d:\d\d", head.locator("#quiz-save-status .save-status__text").inner_text())
    assert head.locator("#quiz-progress").inner_text() == "已答 1 / 10"
    assert_header_on_screen(page, "after answering")
    journey.check("answered question 8")

    # 4. By keyboard: the arrow key moves to the next option, the row shows the focus ring, and it is saved again.
    page.keyboard.press("ArrowDown")
    third = eighth.locator("label.option", has_text="发展生产力")
    assert third.locator("input").is_checked()
    ring = third.evaluate("el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth")
    assert ring == "solid 3px", ring
    page.wait_for_function("el => el.dataset.state === 'saved'", arg=status.element_handle())
    answer = world["quiz"].attempts.get().answers.get(question=world["questions"][7])
    assert answer.response == {"choices": [world["questions"][7].choices.get(text="发展生产力").pk]}

    # 5. The connection drops while answering the ninth question: the page says so and offers a retry.
    page.route(SAVE_URL, lambda route: route.abort("internetdisconnected"))
    ninth = page.locator("fieldset.question").nth(8)
    ninth.locator("label.option", has_text="错误").tap()
    failed = head.locator("#quiz-save-status")
    page.wait_for_function("el => el.dataset.state === 'failed'", arg=failed.element_handle())
    assert "保存失败，将重试" in failed.inner_text()
    assert "保存失败，将重试" in ninth.locator(".save-status").inner_text()
    retry = head.get_by_role("button", name="重试")
    retry_box = retry.bounding_box()
    assert retry_box["height"] >= 44 and retry_box["width"] >= 44, retry_box
    assert_header_on_screen(page, "saving failed")
    forget_offline_noise(journey)
    journey.check("saving failed")
    screen(journey, "saving-failed")
    # Back online; the retry button saves at once (the page would also retry by itself, after a growing pause).
    page.unroute(SAVE_URL)
    retry.tap()
    page.wait_for_function("el => el.dataset.state === 'saved'", arg=ninth.locator(".save-status").element_handle())
    page.wait_for_function("el => el.dataset.state === 'saved'", arg=failed.element_handle())
    assert not retry.is_visible()
    assert head.locator("#quiz-progress").inner_text() == "已答 2 / 10"
    forget_offline_noise(journey)
    journey.check("saved after the retry")
    screen(journey, "saved")

    # 6. A reload (or another device) finds the saved answers: the server holds the drafts.
    journey.goto(page.url, "attempt reloaded")
    assert page.locator("#quiz-progress").inner_text() == "已答 2 / 10"
    assert page.locator("fieldset.question").nth(7).locator("label.option", has_text="发展生产力").locator(
        "input").is_checked()
    assert page.locator("fieldset.question").nth(8).locator("label.option", has_text="错误").locator(
        "input").is_checked()
    assert re.fullmatch(r"已保存 \d\d:\d\d", page.locator("#quiz-save-status .save-status__text").inner_text())

    # 7. Search from the tab bar and tap a moment chip: the talk opens at that second.
    journey.nav("搜索", "search page")
    box = page.get_by_role("searchbox", name="搜索")
    box.fill("三会一课")
    with page.expect_navigation():
        box.press("Enter")
    journey.check("search results")
    said = world["lines"][4]  # 各支部要坚持三会一课制度…
    second = math.floor(said["start"])
    target = f"/talks/{world['talk'].pk}/?t={second}"
    card = page.locator("article.hit--talk", has=page.locator(f'a.moment[href="{target}"]'))
    assert card.locator(".hit__kind").inner_text() == "讲座"
    chip = card.locator(f'a.moment[href="{target}"]')
    assert chip.locator(".moment__time").inner_text().endswith(f"{second // 60}:{second % 60:02d}")
    assert "三会一课" in chip.locator(".moment__text mark").first.inner_text()
    chip_box, card_box = chip.bounding_box(), card.bounding_box()
    assert chip_box["height"] >= 44
    assert card_box["x"] >= 0 and card_box["x"] + card_box["width"] <= 390 + 1, card_box
    with page.expect_navigation(url=re.compile(re.escape(target) + "$")):
        chip.tap()
    page.wait_for_function("t => { const v = document.querySelector('video[data-talk-player]');"
                           " return v && v.readyState >= 1 && Math.abs(v.currentTime - t) < 0.5; }", arg=second)
    journey.check("talk at the moment")
