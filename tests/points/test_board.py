"""Leaderboards: ordering, ties, points per member across branches, months and years, privacy."""

import pytest

from lms.points import access, selectors, services
from tests.factories import MemberFactory, org_unit

from .conftest import aware, make_rule

pytestmark = pytest.mark.usefixtures("no_seeded_rules")


def give(member, points, when, n=[0]):  # noqa: B006 - a counter for unique source keys
    for _ in range(points):
        n[0] += 1
        services.credit(member.pk, "lesson", f"lesson:{n[0]}", when=when)


@pytest.fixture
def scored(org, people):
    make_rule("lesson", 1)
    may, june = aware(2026, 5, 10, 9), aware(2026, 6, 10, 9)
    give(people["m1"], 5, may)
    give(people["g1"], 5, may)  # in the party group: counts for 第一党支部
    give(people["sec1"], 2, may)
    give(people["sec1"], 6, june)
    give(people["m2"], 9, may)
    return people


def test_branch_board_orders_with_ties(scored, org):
    board = selectors.branch_board(org["branch1"], 2026)
    assert [(r.name, r.points, r.rank) for r in board] == [("书记一", 8, 1), ("张三", 5, 2), ("李四", 5, 2)]
    may = selectors.branch_board(org["branch1"], 2026, 5)
    assert [(r.name, r.points, r.rank) for r in may] == [("张三", 5, 1), ("李四", 5, 1), ("书记一", 2, 3)]


def test_branches_ranked_by_points_per_active_member(scored, org):
    board = selectors.branches_board(2026)
    # 第一党支部 18 points / 3 members = 6; 第二党支部 9 / 2 = 4.5 (sec2 has none).
    assert [(r.name, r.points, r.members, r.average, r.rank) for r in board] == [
        ("第一党支部", 18, 3, 6.0, 1), ("第二党支部", 9, 2, 4.5, 2)]
    # A small branch with a high average wins over a large one.
    small = org_unit("公司党委/第三党支部")
    star = MemberFactory(org_unit=small)
    give(star, 7, aware(2026, 3, 1, 9))
    assert [r.name for r in selectors.branches_board(2026)] == ["第三党支部", "第一党支部", "第二党支部"]
    # Inactive members neither count nor score.
    star.is_active = False
    star.save()
    assert "第三党支部" not in [r.name for r in selectors.branches_board(2026)]


def test_equal_averages_share_a_rank(org, people):
    make_rule("lesson", 1)
    give(people["m1"], 3, aware(2026, 5, 1, 9))  # branch1: 3 / 3 members = 1
    give(people["m2"], 2, aware(2026, 5, 1, 9))  # branch2: 2 / 2 members = 1
    assert [r.rank for r in selectors.branches_board(2026)] == [1, 1]


def test_hidden_name_shows_as_a_party_member_except_to_leaders(scored, org, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    services.set_hide_name(scored["m1"], True)
    row = next(r for r in selectors.branch_board(org["branch1"], 2026) if r.member_id == scored["m1"].pk)
    assert row.hidden
    g1, sec1, hr = scored["g1"].user, scored["sec1"].user, scored["hr"].user
    assert not access.leads_branch(g1, org["branch1"])
    assert access.leads_branch(sec1, org["branch1"]) and access.leads_branch(hr, org["branch1"])
    assert not access.leads_branch(scored["sec2"].user, org["branch1"])
    assert access.shown_name(row.name, hidden=True, is_self=False, leads=False) != "张三"
    assert access.shown_name(row.name, hidden=True, is_self=False, leads=True) == "张三"
    assert access.shown_name(row.name, hidden=True, is_self=True, leads=False) == "张三"


def test_member_summary_rank(scored):
    summary = selectors.member_summary(scored["g1"], aware(2026, 6, 10, 9).date())
    assert summary.branch.name == "第一党支部"
    assert (summary.branch_rank, summary.branch_size, summary.year_points) == (2, 3, 5)
