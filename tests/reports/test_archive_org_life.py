# ruff: noqa: F811  (fixtures imported from tests.activities.conftest are arguments here)
"""The member's archive (page, PDF, API) has an organizational-life section for the archive's year.

The first branch's 党课 of 2026-05-20 is held: m1 and sec1 present, committee1 on leave (出差), g1 absent.
"""

import re
import zlib

import pytest

from lms.activities.services import mark, mark_held
from lms.reports.archive import build_archive
from tests.activities.conftest import lecture, org, people  # noqa: F401
from tests.reports.conftest import api_for, web_for


@pytest.fixture
def held(lecture, people):
    by = people["sec1"].user
    mark(lecture, people["m1"], "present", by=by)
    mark(lecture, people["sec1"], "present", by=by)
    mark(lecture, people["committee1"], "leave", by=by, note="出差")
    mark(lecture, people["g1"], "absent", by=by)
    mark_held(lecture)
    return lecture


def _shows(content: bytes, text: str) -> bool:
    """Whether the PDF's ToUnicode CMaps hold every character of ``text``."""
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        data = match.group(1)
        try:
            data = zlib.decompress(data)
        except zlib.error:
            pass
        if b"beginbfchar" in data or b"beginbfrange" in data:
            out.append(data.decode("latin-1"))
    cmap = "".join(out).upper()
    return all(f"<{ord(ch):04X}>" in cmap for ch in text)


def test_archive_counts_and_lists_the_members_activities(held, people):
    life = build_archive(people["m1"], 2026).org_life
    assert (life.expected, life.attended, life.leave, life.absent) == (1, 1, 0, 0)
    assert [(a.title, a.kind, a.status, a.starts_at.strftime("%Y-%m-%d %H:%M")) for a in life.lines] == [
        ("五月专题党课", "党课", "present", "2026-05-20 14:00")]
    leave = build_archive(people["committee1"], 2026).org_life
    assert (leave.expected, leave.attended, leave.leave, leave.absent) == (1, 0, 1, 0)
    assert [(a.status, a.note) for a in leave.lines] == [("leave", "出差")]
    absent = build_archive(people["g1"], 2026).org_life
    assert (absent.attended, absent.absent) == (0, 1)
    assert build_archive(people["m1"], 2025).org_life.lines == []  # another year
    assert build_archive(people["m2"], 2026).org_life.expected == 0  # another branch


def test_archive_page_has_the_section(held, people):
    page = web_for(people["m1"]).get(f"/archive/{people['m1'].pk}/?year=2026").content.decode()
    section = page.split('id="org-life"')[1].split("</section>")[0]
    assert "组织生活" in section and "五月专题党课" in section and "党课" in section and "出席" in section
    assert "2026-05-20 14:00" in section
    assert "应参加已开展活动 1 次：出席 1 次，请假 0 次，缺席 0 次。" in section
    # The secretary opens a member's archive: leave with its reason.
    page = web_for(people["sec1"]).get(f"/archive/{people['committee1'].pk}/?year=2026").content.decode()
    section = page.split('id="org-life"')[1].split("</section>")[0]
    assert "请假" in section and "出差" in section
    empty = web_for(people["m2"]).get(f"/archive/{people['m2'].pk}/?year=2026").content.decode()
    assert "本年度没有组织生活记录。" in empty.split('id="org-life"')[1]
    english = web_for(people["m1"])
    english.cookies["django_language"] = "en"
    page = english.get(f"/archive/{people['m1'].pk}/?year=2026", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    section = page.split('id="org-life"')[1].split("</section>")[0]
    assert "Organizational life" in section and "Present" in section
    assert "Expected at 1 activities held: attended 1, excused leave 0, absent 0." in section


def test_archive_api_has_the_section(held, people):
    data = api_for(people["sec1"]).get(f"/api/v1/archives/{people['committee1'].pk}/?year=2026").json()
    life = data["organizational_life"]
    assert (life["expected"], life["attended"], life["leave"], life["absent"]) == (1, 0, 1, 0)
    assert [(a["id"], a["title"], a["kind"], a["status"], a["note"]) for a in life["activities"]] == [
        (held.pk, "五月专题党课", "党课", "leave", "出差")]
    assert life["activities"][0]["starts_at"].startswith("2026-05-20T14:00")
    assert api_for(people["m2"]).get(f"/api/v1/archives/{people['m1'].pk}/?year=2026").status_code == 403


def test_archive_pdf_has_the_section(held, people):
    response = web_for(people["m1"]).get(f"/archive/{people['m1'].pk}/pdf/?year=2026")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert _shows(response.content, "组织生活五月专题党课出席应参加已开展活动次")
    api = api_for(people["m1"]).get(f"/api/v1/archives/{people['m1'].pk}/pdf/?year=2026")
    assert api.status_code == 200 and api.content.startswith(b"%PDF-")
    assert _shows(api.content, "五月专题党课")
