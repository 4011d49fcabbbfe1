"""Pages, API and exports: what each role sees, privacy on the page, bad input answered with 4xx or a message."""

import csv
import io

import pytest
from django.utils import timezone

from lms.points import services
from tests.factories import UserFactory

from .conftest import client_for, make_rule

pytestmark = pytest.mark.usefixtures("no_seeded_rules")


@pytest.fixture
def scored(people):
    make_rule("lesson", 2, daily_cap=10, name="完成一节课")
    now = timezone.now()
    services.credit(people["m1"].pk, "lesson", "lesson:1", title="党章第一课", when=now)
    services.credit(people["g1"].pk, "lesson", "lesson:1", title="党章第一课", when=now)
    services.credit(people["g1"].pk, "lesson", "lesson:2", title="党章第二课", when=now)
    services.credit(people["m2"].pk, "lesson", "lesson:1", title="党章第一课", when=now)
    return people


def test_my_points_page(scored):
    client = client_for(scored["m1"], lang="zh-hans")
    page = client.get("/points/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "党章第一课" in body and "lesson:1" not in body
    assert "剩余" in body or "还可" in body or "8" in body


def test_privacy_toggle_and_board(scored):
    m1 = scored["m1"]
    client = client_for(m1)
    assert client.post("/points/privacy/", {"hide_name": "1"}).status_code == 302
    assert m1.point_account.hide_name
    # Bad input: a message, nothing changed.
    response = client.post("/points/privacy/", {"hide_name": "maybe"}, follow=True)
    assert response.status_code == 200
    m1.point_account.refresh_from_db()
    assert m1.point_account.hide_name
    other = client_for(scored["g1"]).get("/points/board/").content.decode()
    assert "张三" not in other and "A party member" in other
    assert "张三" in client_for(scored["sec1"]).get("/points/board/").content.decode()
    assert "张三" in client.get("/points/board/").content.decode()


def test_board_access(scored, org):
    m2 = client_for(scored["m2"])
    assert m2.get(f"/points/board/?branch={org['branch1'].pk}&scope=branch").status_code in (200, 403)
    own_only = m2.get(f"/points/board/?branch={org['branch1'].pk}&scope=branch").content.decode()
    assert "张三" not in own_only
    branches = m2.get("/points/board/?scope=branches").content.decode()
    assert "第二党支部" in branches and "第一党支部" not in branches
    hr = client_for(scored["hr"]).get("/points/board/?scope=branches&period=month").content.decode()
    assert "第一党支部" in hr and "第二党支部" in hr
    committee = client_for(scored["committee"]).get("/points/board/?scope=branches").content.decode()
    assert "第一党支部" in committee
    # Bad filters: a message and the default period, never a 500.
    assert client_for(scored["m1"]).get("/points/board/?year=abc&month=13&scope=x").status_code == 200
    stranger = UserFactory()
    client = client_for(type("M", (), {"user": stranger})())
    assert client.get("/points/board/").status_code == 404
    assert client.get("/points/").status_code == 404


def test_report_and_exports_scoped(scored, org):
    hr = client_for(scored["hr"])
    assert hr.get("/points/report/").status_code == 200
    response = hr.get("/points/report/?export=csv")
    assert response.status_code == 200
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][0] == "Rank" and {r[2] for r in table[1:]} >= {"张三", "李四", "王五"}
    assert hr.get("/points/report/?export=xlsx&by=branch").status_code == 200
    sec2 = client_for(scored["sec2"])
    own = list(csv.reader(io.StringIO(sec2.get("/points/report/?export=csv").content.decode("utf-8-sig"))))
    assert {r[2] for r in own[1:]} == {"书记二", "王五"}
    assert client_for(scored["m1"]).get("/points/report/").status_code == 403
    assert hr.get("/points/report/?export=pdf").status_code == 200


def test_api(scored, org, api):
    api.force_authenticate(scored["g1"].user)
    me = api.get("/api/v1/points/me/").json()
    assert me["today_points"] == 4 and me["branch_rank"] == 1 and me["history"][0]["title"] == "党章第二课"
    assert "source_key" not in me["history"][0]
    board = api.get("/api/v1/points/board/").json()
    assert [(r["rank"], r["points"]) for r in board["members"]] == [(1, 4), (2, 2), (3, 0)]
    assert api.get("/api/v1/points/board/?year=abc").status_code == 400
    assert api.get(f"/api/v1/points/board/?branch={org['branch2'].pk}").status_code == 403
    mine = api.get("/api/v1/points/board/?scope=branches").json()["branches"]
    assert [b["name"] for b in mine] == ["第一党支部"]
    assert api.get("/api/v1/points/report/").status_code == 403
    api.force_authenticate(scored["hr"].user)
    assert len(api.get("/api/v1/points/board/?scope=branches").json()["branches"]) == 2
    report = api.get("/api/v1/points/report/?by=member").json()
    assert report["results"][0]["points"] == 4
    assert api.get("/api/v1/points/report/?unit=999999").status_code == 400
    assert api.get("/api/v1/points/report/?by=branch&month=5").status_code == 200
