"""The work calendar: month, week and list pages, the secret iCalendar feed, /api/v1/calendar/, and what each
app's source puts in it (activities, plan deadlines, training due dates, exam windows)."""

import datetime
import zoneinfo

import pytest
from django.test import Client
from icalendar import Calendar
from rest_framework.test import APIClient

from lms.activities.models import CalendarFeed
from lms.activities.plans import generate_plans
from lms.activities.services import cancel
from lms.progress import services as progress
from lms.quizzes.models import ExamPage, QuizAttempt
from lms.training import services as training
from lms.training.models import Assignment
from tests.factories import MemberFactory, UserFactory, catalog_home, make_course, make_lesson
from tests.quizzes.factories import quiz

from .conftest import aware, client_for

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MAY = "/calendar/?date=2026-05-01"


def entries_on(response, day: datetime.date) -> list[dict]:
    days = [d for week in response.context["weeks"] for d in week] or response.context["listed"]
    return next((d["entries"] for d in days if d["date"] == day), [])


def titles_on(response, day: datetime.date) -> list[str]:
    return [e["event"].title for e in entries_on(response, day)]


def api_for(member) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(member.user)
    return client


# --- the page ---------------------------------------------------------------------------------------------------

def test_the_month_view_shows_the_lecture_on_its_day_with_time_place_and_link(lecture, people):
    response = client_for(people["m1"]).get(MAY)
    assert response.status_code == 200
    ctx = response.context
    assert ctx["view"] == "month" and ctx["anchor"] == datetime.date(2026, 5, 1)
    # Whole weeks, Monday first: 2026-05-01 is a Friday, 2026-05-31 a Sunday.
    assert ctx["first"] == datetime.date(2026, 4, 27) and ctx["last"] == datetime.date(2026, 5, 31)
    assert len(ctx["weeks"]) == 5 and all(len(w) == 7 for w in ctx["weeks"])
    [entry] = entries_on(response, datetime.date(2026, 5, 20))
    assert entry["event"].uid == f"activity-{lecture.pk}"
    assert (entry["time"], entry["kind_class"]) == ("14:00–16:00", "activity")
    assert entry["href"] == f"/activities/{lecture.pk}/"
    assert entry["event"].location == "三楼会议室"
    assert ctx["event_count"] == 1
    html = response.content.decode()
    assert f'<a class="ev-title" href="/activities/{lecture.pk}/">五月专题党课</a>' in html
    assert 'class="ev kind-activity"' in html and "三楼会议室" in html
    assert "?view=month&amp;date=2026-04-01" in html and "?view=month&amp;date=2026-06-01" in html
    assert "/static/activities/calendar.css" in html


def test_the_week_view_covers_monday_to_sunday(lecture, people):
    client = client_for(people["m1"])
    response = client.get("/calendar/?view=week&date=2026-05-20")
    assert response.status_code == 200
    assert (response.context["first"], response.context["last"]) == (datetime.date(2026, 5, 18),
                                                                      datetime.date(2026, 5, 24))
    assert [len(w) for w in response.context["weeks"]] == [7]
    assert titles_on(response, datetime.date(2026, 5, 20)) == ["五月专题党课"]
    assert "?view=week&amp;date=2026-05-11" in response.content.decode()  # previous week
    later = client.get("/calendar/?view=week&date=2026-05-25")
    assert later.context["event_count"] == 0 and "五月专题党课" not in later.content.decode()


def test_the_list_view_lists_only_days_with_events(lecture, people):
    response = client_for(people["m1"]).get("/calendar/?view=list&date=2026-05-09")
    assert response.status_code == 200
    listed = response.context["listed"]
    assert [d["date"] for d in listed] == [datetime.date(2026, 5, 20)]
    assert [(e["event"].title, e["time"]) for e in listed[0]["entries"]] == [("五月专题党课", "14:00–16:00")]
    assert 'class="card cal-listday' in response.content.decode()


def test_a_cancelled_lecture_leaves_the_calendar(lecture, people):
    cancel(lecture)
    assert titles_on(client_for(people["m1"]).get(MAY), datetime.date(2026, 5, 20)) == []


def test_a_member_of_another_branch_does_not_see_the_lecture(lecture, people):
    response = client_for(people["m2"]).get(MAY)
    assert response.status_code == 200
    assert response.context["event_count"] == 0
    assert "五月专题党课" not in response.content.decode()


def test_members_only_and_login_required(db, people):
    anonymous = Client().get("/calendar/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get("/calendar/").status_code == 404
    assert stranger.get("/calendar/feed/").status_code == 404


@pytest.mark.parametrize("query", ["date=2026-13-45", "date=abc", "date=2026-02-30", "date=0001-01-01",
                                   "date=99999-01-01", "view=bogus&date=2026-05-01", "view=list&date=",
                                   "view=week&date=1970-01-01", "date=2999-12-31"])
def test_a_bad_date_or_view_falls_back_instead_of_failing(people, query):
    response = client_for(people["m1"]).get(f"/calendar/?{query}")
    assert response.status_code == 200
    assert response.context["view"] in ("month", "week", "list")


def test_a_bad_date_means_today(people, time_machine):
    time_machine.move_to(aware(2026, 5, 20, 9), tick=False)
    response = client_for(people["m1"]).get("/calendar/?date=2026-02-30")
    assert response.context["anchor"] == datetime.date(2026, 5, 20)
    assert [d["date"] for w in response.context["weeks"] for d in w if d["today"]] == [datetime.date(2026, 5, 20)]


# --- plan deadlines ---------------------------------------------------------------------------------------------

def test_a_secretary_sees_the_plan_deadlines_of_their_branch(org, people):
    generate_plans(2026, [org["branch1"], org["branch2"]])
    response = client_for(people["sec1"]).get(MAY)
    may_31 = entries_on(response, datetime.date(2026, 5, 31))
    deadlines = sorted(e["event"].title for e in may_31 if e["event"].kind == "plan_slot")
    assert deadlines == ["Due: 主题党日 (第一党支部)", "Due: 支委会 (第一党支部)"]
    assert {e["time"] for e in may_31} == {"All day"}
    assert all("第二党支部" not in t for d in response.context["weeks"] for day in d
               for t in [e["event"].title for e in day["entries"]])
    # A plain member is not asked to hold meetings, so the deadlines are not in their calendar.
    plain = client_for(people["m1"]).get(MAY)
    assert [e for e in entries_on(plain, datetime.date(2026, 5, 31)) if e["event"].kind == "plan_slot"] == []


# --- training due dates -----------------------------------------------------------------------------------------

@pytest.fixture
def assigned(people, time_machine):
    """The secretary assigns a course to m1, due 2026-05-25 (assigned on 2026-05-01, through the service)."""
    time_machine.move_to(aware(2026, 5, 1, 10), tick=False)
    course = make_course("党章党规学习")
    result = training.assign_manually(people["sec1"].user, [people["m1"]], course, datetime.date(2026, 5, 25))
    [assignment] = result.created
    return assignment


def test_a_training_due_date_is_an_all_day_event(assigned, people):
    response = client_for(people["m1"]).get(MAY)
    [entry] = [e for e in entries_on(response, datetime.date(2026, 5, 25)) if e["event"].kind == "training_due"]
    assert entry["event"].title == "Due: 党章党规学习"
    assert (entry["event"].start, entry["event"].end) == (datetime.date(2026, 5, 25), datetime.date(2026, 5, 26))
    assert (entry["time"], entry["href"], entry["kind_class"]) == ("All day", "/training/my/", "training_due")
    assert entries_on(response, datetime.date(2026, 5, 26)) == []  # the end is excluded
    # Nobody else's calendar shows it.
    assert client_for(people["m2"]).get(MAY).context["event_count"] == 0


@pytest.mark.parametrize("status", [Assignment.Status.COMPLETED, Assignment.Status.WITHDRAWN])
def test_completed_and_withdrawn_assignments_are_not_shown(assigned, people, status):
    Assignment.objects.filter(pk=assigned.pk).update(status=status)
    response = client_for(people["m1"]).get(MAY)
    assert entries_on(response, datetime.date(2026, 5, 25)) == []


# --- exam windows -----------------------------------------------------------------------------------------------

def exam_page(qz, slug):
    page = ExamPage(title=qz.title, slug=slug, quiz=qz)
    catalog_home().add_child(instance=page)
    return page


def test_exam_windows_of_live_exam_pages(people):
    short = quiz(title="党章知识考试", kind="exam", opens_at=aware(2026, 5, 22, 9), closes_at=aware(2026, 5, 22, 11))
    exam_page(short, "exam-short")
    long = quiz(title="年度考试", kind="exam", opens_at=aware(2026, 5, 4, 8), closes_at=aware(2026, 5, 15, 18))
    exam_page(long, "exam-long")
    quiz(title="草稿考试", kind="exam", opens_at=aware(2026, 5, 6, 9), closes_at=aware(2026, 5, 6, 10))  # no page
    passed = quiz(title="已通过", kind="exam", opens_at=aware(2026, 5, 7, 9), closes_at=aware(2026, 5, 7, 10))
    exam_page(passed, "exam-passed")
    QuizAttempt.objects.create(member=people["m1"], quiz=passed, number=1, status="graded", passed=True)

    data = api_for(people["m1"]).get("/api/v1/calendar/?start=2026-05-01&end=2026-06-01").json()
    exams = [(e["uid"], e["title"], e["start"], e["end"]) for e in data if e["kind"] == "exam"]
    assert exams == [
        (f"quiz-{long.pk}-opens", "Exam opens: 年度考试", "2026-05-04T08:00:00+08:00", "2026-05-04T08:00:00+08:00"),
        (f"quiz-{long.pk}-closes", "Exam closes: 年度考试", "2026-05-15T18:00:00+08:00",
         "2026-05-15T18:00:00+08:00"),
        (f"quiz-{short.pk}", "Exam: 党章知识考试", "2026-05-22T09:00:00+08:00", "2026-05-22T11:00:00+08:00"),
    ]
    # Somebody else has not passed that one, so it is in their calendar.
    other = api_for(people["m2"]).get("/api/v1/calendar/?start=2026-05-07&end=2026-05-08").json()
    assert [e["title"] for e in other] == ["Exam: 已通过"]


def test_a_lesson_quiz_window_shows_for_members_taking_the_course(people):
    course = make_course("支部工作条例")
    lesson = make_lesson(course, "第一课")
    quiz(title="随堂测验", lesson=lesson, opens_at=aware(2026, 5, 12, 19), closes_at=aware(2026, 5, 12, 21))
    progress.enroll(people["m1"], course)
    taking = api_for(people["m1"]).get("/api/v1/calendar/?start=2026-05-01&end=2026-06-01").json()
    assert [(e["title"], e["kind"], e["url"]) for e in taking] == [
        ("Quiz: 随堂测验", "quiz", f"http://testserver{lesson.url}")]
    assert api_for(people["m2"]).get("/api/v1/calendar/?start=2026-05-01&end=2026-06-01").json() == []


# --- the iCalendar feed -----------------------------------------------------------------------------------------

def make_feed(client) -> CalendarFeed:
    response = client.post("/calendar/feed/", {"action": "replace"})
    assert response.status_code == 302 and response["Location"] == "/calendar/feed/"
    return CalendarFeed.objects.get()


def test_the_feed_page_shows_the_absolute_address_once_created(people):
    client = client_for(people["m1"])
    empty = client.get("/calendar/feed/")
    assert empty.status_code == 200 and empty.context["feed"] is None and ".ics" not in empty.content.decode()
    feed = make_feed(client)
    page = client.get("/calendar/feed/")
    assert page.context["feed_url"] == f"http://testserver/calendar/{feed.token}.ics"
    assert page.context["webcal_url"] == f"webcal://testserver/calendar/{feed.token}.ics"
    assert f'value="http://testserver/calendar/{feed.token}.ics"' in page.content.decode()
    assert "no-cache" in page["Cache-Control"]


def test_the_feed_is_valid_icalendar_with_the_lecture(lecture, people, assigned, time_machine):
    client = client_for(people["m1"])
    feed = make_feed(client)
    # A calendar app: no session and no Accept-Language, so the feed speaks the site's language, Chinese.
    response = Client().get(f"/calendar/{feed.token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(response.content)
    assert str(cal["VERSION"]) == "2.0" and "Member Education Platform" in str(cal["PRODID"])
    assert str(cal["X-WR-CALNAME"]) == f"工作日历 · {people['m1'].name}"
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    vevent = events[f"activity-{lecture.pk}@testserver"]
    start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
    assert start == datetime.datetime(2026, 5, 20, 14, tzinfo=SHANGHAI)
    assert start.utcoffset() == datetime.timedelta(hours=8) and str(start.tzinfo) == "Asia/Shanghai"
    assert (start.hour, end.hour) == (14, 16)
    assert str(vevent["SUMMARY"]) == "五月专题党课" and str(vevent["LOCATION"]) == "三楼会议室"
    assert str(vevent["URL"]) == f"http://testserver/activities/{lecture.pk}/"
    assert "学习党章" in str(vevent["DESCRIPTION"])
    assert isinstance(vevent.decoded("DTSTAMP"), datetime.datetime)
    due = events[f"training-assignment-{assigned.pk}@testserver"]
    assert due.decoded("DTSTART") == datetime.date(2026, 5, 25) and due.decoded("DTEND") == datetime.date(2026, 5, 26)
    assert str(due["SUMMARY"]) == "截止：党章党规学习"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_the_feed_covers_sixty_days_back_to_four_hundred_ahead(lecture, people, time_machine):
    feed = make_feed(client_for(people["m1"]))
    uid = f"activity-{lecture.pk}@testserver"

    def uids_on(day):
        time_machine.move_to(aware(*day, 12), tick=False)
        return [str(e["UID"]) for e in Calendar.from_ical(Client().get(f"/calendar/{feed.token}.ics").content)
                .walk("VEVENT")]

    assert uid in uids_on((2025, 4, 20))  # 395 days ahead
    assert uid not in uids_on((2025, 4, 1))  # 414 days ahead
    assert uid in uids_on((2026, 7, 10))  # 51 days back
    assert uid not in uids_on((2026, 7, 25))  # 66 days back


def test_a_new_address_revokes_the_old_one(people):
    client = client_for(people["m1"])
    old = make_feed(client).token
    assert Client().get(f"/calendar/{old}.ics").status_code == 200
    new = make_feed(client).token
    assert new != old and CalendarFeed.objects.count() == 1
    assert Client().get(f"/calendar/{old}.ics").status_code == 404
    assert Client().get(f"/calendar/{new}.ics").status_code == 200
    assert client.post("/calendar/feed/", {"action": "revoke"}).status_code == 302
    assert Client().get(f"/calendar/{new}.ics").status_code == 404 and not CalendarFeed.objects.exists()


def test_unknown_token_and_inactive_users_get_404(people):
    assert Client().get("/calendar/not-a-real-token.ics").status_code == 404
    feed = make_feed(client_for(people["m1"]))
    people["m1"].user.is_active = False
    people["m1"].user.save(update_fields=["is_active"])
    assert Client().get(f"/calendar/{feed.token}.ics").status_code == 404


def test_the_feed_address_needs_a_logged_in_member_to_create(db):
    response = Client().post("/calendar/feed/", {"action": "replace"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not CalendarFeed.objects.exists()


# --- the API ----------------------------------------------------------------------------------------------------

def test_the_api_returns_the_events_as_json(lecture, people, assigned):
    response = api_for(people["m1"]).get("/api/v1/calendar/?start=2026-05-01&end=2026-06-01")
    assert response.status_code == 200
    assert response.json() == [
        {"uid": f"activity-{lecture.pk}", "title": "五月专题党课", "start": "2026-05-20T14:00:00+08:00",
         "end": "2026-05-20T16:00:00+08:00", "all_day": False, "kind": "activity",
         "url": f"http://testserver/activities/{lecture.pk}/", "location": "三楼会议室"},
        {"uid": f"training-assignment-{assigned.pk}", "title": "Due: 党章党规学习", "start": "2026-05-25",
         "end": "2026-05-26", "all_day": True, "kind": "training_due", "url": "http://testserver/training/my/",
         "location": ""},
    ]


def test_the_api_defaults_to_this_month(lecture, people, time_machine):
    time_machine.move_to(aware(2026, 5, 3, 9), tick=False)
    assert [e["title"] for e in api_for(people["m1"]).get("/api/v1/calendar/").json()] == ["五月专题党课"]
    time_machine.move_to(aware(2026, 6, 3, 9), tick=False)
    assert api_for(people["m1"]).get("/api/v1/calendar/").json() == []
    assert [e["title"] for e in api_for(people["m1"]).get("/api/v1/calendar/?start=2026-05-20").json()] == [
        "五月专题党课"]


@pytest.mark.parametrize(("query", "field"), [
    ("start=2026-13-01", "start"), ("start=abc", "start"), ("end=2026-02-30", "end"), ("start=0001-01-01", "start"),
    ("start=2026-05-10&end=2026-05-10", "end"), ("start=2026-05-10&end=2026-05-01", "end"),
    ("start=2026-01-01&end=2027-02-06", "end"),
])
def test_bad_api_dates_are_400_with_a_message(people, query, field):
    response = api_for(people["m1"]).get(f"/api/v1/calendar/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and field in body["fields"] and body["error"].startswith(f"{field}: ")


def test_400_days_is_the_longest_range(people):
    assert api_for(people["m1"]).get("/api/v1/calendar/?start=2026-01-01&end=2027-02-05").status_code == 200


def test_the_api_needs_an_authenticated_member(db):
    assert APIClient().get("/api/v1/calendar/").status_code == 401
    stranger = APIClient()
    stranger.force_authenticate(UserFactory())
    assert stranger.get("/api/v1/calendar/").status_code == 403
    member = MemberFactory()
    assert api_for(member).get("/api/v1/calendar/").status_code == 200


def test_the_api_is_in_the_openapi_schema(db):
    response = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    operation = response.json()["paths"]["/api/v1/calendar/"]["get"]
    assert {p["name"]: p["schema"]["format"] for p in operation["parameters"]} == {"start": "date", "end": "date"}
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["type"] == "array" and ok["items"]["$ref"].endswith("/CalendarEvent")
