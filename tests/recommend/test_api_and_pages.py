"""GET /api/v1/recommendations/, dismissals, talk completions, the dashboard and the course page."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from lms.recommend.compute import recompute
from lms.recommend.models import Dismissal, Recommendation, RecomputeRun, TalkCompletion
from tests.factories import MemberFactory, UserFactory

from .conftest import complete

pytestmark = pytest.mark.django_db


def api_for(member):
    client = APIClient()
    client.force_authenticate(member.user)
    return client


def test_list_shape_and_access(world, api):
    recompute()
    assert api.get("/api/v1/recommendations/").status_code == 401
    outsider = APIClient()
    outsider.force_authenticate(UserFactory(username="no-member"))
    res = outsider.get("/api/v1/recommendations/")
    assert res.status_code == 403 and res.json()["error"]
    res = api_for(world.me).get("/api/v1/recommendations/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert res.status_code == 200
    body = res.json()
    assert body["computed_at"]
    assert [r["title"] for r in body["required"]] == ["党章党规学习"]
    d = next(r for r in body["for_you"] if r["title"] == "红色革命历史专题")
    assert d["kind"] == "course" and d["item_id"] == world.D.pk and d["url"] == world.D.url
    assert d["reason_code"] == "completed_with" and d["reason"] == "因为你学完了《党史学习教育》"
    assert [r["rank"] for r in body["for_you"]] == list(range(len(body["for_you"])))
    # Only the caller's own list: another member's is different and never mixed in.
    ids = {r["id"] for r in body["for_you"] + body["required"]}
    assert set(Recommendation.objects.filter(member=world.me).values_list("pk", flat=True)) == ids


def test_dismissals_stick_across_recomputes(world, django_capture_on_commit_callbacks):
    recompute()
    client = api_for(world.me)
    rec = Recommendation.objects.get(member=world.me, course=world.D)
    with django_capture_on_commit_callbacks(execute=True):
        res = client.post(f"/api/v1/recommendations/{rec.pk}/dismiss/")
    assert res.status_code == 204
    assert Dismissal.objects.filter(member=world.me, course=world.D).count() == 1
    # The dismissal marked the member dirty; the (eager) flush refilled the list without D.
    assert RecomputeRun.objects.filter(kind="incremental", members=1).exists()
    titles = [r["title"] for r in client.get("/api/v1/recommendations/").json()["for_you"]]
    assert "红色革命历史专题" not in titles and titles
    recompute()  # nightly
    assert not Recommendation.objects.filter(member=world.me, course=world.D).exists()
    # Others still get it.
    assert Recommendation.objects.filter(course=world.D).exclude(member=world.me).exists()


def test_dismiss_errors(world):
    recompute()
    client = api_for(world.me)
    required = Recommendation.objects.get(member=world.me, section="required")
    res = client.post(f"/api/v1/recommendations/{required.pk}/dismiss/")
    assert res.status_code == 400 and res.json()["error"] == "必修课程不能忽略。"
    assert Recommendation.objects.filter(pk=required.pk).exists()
    someone_elses = Recommendation.objects.exclude(member=world.me).first()
    assert client.post(f"/api/v1/recommendations/{someone_elses.pk}/dismiss/").status_code == 404
    assert Recommendation.objects.filter(pk=someone_elses.pk).exists()
    assert not Dismissal.objects.exists()


def test_marking_a_talk_done_counts_as_completion(world, ready_talk, django_capture_on_commit_callbacks):
    talk = ready_talk("党史专题视频")
    hidden = ready_talk("第二支部内部视频", visibility="subtree", org_unit=world.b2)
    for m in world.fans:
        TalkCompletion.objects.create(member=m, talk=talk)
    recompute()
    assert Recommendation.objects.filter(member=world.me, talk=talk).exists()
    client = api_for(world.me)
    with django_capture_on_commit_callbacks(execute=True):
        res = client.post(f"/api/v1/recommendations/talks/{talk.pk}/done/")
    assert res.status_code == 201 and res.json()["created"] is True
    assert client.post(f"/api/v1/recommendations/talks/{talk.pk}/done/").status_code == 200
    assert TalkCompletion.objects.filter(member=world.me, talk=talk).count() == 1
    assert not Recommendation.objects.filter(member=world.me, talk=talk).exists()
    assert client.post(f"/api/v1/recommendations/talks/{hidden.pk}/done/").status_code == 404
    assert client.post("/api/v1/recommendations/talks/999999/done/").status_code == 404
    assert not TalkCompletion.objects.filter(member=world.me, talk=hidden).exists()


def test_dashboard_reasons_change_after_the_member_completes_a_course(world, django_capture_on_commit_callbacks):
    recompute()
    browser = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    browser.force_login(world.me.user)
    page = browser.get("/my/").content.decode()
    assert "为你推荐" in page and "你的必修" in page
    assert ">红色革命历史专题</a>" in page and "因为你学完了《党史学习教育》" in page
    assert "因为你学完了《红色革命历史专题》" not in page
    # Completing D (its lesson, through the progress services) marks me dirty; the flush runs (eager Celery).
    with django_capture_on_commit_callbacks(execute=True):
        complete(world.me, world.D, days_ago=0)
    assert RecomputeRun.objects.filter(kind="incremental", status="done").exists()
    page = browser.get("/my/").content.decode()
    assert "因为你学完了《红色革命历史专题》" in page  # 党史故事会 goes with D
    assert 'data-reason="completed_with"' in page
    section = page.split('id="recommendations"')[1].split("</section>")[0]
    assert ">红色革命历史专题</a>" not in section  # completed: no longer recommended, only named as a reason


def test_dashboard_dismiss_form(world):
    recompute()
    browser = Client()
    browser.force_login(world.me.user)
    rec = Recommendation.objects.get(member=world.me, course=world.D)
    res = browser.post(f"/recommendations/{rec.pk}/dismiss/", {"next": "/my/"})
    assert res.status_code == 302 and res["Location"] == "/my/"
    assert Dismissal.objects.filter(member=world.me, course=world.D).exists()
    res = browser.post(f"/recommendations/{rec.pk}/dismiss/", {"next": "https://evil.example/"})
    assert res.status_code == 404  # gone already; and an outside "next" is never followed
    other = Recommendation.objects.filter(member=world.me, section="for_you").first()
    res = browser.post(f"/recommendations/{other.pk}/dismiss/", {"next": "https://evil.example/"})
    assert res.status_code == 302 and res["Location"] == "/my/"


def test_course_page_shows_what_members_who_completed_it_also_completed(world):
    recompute()
    browser = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    browser.force_login(world.me.user)
    page = browser.get(world.C.url).content.decode()
    assert "学完本课程的党员还学了" in page
    block = page.split("学完本课程的党员还学了")[1]
    assert "红色革命历史专题" in block and "4 人两者都学完了" in block
    res = api_for(world.me).get(f"/api/v1/recommendations/courses/{world.C.pk}/also-completed/")
    assert res.status_code == 200
    assert res.json()[0] == {"kind": "course", "item_id": world.D.pk, "title": "红色革命历史专题",
                             "url": world.D.url, "members": 4, "completed": False}
    # A course whose co-completions are all by a single member shows nothing (no one's history leaks).
    loner = MemberFactory(org_unit=world.b2)
    complete(loner, world.B)
    complete(loner, world.S)
    recompute()
    assert api_for(world.me).get(f"/api/v1/recommendations/courses/{world.B.pk}/also-completed/").json() == []
    anonymous = Client().get(world.C.url).content.decode()
    assert "学完本课程的党员还学了" not in anonymous
