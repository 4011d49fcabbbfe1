"""The branch overview's export goes through the one export path, so it is in the audit log like every export."""

import pytest
from django.test import Client

from lms.reports.models import AuditLogEntry
from tests.factories import MemberFactory, org_unit


@pytest.fixture
def secretary(db):
    unit = org_unit("公司党委/第一党支部")
    sec = MemberFactory(roles=["member", "branch_secretary"], org_unit=unit, name="书记")
    for name in ("张三", "李四"):
        MemberFactory(name=name, org_unit=unit)
    return sec, unit


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_branch_export_writes_one_audit_line(secretary, fmt):
    sec, unit = secretary
    client = Client()
    client.force_login(sec.user)
    assert client.get("/training/branch/").status_code == 200
    assert not AuditLogEntry.objects.exists()  # looking is not exporting

    response = client.get(f"/training/branch/?export={fmt}")
    assert response.status_code == 200
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.report, entry.format, entry.row_count) == ("export", "training_status", fmt, 3)
    assert entry.user == sec.user and list(entry.scope_units.all()) == [unit]
    assert "第一党支部" in entry.scope
