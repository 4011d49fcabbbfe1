"""Course cards on the catalog page and the course page's header: cover (uploaded or the default one drawn by
catalog.css), tier badge, hours, the member's progress, and 指派给你 with the due date and the training pages'
status only for the member an open assignment applies to; the lessons as rows with kind icons and states. The
catalog page's query count does not grow with the number of courses."""

import datetime
import io
import zlib

import pytest
from bs4 import BeautifulSoup
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from content_library.models import Category
from lms.catalog import completion
from lms.catalog.listing import COVER_VARIANTS
from lms.common.units import day_label
from lms.progress.models import Enrollment, LessonProgress
from lms.training.models import Assignment
from lms.training.services import DISPLAY
from tests.factories import MemberFactory, catalog_home, make_course, make_lesson, make_talk

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def client_for(member=None, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if member is not None:
        client.force_login(member.user)
    return client


def card(page: BeautifulSoup, course):
    found = page.select_one(f'article.course-card[data-course-id="{course.pk}"]')
    assert found is not None, f"no card for {course.title}"
    return found


def text(node) -> str:
    return " ".join(node.get_text(" ", strip=True).split()) if node is not None else ""


def assign(member, course, *, due_in: int = 10, status: str = "active", source: str = "manual") -> Assignment:
    due = timezone.localdate() + datetime.timedelta(days=due_in)
    return Assignment.objects.create(member=member, course=course, source=source, year=due.year, due_on=due,
                                     original_due_on=due, status=status)


def cover_image(title: str = "封面"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 36), (200, 22, 29)).save(buffer, "PNG")
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name="cover.png"))


@pytest.fixture
def theory(db):
    return Category.objects.create(name="理论学习", slug="theory")


# ----------------------------------------------------------------------------------------------- the cards

def test_card_shows_tier_badge_hours_and_a_default_cover(theory):
    required = make_course("党章党规学习", tier="required_all", credit_hours="32.5", categories=[theory])
    role = make_course("支部书记培训", tier="role_required", credit_hours="4")
    elective = make_course("安全生产专题", tier="elective", credit_hours="1")
    page = soup(client_for().get(catalog_home().url))

    one = card(page, required)
    assert text(one.select_one(".tier-badge.tier-badge--required_all")) == "全员必修"
    assert text(one.select_one(".course-card__hours")) == "32.5 学时"
    assert text(one.select_one("h3 a")) == "党章党规学习"
    assert one.select_one("img") is None  # no image uploaded: the default cover, drawn by CSS, no request
    cover = one.select_one("div.cover")
    variant = zlib.crc32(b"theory") % COVER_VARIANTS
    assert set(cover["class"]) == {"cover", f"cover--v{variant}", "cover--required_all"}
    assert cover["aria-hidden"] == "true"
    assert (text(cover.select_one(".cover__glyph")), text(cover.select_one(".cover__label"))) == ("理", "理论学习")

    two = card(page, role)
    assert text(two.select_one(".tier-badge.tier-badge--role_required")) == "角色必修"
    assert text(two.select_one(".course-card__hours")) == "4 学时"
    # Without a category: the title's first character and the tier's name.
    assert text(two.select_one(".cover__glyph")) == "支" and text(two.select_one(".cover__label")) == "角色必修"
    assert "cover--role_required" in two.select_one("div.cover")["class"]
    three = card(page, elective)
    assert text(three.select_one(".tier-badge.tier-badge--elective")) == "选修"
    assert text(three.select_one(".course-card__hours")) == "1 学时"
    # One link per card (the title's, stretched over the card by CSS): one tap target, one name.
    assert [a["href"] for a in one.select("a")] == [required.url]

    # The same category always draws the same cover.
    again = make_course("党史学习", tier="required_all", categories=[theory])
    page = soup(client_for().get(catalog_home().url))
    assert card(page, again).select_one("div.cover")["class"] == card(page, required).select_one("div.cover")["class"]


def test_card_in_english():
    course = make_course("Party rules", tier="required_all", credit_hours="32.5")
    one = card(soup(client_for(language="en").get(catalog_home().url)), course)
    assert text(one.select_one(".tier-badge")) == "Required for all members"
    assert text(one.select_one(".course-card__hours")) == "32.5 hours"


def test_an_uploaded_cover_image_replaces_the_default_cover(theory):
    course = make_course("党章党规学习", tier="required_all", categories=[theory])
    course.cover_image = cover_image()
    course.save()
    for url in (catalog_home().url, course.url):
        page = soup(client_for().get(url))
        img = page.select_one("main img.cover--image")
        assert img is not None and "/images/" in img["src"] and img["alt"] == ""
        assert page.select_one("main div.cover") is None


def test_card_shows_the_members_progress(theory):
    member = MemberFactory()
    started = make_course("进行中", credit_hours="2")
    done = make_course("已学完", credit_hours="2")
    untouched = make_course("没学过", credit_hours="2")
    Enrollment.objects.create(member=member, course=started, percent=40)
    Enrollment.objects.create(member=member, course=done, percent=100, status="completed",
                              completed_at=timezone.now())
    page = soup(client_for(member).get(catalog_home().url))

    one = card(page, started)
    assert one.select_one(".progress span")["style"] == "width: 40%"
    assert text(one.select_one(".state--in_progress")) == "已完成 40%"
    assert text(card(page, done).select_one(".state--done")) == "✓ 已完成"
    assert text(card(page, untouched).select_one(".state--not_started")) == "未开始"
    # A visitor has no progress to show.
    anonymous = soup(client_for().get(catalog_home().url))
    assert anonymous.select(".course-card__progress") == [] and anonymous.select(".progress") == []


def test_assigned_and_due_only_for_the_member_it_applies_to():
    member, other = MemberFactory(name="张伟"), MemberFactory(name="李娜")
    course = make_course("新时代党员教育培训专题党课", tier="required_all", credit_hours="4")
    late = make_course("廉洁从业警示教育", credit_hours="2")
    free = make_course("选修课", credit_hours="1")
    withdrawn = make_course("已撤回", credit_hours="1")
    finished = make_course("已完成的指派", credit_hours="1")
    due = assign(member, course, due_in=10)
    assign(member, late, due_in=-3)
    assign(member, withdrawn, status="withdrawn")
    assign(member, finished, status="completed")
    assign(other, free)

    page = soup(client_for(member).get(catalog_home().url))
    one = card(page, course)
    assert "course-card--assigned" in one["class"]
    assert text(one.select_one(".assigned-badge")) == "指派给你"
    assert text(one.select_one(".due__date")) == f"{day_label(due.due_on)}截止"
    # The training pages' wording of the status (services.display_status and its labels).
    assert text(one.select_one(".due__status")) == str(DISPLAY["not_started"]) == "未开始"
    overdue = card(page, late)
    assert "due--overdue" in overdue.select_one(".due")["class"]
    assert text(overdue.select_one(".due__status")) == str(DISPLAY["overdue"]) == "已逾期"
    # Another member's assignment, a withdrawn one and a completed one: no badge, no due date.
    for other_course in (free, withdrawn, finished):
        assert card(page, other_course).select_one(".assigned-badge, .due") is None, other_course.title

    # Begun: the same status as on 我的培训任务.
    Enrollment.objects.create(member=member, course=course, percent=50)
    one = card(soup(client_for(member).get(catalog_home().url)), course)
    assert text(one.select_one(".due__status")) == str(DISPLAY["in_progress"])

    # The other member and a visitor see neither badge nor due date on this course.
    for client in (client_for(other), client_for()):
        page = soup(client.get(catalog_home().url))
        assert card(page, course).select_one(".assigned-badge, .due") is None
    assert text(card(soup(client_for(other).get(catalog_home().url)), free).select_one(".assigned-badge")) == "指派给你"

    # The course page's header says the same.
    header = soup(client_for(member).get(course.url)).select_one("header.course-hero")
    assert text(header.select_one(".assigned-badge")) == "指派给你"
    assert text(header.select_one(".due__date")) == f"{day_label(due.due_on)}截止"
    assert text(header.select_one(".tier-badge")) == "全员必修"
    assert text(header.select_one(".course-card__hours")) == "4 学时"
    assert soup(client_for(other).get(course.url)).select_one("header.course-hero .assigned-badge") is None


def test_two_assignments_of_one_course_show_the_earlier_due_date():
    member = MemberFactory()
    course = make_course("专题党课")
    first = assign(member, course, due_in=5, source="manual")
    assign(member, course, due_in=30, source="rule")
    one = card(soup(client_for(member).get(catalog_home().url)), course)
    assert text(one.select_one(".due__date")) == f"{day_label(first.due_on)}截止"


def test_assigned_in_english():
    member = MemberFactory()
    course = make_course("Party rules")
    due = assign(member, course, due_in=10)
    one = card(soup(client_for(member, "en").get(catalog_home().url)), course)
    assert text(one.select_one(".assigned-badge")) == "Assigned to you"
    with translation.override("en"):
        assert text(one.select_one(".due__date")) == f"Due {day_label(due.due_on)}"
        assert text(one.select_one(".due__status")) == "Not started"


def test_bad_filters_never_fail():
    make_course("党章党规学习", tier="required_all")
    client = client_for(MemberFactory())
    for params in ({"tier": "<script>"}, {"category": "\x00"}, {"role": "x" * 5000}, {"category": "无此分类"},
                   {"tier": ["required_all", "elective"]}):
        assert client.get(catalog_home().url, params).status_code == 200, params


# ----------------------------------------------------------------------------------------- query count

def _world(member, categories, start: int, count: int) -> None:
    for i in range(start, start + count):
        course = make_course(f"课程{i:02d}", tier=("required_all", "role_required", "elective")[i % 3],
                             credit_hours="2.5", categories=[categories[i % len(categories)]])
        if i % 2:
            course.cover_image = cover_image(f"封面{i}")
            course.save()
        if i % 3 == 0:
            Enrollment.objects.create(member=member, course=course, percent=30)
        if i % 4 == 0:
            assign(member, course, due_in=i - 5)


def _queries(client) -> tuple[int, int]:
    client.get(catalog_home().url)  # renditions of new covers are made on the first view
    for cache in caches.all():  # and kept in a cache: measure without it, as after a restart
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        page = soup(client.get(catalog_home().url))
    return len(queries), len(page.select("article.course-card"))


def test_catalog_query_count_does_not_grow_with_the_courses():
    member = MemberFactory()
    categories = [Category.objects.create(name=f"分类{i}", slug=f"c{i}") for i in range(3)]
    client = client_for(member)
    _world(member, categories, 0, 4)
    few, shown = _queries(client)
    assert shown == 4
    _world(member, categories, 4, 12)
    many, shown = _queries(client)
    assert shown == 16
    assert many == few, f"{few} queries for 4 courses, {many} for 16"


# ------------------------------------------------------------------------------------------ course page

def test_course_page_lists_lessons_with_kind_icons_and_states():
    member = MemberFactory()
    course = make_course("专题党课", tier="required_all", credit_hours="4")
    video = make_lesson(course, "专题党课视频", rule=completion.VIDEO, video=make_talk("党课录像"))
    reading = make_lesson(course, "学习党章", rule=completion.CONFIRM, minutes=5)
    document = get_document_model()(title="辅导材料")
    document.file.save("fudao.txt", ContentFile("辅导材料".encode()), save=True)
    paper = make_lesson(course, "辅导材料", rule=completion.CONFIRM)
    paper.body = [("document", document)]
    paper.save()
    test = make_lesson(course, "随堂测验", rule=completion.QUIZ)
    game = make_lesson(course, "互动练习", rule=completion.H5P, required=False)
    package = make_lesson(course, "采购课件", rule=completion.SCORM, required=False)
    LessonProgress.objects.create(member=member, lesson=video, completed_at=timezone.now())
    LessonProgress.objects.create(member=member, lesson=reading, time_spent_seconds=30)

    page = soup(client_for(member).get(course.url))
    rows = page.select("ol.lesson-list > li > a.lesson-row")
    assert [a["href"] for a in rows] == [lesson.url for lesson in (video, reading, paper, test, game, package)]
    kinds = [(a.select_one(".lesson-row__icon svg")["class"][1], text(a.select_one(".lesson-row__meta")))
             for a in rows]
    assert kinds == [("icon--video", "视频 · 10 分钟"), ("icon--text", "图文 · 5 分钟"),
                     ("icon--document", "文档 · 10 分钟"), ("icon--quiz", "测验 · 10 分钟"),
                     ("icon--h5p", "互动 · 10 分钟 · 选学"), ("icon--scorm", "课件包 · 10 分钟 · 选学")]
    states = [(a.select_one(".lesson-state")["class"][1], text(a.select_one(".lesson-state__label"))) for a in rows]
    assert states == [("lesson-state--done", "已完成"), ("lesson-state--in_progress", "学习中"),
                      ("lesson-state--not_started", "未开始"), ("lesson-state--not_started", "未开始"),
                      ("lesson-state--not_started", "未开始"), ("lesson-state--not_started", "未开始")]
    assert "lesson-row--done" in rows[0]["class"]

    # A visitor sees the lessons, not a state.
    visitor = soup(client_for().get(course.url))
    assert len(visitor.select("a.lesson-row")) == 6 and visitor.select(".lesson-state") == []


def test_course_page_header_shows_progress_and_no_internals():
    member = MemberFactory()
    trainer = MemberFactory(name="王老师", employee_no="T0001", roles=["member", "trainer"])
    course = make_course("专题党课", tier="elective", credit_hours="1.5")
    course.trainers.set([trainer])
    course.save()
    make_lesson(course, "第一课")
    Enrollment.objects.create(member=member, course=course, percent=40)
    page = soup(client_for(member).get(course.url))
    header = page.select_one("header.course-hero")
    assert text(header.select_one(".course-card__hours")) == "1.5 学时"
    assert header.select_one(".progress span")["style"] == "width: 40%"
    assert text(header.select_one(".state")) == "已完成 40%"
    assert header.select_one("div.cover.cover--elective") is not None
    main = text(page.select_one("main"))
    assert "王老师" in main and "T0001" not in main and course.slug not in main and f"course:{course.pk}" not in main
