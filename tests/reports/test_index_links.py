"""The reports page leads to the evaluation results and the points report for those who may read them."""

import pytest
from django.test import Client

from tests.factories import MemberFactory, org_unit

pytestmark = pytest.mark.django_db


def cards(member) -> set[str]:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(member.user)
    html = client.get("/reports/").content.decode()
    return {name for name in ("evaluation", "points") if f'data-extra="{name}"' in html}


def test_hr_sees_both_and_a_secretary_the_points_of_the_branch():
    root = org_unit("公司党委")
    assert cards(MemberFactory(org_unit=root, roles=["member", "hr"])) == {"evaluation", "points"}
    secretary = MemberFactory(org_unit=org_unit("公司党委/第一党支部"), roles=["member", "branch_secretary"])
    assert "points" in cards(secretary)


def test_a_plain_member_has_no_reports_page():
    client = Client()
    client.force_login(MemberFactory(roles=["member"]).user)
    assert client.get("/reports/").status_code == 403
