"""Roles × endpoints: the same rule holds for pages, the API and every export."""

import pytest

from tests.reports.conftest import YEAR, api_for, web_for

ALLOW, DENY = "allow", "deny"

# Who is asking → expected outcome. "m1" owns the archive under test; "sec1" is m1's branch secretary.
ARCHIVE_OF_M1 = {"m1": ALLOW, "sec1": ALLOW, "hr": ALLOW, "m2": DENY, "m3": DENY, "sec2": DENY, "trainer": DENY,
                 "anon": DENY}
HR_REPORTS = {"hr": ALLOW, "sec1": ALLOW, "sec2": ALLOW, "m1": DENY, "trainer": DENY, "activist": DENY,
              "anon": DENY}
B1_REPORTS = {"hr": ALLOW, "sec1": ALLOW, "sec2": DENY, "m1": DENY, "trainer": DENY, "anon": DENY}
COURSE_PROGRESS = {"hr": ALLOW, "sec1": ALLOW, "trainer": ALLOW, "m1": DENY, "activist": DENY, "anon": DENY}
AUDIT = {"hr": ALLOW, "sec1": DENY, "m1": DENY, "trainer": DENY, "anon": DENY}


def _who(world, name):
    return None if name == "anon" else world[name]


def _check(response, expected, *, web: bool):
    if expected == ALLOW:
        assert response.status_code == 200, response.content[:300]
    elif web and response.status_code == 302:
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code in (401, 403), (response.status_code, response.content[:300])


def _cases(table):
    return sorted(table.items())


WEB_ARCHIVE = ["/archive/{m1}/?year=2025", "/archive/{m1}/pdf/?year=2025"]
API_ARCHIVE = ["/api/v1/archives/{m1}/?year=2025", "/api/v1/archives/{m1}/pdf/?year=2025"]


@pytest.mark.parametrize("who,expected", _cases(ARCHIVE_OF_M1))
def test_archive_of_a_member(world, who, expected):
    m1 = world["m1"].pk
    for url in WEB_ARCHIVE:
        _check(web_for(_who(world, who)).get(url.format(m1=m1)), expected, web=True)
    for url in API_ARCHIVE:
        _check(api_for(_who(world, who)).get(url.format(m1=m1)), expected, web=False)


@pytest.mark.parametrize("report", ["training_records", "hours_summary", "compliance", "branch_ledger"])
@pytest.mark.parametrize("who,expected", _cases(HR_REPORTS))
def test_hr_reports_whole_scope(world, report, who, expected):
    user = _who(world, who)
    _check(web_for(user).get(f"/reports/{report}/?year={YEAR}"), expected, web=True)
    _check(web_for(user).get(f"/reports/{report}/?year={YEAR}&format=csv"), expected, web=True)
    for fmt in ("json", "csv", "xlsx"):
        _check(api_for(user).get(f"/api/v1/reports/{report}/?year={YEAR}&format={fmt}"), expected, web=False)


@pytest.mark.parametrize("who,expected", _cases(B1_REPORTS))
def test_reports_for_a_branch(world, who, expected):
    b1 = world["b1"].pk
    user = _who(world, who)
    _check(web_for(user).get(f"/reports/compliance/?year={YEAR}&org={b1}&format=xlsx"), expected, web=True)
    _check(api_for(user).get(f"/api/v1/reports/compliance/?year={YEAR}&org={b1}&format=csv"), expected, web=False)
    _check(web_for(user).get(f"/archive/branch/?org={b1}&year={YEAR}&format=zip"), expected, web=True)


@pytest.mark.parametrize("who,expected", _cases(COURSE_PROGRESS))
def test_course_progress(world, who, expected):
    user = _who(world, who)
    _check(web_for(user).get("/reports/course_progress/"), expected, web=True)
    _check(api_for(user).get("/api/v1/reports/course_progress/?format=xlsx"), expected, web=False)


@pytest.mark.parametrize("who,expected", _cases(AUDIT))
def test_audit_log(world, who, expected):
    user = _who(world, who)
    _check(web_for(user).get("/reports/audit/"), expected, web=True)
    _check(api_for(user).get("/api/v1/reports/audit/"), expected, web=False)


def test_secretary_sees_only_own_branch_in_every_format(world):
    api = api_for(world["sec1"])
    data = api.get(f"/api/v1/reports/hours_summary/?year={YEAR}").json()
    assert {r["employee_no"] for r in data["results"]} == {"M-S1", "M002", "M001"}
    text = api.get(f"/api/v1/reports/training_records/?year={YEAR}&format=csv")
    body = b"".join(text.streaming_content).decode("utf-8")
    assert "M001" in body and "M003" not in body and "M-S2" not in body
    assert api.get(f"/api/v1/reports/compliance/?year={YEAR}&org={world['b2'].pk}").status_code == 403


def test_trainer_gets_no_archive_of_own_learners(world):
    from lms.progress import services

    services.enroll(world["m1"], world["course_a"])
    api = api_for(world["trainer"])
    rows = api.get("/api/v1/reports/course_progress/?year=2026").json()["results"]
    assert [r["employee_no"] for r in rows] == ["M001"]
    assert api.get(f"/api/v1/archives/{world['m1'].pk}/").status_code == 403
    assert api.get(f"/api/v1/reports/compliance/?year={YEAR}").status_code == 403


def test_unknown_org_and_report(world):
    api = api_for(world["hr"])
    response = api.get("/api/v1/reports/compliance/?org=999999")
    assert response.status_code == 400 and "999999" in response.json()["error"]
    assert api.get("/api/v1/reports/nope/").status_code == 404
    assert api.get("/api/v1/reports/compliance/?year=20x5").status_code == 400
    assert api.get("/api/v1/reports/compliance/?role=pope").status_code == 400
