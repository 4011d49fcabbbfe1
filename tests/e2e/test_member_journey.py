"""A member's journey, in the browser at both viewports: log in through the form, open a required course, watch
its video lesson (captions, a transcript that follows playback), search 三会一课 twice and jump to the moment in
the talk, pass the lesson quiz and find this year's hours on “my learning” and in “my archive”."""

import json
import math
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile

from content_library.captions import build_vtt
from content_library.models import Talk, TranscriptSegment
from content_library.signals import transcript_ready
from lms.records import ledger, sources
from tests.factories import make_course, make_lesson
from tests.quizzes.factories import question, quiz

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE = "dev01_dangke"
COURSE = "新时代党员教育培训专题党课"
QUIZ = "专题党课随堂测验"


def sample_talk() -> tuple[Talk, list[dict]]:
    """The sample talk as the pipeline leaves it: the recording, its transcript (the sample's script) and
    captions, indexed for search."""
    folder = Path(settings.LMS_SAMPLE_TALKS_DIR)
    sample = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))[SAMPLE]
    lines = sample["sentences"]
    talk = Talk(title=sample["title"], speaker="王建国", language="zh", status=Talk.Status.READY, progress=100,
                duration=sample["duration"], has_video=True)
    with (folder / f"{SAMPLE}.mp4").open("rb") as fh:
        talk.source_file.save(f"{SAMPLE}.mp4", File(fh), save=False)
    talk.captions.save(f"{SAMPLE}.vtt", ContentFile(build_vtt(lines).encode()), save=False)
    talk.save()
    TranscriptSegment.objects.bulk_create(
        TranscriptSegment(talk=talk, index=i, start=line["start"], end=line["end"], text=line["text"])
        for i, line in enumerate(lines))
    transcript_ready.send(sender=Talk, talk_id=talk.pk)  # indexes it now: no transaction is open
    return talk, lines


def build_world(make_member) -> dict:
    member = make_member("D1003", "张伟", "公司党委/第一党支部/第一党小组")
    talk, lines = sample_talk()
    course = make_course(COURSE, tier="required_all", credit_hours="4")
    video_lesson = make_lesson(course, "专题党课视频", rule="video", minutes=1, video=talk)
    quiz_lesson = make_lesson(course, "随堂测验", rule="quiz", minutes=5)
    questions = [
        question("single", "中国共产党的根本宗旨是什么？", points="2",
                 choices=[("实现共产主义", False), ("全心全意为人民服务", True), ("发展社会生产力", False)]),
        question("true_false", "党员可以不参加党的组织生活。", correct_true=False),
        question("fill_blank", "党的最高理想和最终目标是实现____。", accepted="共产主义", points="2"),
    ]
    quiz(questions, lesson=quiz_lesson, title=QUIZ, max_attempts=3, pass_percent=60, credit_hours=Decimal("0.5"))
    ledger.credit(member, source=sources.OFFLINE, reference="e2e:theme-day", title="支部主题党日活动",
                  hours=Decimal("4"))
    return {"member": member, "talk": talk, "lines": lines, "course": course, "video_lesson": video_lesson,
            "quiz_lesson": quiz_lesson}


def active_cue(page) -> str:
    return page.locator(".transcript li.is-active .transcript__text").inner_text()


def wait_for_cue(page, text: str) -> None:
    page.wait_for_function(
        "text => { const li = document.querySelector('.transcript li.is-active');"
        " return !!li && li.textContent.includes(text); }", arg=text)


def search(journey, query: str, step: str) -> list[tuple[str, list[str]]]:
    page = journey.page
    box = page.get_by_role("searchbox", name="搜索")
    box.fill(query)
    with page.expect_navigation():
        box.press("Enter")
    journey.check(step)
    hits = []
    for hit in page.locator("article.hit").all():
        title = hit.locator("a").first.inner_text()
        moments = [a.get_attribute("href") for a in hit.locator(".moments a.moment").all()]
        hits.append((title, moments))
    return hits


def test_member_studies_searches_and_passes_the_quiz(journey, make_member):
    world = build_world(make_member)
    page = journey.page
    lines = world["lines"]
    video_talk = world["talk"]

    # 1. Log in through the form: it lands on the member's home (today); the catalog lists the required course.
    journey.login("D1003")
    assert page.url == journey.server.url + "/today/"
    journey.goto("/", "catalog")
    journey.follow(page.get_by_role("link", name=COURSE), "course page")
    journey.follow(page.get_by_role("button", name="报名学习"), "enrolled")
    assert page.locator(".progress").count() >= 1

    # 2. The video lesson: the captions track loads, and the transcript follows playback.
    with page.expect_navigation():
        page.get_by_role("link", name="专题党课视频").click()
    page.wait_for_function("() => { const v = document.querySelector('video[data-talk-player]');"
                           " return v && v.readyState >= 1; }")
    track = page.locator("video[data-talk-player] track[kind=captions]")
    assert track.count() == 1 and track.get_attribute("src") == f"/talks/{video_talk.pk}/captions.vtt"
    page.wait_for_function("() => { const t = document.querySelector('video[data-talk-player]').textTracks[0];"
                           " return t && t.cues && t.cues.length > 0; }")
    cues = page.evaluate("() => Array.from(document.querySelector('video[data-talk-player]').textTracks[0].cues)"
                         ".map(c => c.text.replace(/\\n/g, ''))")
    assert cues == [line["text"] for line in lines]
    assert page.locator(".transcript li[data-start]").count() == len(lines)
    # Really playing (muted, as browsers allow without a gesture) moves to the first line...
    page.evaluate("() => { const v = document.querySelector('video[data-talk-player]'); v.muted = true; v.play(); }")
    page.wait_for_function("() => document.querySelector('video[data-talk-player]').currentTime > 1")
    page.evaluate("() => document.querySelector('video[data-talk-player]').pause()")
    wait_for_cue(page, lines[0]["text"])
    journey.check("video lesson playing")
    # ...and later positions move the highlight along.
    for index in (2, 4):
        page.evaluate("t => { document.querySelector('video[data-talk-player]').currentTime = t; }",
                      lines[index]["start"] + 0.5)
        wait_for_cue(page, lines[index]["text"])
    assert "三会一课" in active_cue(page)
    journey.check("transcript follows playback")

    # 3. Search 三会一课 twice: the second answer (warm caches) is the same as the first.
    journey.nav("搜索", "search page")
    first = search(journey, "三会一课", "search sanhui-yike")
    second = search(journey, "三会一课", "search sanhui-yike again")
    assert first == second
    said = lines[4]  # 各支部要坚持三会一课制度…
    second_of_line = math.floor(said["start"])  # links to a moment carry whole seconds
    moment = f"/talks/{video_talk.pk}/?t={second_of_line}"
    talk_hits = [moments for title, moments in first if title == video_talk.title]
    assert talk_hits and moment in talk_hits[0], first
    assert "三会一课" in page.locator(f'.moments a[href="{moment}"]').locator("..").inner_text()

    # 4. Jump to the moment: the talk page opens there, the player seeks and the transcript shows that line.
    with page.expect_navigation(url=re.compile(re.escape(moment) + "$")):
        page.locator(f'.moments a[href="{moment}"]').click()
    page.wait_for_function("t => { const v = document.querySelector('video[data-talk-player]');"
                           " return v && v.readyState >= 1 && Math.abs(v.currentTime - t) < 0.5; }",
                           arg=second_of_line)
    wait_for_cue(page, said["text"])
    journey.check("talk at the moment")

    # 5. The lesson quiz, answered in the browser, to its result page.
    journey.goto(world["course"].url, "back to the course")
    journey.follow(page.get_by_role("link", name="随堂测验"), "quiz lesson")
    journey.follow(page.get_by_role("button", name="开始作答"), "quiz attempt")
    page.get_by_label("全心全意为人民服务").check()
    page.locator("fieldset.question", has_text="党员可以不参加").get_by_label("错误").check()
    page.locator("fieldset.question", has_text="最高理想").get_by_role("textbox").fill("共产主义")
    journey.follow(page.get_by_role("button", name="提交"), "quiz result")
    summary = page.locator(".attempt-summary").inner_text()
    assert "5 / 5" in summary and "通过" in summary, summary

    # 6. This year's hours: 4 offline + 0.5 for passing the quiz.
    journey.nav("我的学习", "my learning")
    hours = page.locator("#hours").inner_text()
    assert "4.5" in hours and "32" in hours, hours
    journey.nav("我的档案", "my archive")
    summary = page.locator("#summary").inner_text()
    assert "4.5 / 32 学时" in summary, summary  # figures as lms.common.units writes them
    assert QUIZ in page.locator("main").inner_text()
