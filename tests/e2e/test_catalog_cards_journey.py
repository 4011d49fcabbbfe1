"""A member's catalog on a phone (390 × 844) and a desktop: course cards that fit the screen (cover, tier badge,
hours, 指派给你 with the due date), a whole card as the tap target, the course page's lesson rows, a video lesson
whose transcript panel sits under the player on the phone and beside it on the desktop and follows playback
inside itself (never moving the page, and not while the member has just scrolled it), and a text lesson's
countdown that enables the confirm button when the server has credited the minimum study time."""

import datetime
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.rich_text import RichText

from content_library.captions import build_vtt
from content_library.models import Category, Talk, TranscriptSegment
from lms.progress.models import LessonProgress
from lms.training.models import Assignment
from tests.factories import make_course, make_lesson

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE = "dev01_dangke"
COURSE = "新时代党员教育培训专题党课"
LONG_TITLE = "关于加强新时代廉洁文化建设的意见专题辅导Integrity-culture-construction-lecture-series-2026"
SEGMENT = 2.0  # seconds per transcript line: more lines than the panel shows, so it has to scroll


def long_talk() -> tuple[Talk, list[dict]]:
    """The sample recording with a transcript of many short lines (the panel must scroll to follow)."""
    folder = Path(settings.LMS_SAMPLE_TALKS_DIR)
    sample = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))[SAMPLE]
    count = int(sample["duration"] // SEGMENT) - 1
    lines = [{"start": i * SEGMENT + 0.2, "end": (i + 1) * SEGMENT,
              "text": f"第{i + 1}句：坚持学习党章党规，做合格党员。"} for i in range(count)]
    talk = Talk(title=sample["title"], speaker="王建国", language="zh", status=Talk.Status.READY, progress=100,
                duration=sample["duration"], has_video=True)
    with (folder / f"{SAMPLE}.mp4").open("rb") as fh:
        talk.source_file.save(f"{SAMPLE}.mp4", File(fh), save=False)
    talk.captions.save(f"{SAMPLE}.vtt", ContentFile(build_vtt(lines).encode()), save=False)
    talk.save()
    TranscriptSegment.objects.bulk_create(
        TranscriptSegment(talk=talk, index=i, start=line["start"], end=line["end"], text=line["text"])
        for i, line in enumerate(lines))
    return talk, lines


def build_world(make_member) -> dict:
    member = make_member("D1003", "张伟", "公司党委/第一党支部/第一党小组")
    talk, lines = long_talk()
    theory = Category.objects.create(name="理论学习", slug="theory")
    integrity = Category.objects.create(name="廉洁教育警示教育专题学习资料汇编", slug="integrity")
    course = make_course(COURSE, tier="required_all", credit_hours="4", categories=[theory])
    video = make_lesson(course, "专题党课视频", rule="video", minutes=1, video=talk)
    reading = make_lesson(course, "学习党章（图文）", rule="confirm", minutes=1)
    reading.body = [("paragraph", RichText("<p>党章是党的根本大法，是全党必须共同遵守的根本行为规范。</p>"))]
    reading.save()
    make_course(LONG_TITLE, tier="elective", credit_hours="1.5", categories=[integrity])
    make_course("支部书记培训", tier="role_required", credit_hours="32.5")
    due = timezone.localdate() + datetime.timedelta(days=10)
    Assignment.objects.create(member=member, course=course, source="manual", year=due.year, due_on=due,
                              original_due_on=due)
    return {"member": member, "course": course, "video": video, "reading": reading, "lines": lines}


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not shown"
    return found


def test_catalog_cards_and_lesson_layout(journey, make_member):
    world = build_world(make_member)
    page = journey.page
    width = page.viewport_size["width"]

    # 1. The catalog: every card fits the screen; the assigned course says so, with its due date.
    journey.login("D1003")
    journey.goto("/", "catalog cards")
    cards = page.locator("article.course-card")
    assert cards.count() == 3
    for i in range(3):
        frame = box(cards.nth(i))
        assert frame["x"] >= 0 and frame["x"] + frame["width"] <= width + 1, frame
        assert box(cards.nth(i).locator(".course-card__cover"))["height"] > 60
    card = page.locator("article.course-card", has_text=COURSE)
    assert card.locator(".tier-badge").inner_text() == "全员必修"
    assert card.locator(".course-card__hours").inner_text() == "4 学时"
    assert card.locator(".assigned-badge").inner_text() == "指派给你"
    assert card.locator(".due__date").inner_text().endswith("截止")
    assert card.locator(".cover__glyph").inner_text() == "理"
    assert page.locator("article.course-card", has_text="支部书记培训").locator(".course-card__hours").inner_text() \
        == "32.5 学时"
    if journey.phone:  # one card a row on the phone
        assert box(cards.nth(0))["width"] >= width - 2 * 16 - 2

    # 2. The whole card is the tap target: a tap on its cover opens the course.
    cover = box(card.locator(".course-card__cover"))
    with page.expect_navigation():
        card.click(position={"x": cover["width"] / 2, "y": cover["height"] / 2})  # the middle of the cover
    journey.check("course page from the cover")
    assert page.url.endswith(world["course"].url)
    assert page.locator("header.course-hero .assigned-badge").inner_text() == "指派给你"
    journey.follow(page.get_by_role("button", name="报名学习"), "enrolled")
    rows = page.locator("a.lesson-row")
    assert rows.count() == 2
    for i in range(2):
        assert box(rows.nth(i))["height"] >= 44
        assert box(rows.nth(i))["x"] + box(rows.nth(i))["width"] <= width + 1
    assert rows.nth(0).locator(".lesson-state__label").inner_text() == "未开始"
    assert rows.nth(0).locator("svg.icon--video").count() == 1 and rows.nth(1).locator("svg.icon--text").count() == 1

    # 3. The video lesson: the player first, full width on the phone; the transcript panel under it (phone) or
    #    beside it (desktop).
    journey.follow(rows.nth(0), "video lesson")
    page.wait_for_function("() => { const v = document.querySelector('video[data-talk-player]');"
                           " return v && v.readyState >= 1; }")
    video = box(page.locator("video[data-talk-player]"))
    panel = page.locator("details.talk-player__transcript")
    summary = box(panel.locator("summary"))
    assert summary["height"] >= 44
    if journey.phone:
        assert video["width"] >= width - 2 * 16 - 2
        assert summary["y"] >= video["y"] + video["height"] - 1
    else:
        assert summary["x"] >= video["x"] + video["width"] - 1
    assert box(page.locator(".transcript__time").first)["height"] >= 44
    journey.check("video lesson, player and transcript")

    # 4. The transcript follows playback inside its panel; the page itself does not move.
    lines = world["lines"]
    page.evaluate("() => window.scrollTo(0, 0)")
    page.evaluate("() => { const v = document.querySelector('video[data-talk-player]'); v.muted = true; }")
    assert page.evaluate("() => { const l = document.querySelector('.transcript'); "
                         "return l.scrollHeight > l.clientHeight + 40; }"), "the transcript panel does not scroll"

    def seek(index: int) -> None:
        page.evaluate("t => { document.querySelector('video[data-talk-player]').currentTime = t; }",
                      lines[index]["start"] + 0.5)
        page.wait_for_function("text => { const li = document.querySelector('.transcript li.is-active');"
                               " return !!li && li.textContent.includes(text); }", arg=lines[index]["text"])

    in_view = ("() => { const l = document.querySelector('.transcript'), li = l.querySelector('li.is-active');"
               " const a = l.getBoundingClientRect(), b = li.getBoundingClientRect();"
               " return b.top >= a.top - 1 && b.bottom <= a.bottom + 1; }")
    far = len(lines) - 3
    page_y = page.evaluate("() => window.scrollY")
    seek(far)
    page.wait_for_function(in_view)
    assert page.evaluate("() => window.scrollY") == page_y, "following the transcript moved the page"
    journey.check("transcript follows playback")

    # The member scrolls the panel back to the top: a later line does not pull it away while they read.
    page.locator(".transcript").hover()
    page.mouse.wheel(0, -5000)
    page.wait_for_function("() => document.querySelector('.transcript').scrollTop === 0")
    seek(far - 4)
    page.wait_for_timeout(800)
    assert page.evaluate("() => document.querySelector('.transcript').scrollTop") == 0
    assert not page.evaluate(in_view)
    # A few seconds later it follows again.
    page.wait_for_timeout(4200)
    seek(far - 1)
    page.wait_for_function(in_view)
    # Folded, the panel hides its lines (no JavaScript needed for that); unfolded, the current line is in view.
    panel.locator("summary").click()
    assert not panel.evaluate("d => d.open") and not page.locator(".transcript").is_visible()
    seek(far)
    panel.locator("summary").click()
    page.wait_for_function(in_view)
    journey.check("transcript folded and unfolded")

    # Captions are on by default; the member turns them off and the next visit keeps that choice.
    modes = "() => Array.from(document.querySelector('video[data-talk-player]').textTracks).map(t => t.mode)"
    assert page.evaluate(modes) == ["showing"]
    page.evaluate("() => { document.querySelector('video[data-talk-player]').textTracks[0].mode = 'hidden'; }")
    page.wait_for_function("() => localStorage.getItem('lms.captions') === 'hidden'")
    page.reload()
    page.wait_for_function("() => Array.from(document.querySelector('video[data-talk-player]').textTracks)"
                           ".map(t => t.mode).join() === 'hidden'")
    page.evaluate("() => { document.querySelector('video[data-talk-player]').textTracks[0].mode = 'showing'; }")
    page.wait_for_function("() => localStorage.getItem('lms.captions') === 'showing'")

    # 5. The text lesson: the countdown (mm:ss) from what the server has credited; at zero, and only when the
    #    server agrees, the confirm button is enabled; confirming completes the lesson.
    LessonProgress.objects.create(member=world["member"], lesson=world["reading"], time_spent_seconds=55)
    journey.goto(world["reading"].url, "text lesson countdown")
    countdown = page.locator("[data-countdown-value]")
    page.wait_for_function("() => /^0:0[0-9]$/.test(document.querySelector('[data-countdown-value]').textContent)")
    assert page.locator("button[data-confirm]").is_disabled()
    first = countdown.inner_text()
    page.wait_for_function("s => document.querySelector('[data-countdown-value]').textContent !== s", arg=first)
    page.wait_for_function("() => !document.querySelector('button[data-confirm]').disabled", timeout=20_000)
    assert page.locator("[data-countdown-done]").is_visible() and not page.locator("[data-countdown]").is_visible()
    journey.check("countdown reached zero")
    confirm = page.locator("button[data-confirm]")
    assert box(confirm)["height"] >= 44
    journey.follow(confirm, "text lesson confirmed")
    assert "你已完成本课时" in page.locator("#lesson-status").inner_text()

    # 6. Back in the catalog, the card shows the progress and the training pages' status.
    journey.goto("/", "catalog with progress")
    card = page.locator("article.course-card", has_text=COURSE)
    assert card.locator(".state--in_progress").inner_text() == "已完成 50%"
    assert card.locator(".due__status").inner_text() == "学习中"
