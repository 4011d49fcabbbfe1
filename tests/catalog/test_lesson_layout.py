"""The lesson page on phones and desktops: the study countdown of text lessons (the remaining seconds in a data
attribute, the server's words as the fallback), figures as clocks and durations (never 12.345 s), the
transcript as a panel that folds without JavaScript under (or beside) the player, and no internals."""

import re

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone, translation
from wagtail.rich_text import RichText

from content_library.models import Talk, TranscriptSegment
from lms.catalog import completion
from lms.common.units import duration_words
from lms.progress.models import LessonProgress
from tests.factories import MemberFactory, UserFactory, make_course, make_lesson

pytestmark = pytest.mark.django_db

THREE_DECIMALS = re.compile(r"\d\.\d{3}")


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def client_for(member=None, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if member is not None:
        client.force_login(member.user)
    return client


def text(node) -> str:
    return " ".join(node.get_text(" ", strip=True).split()) if node is not None else ""


def ready_talk(title="专题党课", *, duration=100.0, **fields) -> Talk:
    talk = Talk.objects.create(title=title, status=Talk.Status.READY, progress=100, duration=duration,
                               has_video=True, **fields)
    talk.source_file.save("talk.mp4", ContentFile(b"\x00" * 512), save=True)
    TranscriptSegment.objects.bulk_create([
        TranscriptSegment(talk=talk, index=0, text="同志们好。", start=0.5, end=2.0),
        TranscriptSegment(talk=talk, index=1, text="今天学习党章。", start=2.5, end=65.125),
    ])
    return talk


@pytest.fixture
def reading(db):
    course = make_course("党章学习", tier="required_all", credit_hours="2")
    lesson = make_lesson(course, "学习党章（图文）", rule=completion.CONFIRM, minutes=5)
    lesson.body = [("paragraph", RichText("<p>党章是党的根本大法。</p>"))]
    lesson.save()
    return lesson


# ---------------------------------------------------------------------------------------------- countdown

@pytest.mark.parametrize(("spent", "remaining", "words"), [
    (None, 300, "5 分"), (0, 300, "5 分"), (100, 200, "3 分 20 秒"), (299.3, 1, "1 秒"),
])
def test_text_lesson_counts_down_the_remaining_study_time(reading, spent, remaining, words):
    member = MemberFactory()
    if spent is not None:
        LessonProgress.objects.create(member=member, lesson=reading, time_spent_seconds=spent)
    page = soup(client_for(member).get(reading.url))
    countdown = page.select_one("#lesson-status [data-countdown]")
    assert countdown["data-remaining"] == str(remaining)
    value = countdown.select_one("[role=timer][data-countdown-value]")
    with translation.override("zh-hans"):
        assert text(value) == duration_words(remaining) == words  # the server's words until the script runs
    assert text(countdown.select_one(".countdown__label")) == "还需学习"
    done = page.select_one("[data-countdown-done]")
    assert done.has_attr("hidden") and text(done) == "学习时间已满，现在可以确认完成。"
    assert page.select_one("[data-countdown-announce][aria-live=polite]") is not None
    # Without JavaScript the button works (the server judges); the script disables it until the time is up.
    button = page.select_one("#lesson-status form button[data-confirm]")
    assert button is not None and not button.has_attr("disabled")
    assert "0 分钟" not in text(page.select_one("main")) and "还需约" not in text(page.select_one("main"))
    lesson = page.select_one("#lesson")
    assert (lesson["data-rule"], lesson["data-min-seconds"]) == ("confirm", "300")


def test_countdown_in_english(reading):
    member = MemberFactory()
    LessonProgress.objects.create(member=member, lesson=reading, time_spent_seconds=100)
    countdown = soup(client_for(member, "en").get(reading.url)).select_one("[data-countdown]")
    assert text(countdown) == "Time left to study 3 min 20 s"


def test_no_countdown_once_the_time_is_studied_or_the_lesson_is_done(reading):
    studied, finished = MemberFactory(), MemberFactory()
    LessonProgress.objects.create(member=studied, lesson=reading, time_spent_seconds=300)
    LessonProgress.objects.create(member=finished, lesson=reading, time_spent_seconds=320,
                                  completed_at=timezone.now())
    page = soup(client_for(studied).get(reading.url))
    assert page.select_one("[data-countdown]") is None
    assert page.select_one("#lesson-status button[data-confirm]") is not None
    page = soup(client_for(finished).get(reading.url))
    assert page.select_one("[data-countdown]") is None and page.select_one("button[data-confirm]") is None
    assert text(page.select_one("#lesson-status .state--done")).startswith("✓ 你已完成本课时。")
    visitor = soup(client_for().get(reading.url))
    assert visitor.select_one("[data-countdown]") is None and visitor.select_one("button[data-confirm]") is None
    assert visitor.select_one("#lesson")["data-logged-in"] == "0"


def test_countdown_only_for_lessons_confirmed_after_a_minimum_time(db):
    member = MemberFactory()
    course = make_course()
    for rule in (completion.VIDEO, completion.QUIZ, completion.H5P):
        lesson = make_lesson(course, rule=rule, video=ready_talk() if rule == completion.VIDEO else None)
        assert soup(client_for(member).get(lesson.url)).select_one("[data-countdown]") is None, rule


# ------------------------------------------------------------------------------------------- the figures

def test_video_lesson_shows_watched_time_as_a_clock(db):
    member = MemberFactory()
    lesson = make_lesson(make_course(), "专题党课视频", rule=completion.VIDEO, minutes=2, video=ready_talk())
    LessonProgress.objects.create(member=member, lesson=lesson, watched_seconds=12.345, time_spent_seconds=14.5,
                                  last_position=12.345)
    page = soup(client_for(member).get(lesson.url))
    status = page.select_one("#lesson-status")
    watched = status.select_one("#watched-seconds")
    assert text(watched) == "0:12" and watched["data-needed"] == "90"  # 90 % of 100 s
    assert text(status.select_one(".watch-progress")) == "已观看: 0:12 / 1:30"
    assert status.select_one("#watched-bar")["style"] == "width: 13%"
    main = page.select_one("main")
    assert not THREE_DECIMALS.search(text(main)), THREE_DECIMALS.search(text(main))
    assert not re.search(r"\d+(\.\d+)? s\b", text(main))
    # The transcript's times are clocks too (the exact seconds stay in data attributes for the player).
    assert [text(a) for a in main.select(".transcript__time")] == ["0:00", "0:02"]


def test_lesson_page_shows_no_internals(reading):
    member = MemberFactory()
    page = soup(client_for(member).get(reading.url))
    main = text(page.select_one("main"))
    course = reading.get_parent()
    for internal in (f"lesson:{reading.pk}", f"course:{course.pk}", reading.slug, course.slug, "(v"):
        assert internal not in main, internal
    assert text(page.select_one(".lesson-meta")) == "图文 · 5 分钟"


# ------------------------------------------------------------------------------------- transcript panel

def test_transcript_is_a_panel_under_the_player(db):
    member = MemberFactory()
    talk = ready_talk()
    lesson = make_lesson(make_course(), "专题党课视频", rule=completion.VIDEO, video=talk)
    for url in (lesson.url, talk.get_absolute_url()):
        page = soup(client_for(member).get(url))
        player = page.select_one("section.talk-player")
        # The player first (full width on phones), then the transcript panel.
        assert [child["class"][0] for child in player.find_all(recursive=False)] == [
            "talk-player__media", "talk-player__transcript"]
        panel = player.select_one("details.talk-player__transcript[data-transcript-panel]")
        assert panel.has_attr("open")  # unfolded until the member folds it; works without JavaScript
        summary = panel.find("summary", recursive=False)
        assert text(summary) == "转写文本 2 句"
        lines = panel.select("ol.transcript[data-transcript] > li[data-start]")
        assert [(li["data-start"], li["data-end"]) for li in lines] == [("0.5", "2"), ("2.5", "65.125")]
        assert lines[1].select_one("a.transcript__time")["href"] == "?t=2.5"
        assert "js/player.js" in str(page)


def test_a_failed_transcript_tells_members_without_the_technical_error(db):
    talk = Talk.objects.create(title="失败的录音", status=Talk.Status.FAILED, error="RuntimeError: CUDA out of memory")
    lesson = make_lesson(make_course(), "录音课", rule=completion.CONFIRM, video=talk)
    page = soup(client_for(MemberFactory()).get(lesson.url))
    assert text(page.select_one(".talk-player__error")) == "转写文本未能生成。"
    assert "CUDA" not in page.decode()
    staff = UserFactory(username="editor")
    staff.is_staff = True
    staff.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(staff)
    assert "CUDA out of memory" in text(soup(client.get(lesson.url)).select_one(".talk-player__error"))


def test_bad_start_times_never_fail(db):
    lesson = make_lesson(make_course(), rule=completion.VIDEO, video=ready_talk())
    client = client_for(MemberFactory())
    for start in ("x", "-5", "1e999", "nan", "\x00", "9" * 400):
        response = client.get(lesson.url, {"t": start})
        assert response.status_code == 200, start
