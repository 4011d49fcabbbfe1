"""A member can never read another member's progress or ledger, through any page or API."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from lms.progress import services
from lms.records import ledger
from tests.factories import MemberFactory, make_course, make_lesson, org_unit


@pytest.fixture
def world(db):
    branch1 = org_unit("公司党委/第一党支部")
    branch2 = org_unit("公司党委/第二党支部")
    alice = MemberFactory(org_unit=branch1)
    bob = MemberFactory(org_unit=branch1)
    carol = MemberFactory(org_unit=branch2)
    secretary = MemberFactory(org_unit=branch1, roles=["member", "branch_secretary"])
    hr = MemberFactory(org_unit=org_unit("公司党委"), roles=["member", "hr"])
    course = make_course("权限测试课程", credit_hours="2")
    lesson = make_lesson(course)
    for m in (alice, bob, carol):
        services.complete_lesson(m, lesson)
        ledger.credit(m, source="offline", reference=f"x:{m.pk}", title=f"秘密培训{m.name}", hours=1)
    return {"alice": alice, "bob": bob, "carol": carol, "secretary": secretary, "hr": hr, "lesson": lesson}


def client_for(member):
    c = APIClient()
    c.force_authenticate(member.user)
    return c


def member_ids(response):
    return {row["member"] for row in response.json()["results"]}


def test_member_api_sees_only_own_records(world):
    alice, bob = world["alice"], world["bob"]
    api = client_for(alice)
    for url in ("/api/v1/ledger/", "/api/v1/enrollments/", "/api/v1/lesson-progress/"):
        assert member_ids(api.get(url)) == {alice.pk}, url
        assert member_ids(api.get(url, {"member": bob.pk})) == set(), url
    assert [m["id"] for m in api.get("/api/v1/members/").json()["results"]] == [alice.pk]
    bob_entry = bob.study_hours.first()
    assert api.get(f"/api/v1/ledger/{bob_entry.pk}/").status_code == 404
    assert api.get(f"/api/v1/members/{bob.pk}/").status_code == 404
    assert api.post(f"/api/v1/ledger/{bob_entry.pk}/reverse/", {"reason": "x"}).status_code == 404
    own = alice.study_hours.first()
    assert api.post(f"/api/v1/ledger/{own.pk}/reverse/", {"reason": "x"}).status_code == 403


def test_secretary_sees_branch_only_and_hr_sees_all(world):
    sec = client_for(world["secretary"])
    ids = member_ids(sec.get("/api/v1/ledger/"))
    assert ids == {world["alice"].pk, world["bob"].pk}
    assert world["carol"].pk not in {m["id"] for m in sec.get("/api/v1/members/").json()["results"]}
    hr = client_for(world["hr"])
    assert member_ids(hr.get("/api/v1/ledger/")) == {world["alice"].pk, world["bob"].pk, world["carol"].pk}


def test_secretary_can_reverse_in_scope_with_reason(world):
    sec = client_for(world["secretary"])
    entry = world["bob"].study_hours.get(source="offline")
    assert sec.post(f"/api/v1/ledger/{entry.pk}/reverse/", {}).status_code == 400
    r = sec.post(f"/api/v1/ledger/{entry.pk}/reverse/", {"reason": "重复录入"})
    assert r.status_code == 201 and r.json()["hours"] == "-1.00"
    assert sec.post(f"/api/v1/ledger/{entry.pk}/reverse/", {"reason": "again"}).status_code == 400
    carol_entry = world["carol"].study_hours.get(source="offline")
    assert sec.post(f"/api/v1/ledger/{carol_entry.pk}/reverse/", {"reason": "x"}).status_code == 404


def test_my_learning_page_shows_only_own_entries(world):
    client = Client()
    client.force_login(world["alice"].user)
    html = client.get("/my/").content.decode()
    assert f"秘密培训{world['alice'].name}" in html
    assert f"秘密培训{world['bob'].name}" not in html


def test_anonymous_gets_nothing(world):
    api = APIClient()
    for url in ("/api/v1/ledger/", "/api/v1/enrollments/", "/api/v1/members/", "/api/v1/me/"):
        r = api.get(url)
        assert r.status_code in (401, 403) and "error" in r.json(), url
    assert Client().get("/my/").status_code == 302
