"""The attempt page on a phone: the sticky header (title, time left from the server's deadline, progress, saving
status), options as labels wrapping their inputs, the draft-answer endpoint the page saves to on every change,
the final submission grading those drafts, and no internals (ids, "quiz:1", raw dicts) on the member's pages."""

import datetime
import re

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import translation

from lms.quizzes import services
from lms.quizzes.models import QuizAttempt
from tests.factories import MemberFactory, UserFactory, make_course, make_lesson
from tests.quizzes.factories import correct_choice_ids, correct_response, question, quiz

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 5, 1, 8, 0, tzinfo=datetime.UTC)  # 16:00 in Asia/Shanghai


@pytest.fixture(autouse=True)
def clock():
    """The server's clock, stopped at START; a test moves it on with clock.shift(...)."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def paper():
    qs = [question("single", "党的根本宗旨是什么？", choices=[("实现共产主义", False), ("全心全意为人民服务", True)]),
          question("multiple", "多选<script>alert(1)</script>"),
          question("true_false", "党员可以不参加组织生活。", correct_true=False),
          question("fill_blank", "党的最高理想是实现____。", accepted="共产主义", points="2"),
          question("short_answer", "简述三会一课。", points="2")]
    return quiz(qs, title="专题党课测验", time_limit_minutes=10, credit_hours="0.5", pass_percent=60), qs


def _login(member, *, csrf=False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(member.user)
    return client


def _start(member, qz) -> QuizAttempt:
    attempt, _created = services.start_attempt(member, qz, now=START)
    return attempt


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def _answer_url(attempt, question_id) -> str:
    return f"/api/v1/quiz-attempts/{attempt.pk}/answers/{question_id}/"


# --------------------------------------------------------------------------------------------- the page

def test_the_sticky_header_carries_title_server_time_left_and_progress(paper, clock):
    qz, qs = paper
    member = MemberFactory()
    attempt = _start(member, qz)
    services.save_answer(attempt, qs[0].pk, correct_response(qs[0]), now=START)
    services.save_answer(attempt, qs[3].pk, {"blanks": ["共产主义"]}, now=START + datetime.timedelta(minutes=1))
    client = _login(member)
    clock.shift(datetime.timedelta(minutes=2, seconds=5))
    page = _soup(client.get(f"/quizzes/attempts/{attempt.pk}/"))
    head = page.select_one("main header.quiz-head#quiz-head")
    assert head is not None
    assert head.select_one("h1").get_text(" ", strip=True) == "专题党课测验 第 1 次作答"
    # Time left comes from the server's deadline (10 minutes from the start), as seconds for the script and as
    # a clock for the eye; the page's time of rendering counts, not the device's clock.
    timer = head.select_one("#quiz-timer")
    assert timer["role"] == "timer"
    assert timer["data-seconds-left"] == "475" and timer.get_text(strip=True) == "7:55"
    assert timer["data-deadline"].startswith("2026-05-01T08:10:00")
    assert "5月1日 16:10" in page.select_one(".quiz-note").get_text()
    # Progress: 2 of 5 answered, and the template the script fills in as the member answers.
    progress = head.select_one("#quiz-progress")
    assert progress.get_text(strip=True) == "已答 2 / 5"
    assert (progress["data-answered"], progress["data-total"]) == ("2", "5")
    assert progress["data-template"] == "已答 {answered} / {total}"
    # The last save, in local time, in the header and on each saved question.
    status = head.select_one("#quiz-save-status")
    assert status["aria-live"] == "polite" and status["data-state"] == "saved"
    assert status.select_one(".save-status__text").get_text(strip=True) == "已保存 16:01"
    assert head.select_one("#quiz-retry").has_attr("hidden")
    statuses = [fs.select_one(".save-status").get_text(strip=True) for fs in page.select("fieldset.question")]
    assert statuses == ["已保存 16:00", "", "", "已保存 16:01", ""]
    assert [("is-answered" in fs["class"]) for fs in page.select("fieldset.question")] == [
        True, False, False, True, False]
    # The script's messages, in the page's language; the style sheet and the script are linked.
    form = page.select_one("form#quiz-attempt")
    assert form["data-msg-saved"] == "已保存 {time}" and form["data-msg-retry"] == "保存失败，将重试"
    assert form["data-time-zone"] == "Asia/Shanghai"
    assert form["data-answer-url"] == f"/api/v1/quiz-attempts/{attempt.pk}/answers/0/"
    assert page.select_one('link[href$="css/quiz.css"]') is not None
    assert page.select_one('script[src$="quizzes/quiz-attempt.js"]') is not None


def test_the_header_speaks_english_too(paper):
    qz, qs = paper
    member = MemberFactory()
    attempt = _start(member, qz)
    services.save_answer(attempt, qs[2].pk, {"value": False}, now=START)
    client = _login(member)
    page = _soup(client.get(f"/quizzes/attempts/{attempt.pk}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert page.select_one("#quiz-progress").get_text(strip=True) == "Answered 1 / 5"
    assert page.select_one("#quiz-save-status").get_text(" ", strip=True).startswith("Saved 16:00")
    assert page.select_one("#quiz-timer").get_text(strip=True) == "10:00"


def test_an_attempt_without_time_limit_has_no_timer(paper):
    qz, _qs = paper
    qz.time_limit_minutes = 0
    qz.save()
    member = MemberFactory()
    attempt = _start(member, qz)
    page = _soup(_login(member).get(f"/quizzes/attempts/{attempt.pk}/"))
    assert page.select_one("#quiz-head") is not None and page.select_one("#quiz-timer") is None
    assert page.select_one("#quiz-progress").get_text(strip=True) == "已答 0 / 5"


def test_options_are_whole_row_labels_wrapping_their_inputs(paper):
    qz, qs = paper
    member = MemberFactory()
    attempt = _start(member, qz)
    services.save_answer(attempt, qs[0].pk, correct_response(qs[0]), now=START)
    page = _soup(_login(member).get(f"/quizzes/attempts/{attempt.pk}/"))
    single, multiple, true_false, blank, short = page.select("fieldset.question")
    # Every radio and checkbox sits inside its label.option, with the option's text: tapping the row chooses it.
    for fieldset, kind in ((single, "radio"), (multiple, "checkbox"), (true_false, "radio")):
        inputs = fieldset.select(f"input[type={kind}]")
        assert inputs and all(i.parent.name == "label" and "option" in i.parent["class"] for i in inputs)
    assert [lbl.select_one(".option__text").get_text() for lbl in single.select("label.option")] == [
        "实现共产主义", "全心全意为人民服务"]
    assert [lbl.select_one(".option__letter").get_text() for lbl in single.select("label.option")] == ["A", "B"]
    checked = single.select_one("input:checked")  # the saved draft is shown chosen
    assert int(checked["value"]) == correct_choice_ids(qs[0])[0]
    assert [lbl.get_text(strip=True) for lbl in true_false.select("label.option")] == ["正确", "错误"]
    # The question is the group's name (the legend), the blanks and the text box have their own labels.
    assert "党的根本宗旨是什么？" in single.select_one("legend").get_text()
    for fieldset in (blank, short):
        field = fieldset.select_one("input[type=text], textarea")
        label = fieldset.select_one(f'label[for="{field["id"]}"]')
        assert label is not None and label.get_text(strip=True) in ("第 1 空", "你的答案")
    # A question's own text is escaped, never markup.
    assert "<script>" not in str(multiple) and "&lt;script&gt;" in str(multiple)
    assert [b.get_text(strip=True) for b in page.select("main button[type=submit]")] == ["提交"]


# ------------------------------------------------------------------------------ the draft-answer endpoint

def test_the_owner_saves_a_draft_with_the_pages_csrf_token(paper, clock):
    qz, qs = paper
    member = MemberFactory()
    attempt = _start(member, qz)
    client = _login(member, csrf=True)
    clock.shift(datetime.timedelta(minutes=1))
    page = _soup(client.get(f"/quizzes/attempts/{attempt.pk}/"))
    token = page.select_one("input[name=csrfmiddlewaretoken]")["value"]
    url = _answer_url(attempt, qs[0].pk)
    body = correct_response(qs[0])
    refused = client.put(url, body, content_type="application/json")  # no token: refused
    assert refused.status_code == 403 and refused.json()["error"]
    saved = client.put(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert saved.status_code == 200, saved.content
    assert saved.json()["response"] == {"choices": correct_choice_ids(qs[0])}
    assert saved.json()["saved_at"].startswith("2026-05-01T08:01:00")
    answer = attempt.answers.get(question=qs[0])
    assert answer.response == {"choices": correct_choice_ids(qs[0])}


def test_only_the_owner_may_save_a_draft(paper):
    qz, qs = paper
    owner = MemberFactory()
    attempt = _start(owner, qz)
    url = _answer_url(attempt, qs[0].pk)
    body = correct_response(qs[0])
    other = _login(MemberFactory()).put(url, body, content_type="application/json")
    assert other.status_code == 403 and other.json()["error"]
    staff = Client()
    staff.force_login(UserFactory(is_superuser=True))  # an account without a member record
    assert staff.put(url, body, content_type="application/json").status_code in (403, 404)
    assert Client().put(url, body, content_type="application/json").status_code in (401, 403)
    missing = _login(owner).put(f"/api/v1/quiz-attempts/{attempt.pk + 1000}/answers/{qs[0].pk}/", body,
                                content_type="application/json")
    assert missing.status_code == 404
    assert not attempt.answers.filter(response__isnull=False).exists()


def test_a_question_outside_the_attempt_or_a_bad_answer_is_refused(paper):
    qz, qs = paper
    member = MemberFactory()
    attempt = _start(member, qz)
    stranger = question("single", "别的测验的题")
    client = _login(member)
    wrong = client.put(_answer_url(attempt, stranger.pk), correct_response(stranger), content_type="application/json")
    assert wrong.status_code == 400 and wrong.json()["error"] == "该题不在本次试卷中。"
    with translation.override("en"):
        wrong_en = client.put(_answer_url(attempt, stranger.pk), {"choices": []}, content_type="application/json",
                              HTTP_ACCEPT_LANGUAGE="en")
    assert wrong_en.json()["error"] == "That question is not part of this attempt."
    # Options of another question, a list instead of an object, text that is not JSON, an id beyond 64 bits.
    other_option = correct_choice_ids(stranger)
    for body in ({"choices": other_option}, [1, 2], {"choices": "1"}):
        response = client.put(_answer_url(attempt, qs[0].pk), body, content_type="application/json")
        assert response.status_code == 400 and response.json()["error"], body
    broken = client.put(_answer_url(attempt, qs[0].pk), "{not json", content_type="application/json")
    assert broken.status_code == 400
    huge = client.put(_answer_url(attempt, "9" * 30), {"choices": []}, content_type="application/json")
    assert huge.status_code == 404
    assert client.post(_answer_url(attempt, qs[0].pk), {}, content_type="application/json").status_code == 405
    assert not attempt.answers.filter(response__isnull=False).exists()


def test_a_closed_attempt_or_one_past_its_deadline_takes_no_draft(paper, clock):
    qz, qs = paper
    member = MemberFactory()
    client = _login(member)
    attempt = _start(member, qz)
    clock.shift(datetime.timedelta(minutes=11))  # past the deadline and its grace
    late = client.put(_answer_url(attempt, qs[0].pk), correct_response(qs[0]), content_type="application/json")
    assert late.status_code == 409 and late.json()["error"]
    attempt.refresh_from_db()
    assert attempt.is_finished  # time up: the server submitted it
    again = client.put(_answer_url(attempt, qs[0].pk), correct_response(qs[0]), content_type="application/json")
    assert again.status_code == 409 and again.json()["error"] == "本次作答已提交。"
    assert not attempt.answers.filter(response__isnull=False).exists()


# -------------------------------------------------------------------------------- the final submission

def test_the_final_submission_grades_the_saved_drafts(paper):
    qz, qs = paper
    member = MemberFactory()
    attempt = _start(member, qz)
    client = _login(member)
    for q in qs[:4]:
        assert client.put(_answer_url(attempt, q.pk), correct_response(q),
                          content_type="application/json").status_code == 200
    # The form sends only the short answer (the drafts were saved by the page's script; a radio group left alone
    # sends nothing): the drafts are graded, not cleared.
    response = client.post(f"/quizzes/attempts/{attempt.pk}/submit/", {"from_form": "1", f"q{qs[4].pk}": "按时召开"})
    assert response.status_code == 302 and response.url == f"/quizzes/attempts/{attempt.pk}/"
    attempt.refresh_from_db()
    assert attempt.status == "pending_review"  # the short answer waits for a trainer
    scores = {a.question_id: a.score for a in attempt.answers.all()}
    assert [scores[q.pk] for q in qs[:4]] == [1, 1, 1, 2]
    assert attempt.answers.get(question=qs[4]).response == {"text": "按时召开"}


def test_what_the_form_carries_replaces_the_draft(paper):
    qz, qs = paper
    member = MemberFactory()
    attempt = _start(member, qz)
    client = _login(member)
    for q in qs[:3]:
        client.put(_answer_url(attempt, q.pk), correct_response(q), content_type="application/json")
    wrong_single = next(c.pk for c in qs[0].choices.all() if not c.is_correct)
    client.post(f"/quizzes/attempts/{attempt.pk}/submit/", {
        "from_form": "1", f"q{qs[0].pk}": str(wrong_single),  # changed on the page
        f"q{qs[1].pk}": "",  # every checkbox unticked: only the hidden marker comes
        f"q{qs[3].pk}_0": "共产主义", f"q{qs[4].pk}": ""})
    attempt.refresh_from_db()
    answers = {a.question_id: a for a in attempt.answers.all()}
    assert answers[qs[0].pk].response == {"choices": [wrong_single]} and answers[qs[0].pk].score == 0
    assert answers[qs[1].pk].response is None and answers[qs[1].pk].score == 0
    assert answers[qs[2].pk].score == 1  # true/false kept from its draft
    assert answers[qs[3].pk].score == 2
    assert attempt.status == "graded" and attempt.score == 3


# --------------------------------------------------------------------------------------- no internals

INTERNALS = [re.compile(p) for p in (
    r"quiz:\d", r"\{'", r"\['", r"\bNone\b", r"\d\.0\b", r"\d{4}-\d\d-\d\dT", r"in_progress|pending_review|graded",
    r"single|multiple|true_false|fill_blank|short_answer", r"H5P\.")]


def _visible_text(html: str, part: str = "main") -> str:
    soup = BeautifulSoup(html, "html.parser")
    main = soup.select_one(part)
    for hidden in main.select("script, style"):
        hidden.decompose()
    return main.get_text(" ", strip=True)


def _assert_clean(html: str, where: str, part: str = "main") -> None:
    assert "quiz:" not in html, where
    text = _visible_text(html, part)
    patterns = INTERNALS if "lang=\"en" in html else [*INTERNALS, re.compile(r"\b(True|False)\b")]
    for pattern in patterns:
        assert not pattern.search(text), f"{where}: {pattern.pattern} in {text!r}"


def test_member_pages_show_no_internals(paper):
    qz, qs = paper
    lesson = make_lesson(make_course("专题党课"), "随堂测验", rule="quiz")
    qz.lesson = lesson
    qz.save()
    member = MemberFactory()
    client = _login(member)
    client.post(f"/quizzes/{qz.pk}/start/")
    attempt = QuizAttempt.objects.get(member=member)
    for q in qs:
        client.put(_answer_url(attempt, q.pk), correct_response(q), content_type="application/json")
    _assert_clean(client.get(f"/quizzes/attempts/{attempt.pk}/").content.decode(), "attempt page")
    box = f"#quiz-{qz.pk}"  # the rest of the lesson page belongs to the catalog
    _assert_clean(client.get(lesson.url).content.decode(), "lesson page, attempt in progress", box)
    client.post(f"/quizzes/attempts/{attempt.pk}/submit/", {"from_form": "1"})
    attempt.refresh_from_db()
    trainer = MemberFactory(roles=["member", "trainer"])
    qz.trainers.add(trainer)
    services.grade_short_answer(attempt.answers.get(question=qs[4]), score=2, user=trainer.user)
    result = client.get(f"/quizzes/attempts/{attempt.pk}/").content.decode()
    _assert_clean(result, "result page")
    text = _visible_text(result)
    assert "7 / 7" in text and "100%" in text and "通过" in text
    assert "0.5 学时" in _visible_text(client.get(lesson.url).content.decode(), box)
    _assert_clean(client.get(lesson.url).content.decode(), "lesson page, passed", box)
    with translation.override("en"):
        english = client.get(f"/quizzes/attempts/{attempt.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    _assert_clean(english, "result page in English")


def test_nothing_a_member_sends_to_the_form_gives_a_server_error(paper):
    qz, qs = paper
    member = MemberFactory()
    attempt = _start(member, qz)
    client = _login(member)
    response = client.post(f"/quizzes/attempts/{attempt.pk}/submit/", {
        "from_form": "1", f"q{qs[0].pk}": "²", f"q{qs[1].pk}": ["abc", "9" * 19, "²"], f"q{qs[2].pk}": "maybe",
        f"q{qs[3].pk}_0": "x" * 300})
    assert response.status_code == 302
    follow = client.get(response.url)
    assert follow.status_code == 200
    response = client.post(f"/quizzes/attempts/{attempt.pk}/submit/", {"from_form": "1", f"q{qs[0].pk}": "9" * 40})
    assert response.status_code == 302
