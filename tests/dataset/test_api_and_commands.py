"""HR downloads the dataset of their own org scope; nobody else does. The management commands export and import."""

import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from lms.org.importer import import_members
from lms.org.models import Member
from lms.org.services import HR
from lms.reports.models import AuditLogEntry
from tests.factories import MemberFactory, org_unit

from .conftest import wipe

URL = "/api/v1/dataset/export/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        # Fresh from the database, as in a request: the fixture's objects hold unit paths from before later
        # units were sorted in.
        client.force_authenticate(get_user_model().objects.get(pk=user.pk))
    return client


def members_in(content: bytes) -> set[str]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {json.loads(line)["employee_no"] for line in archive.read("members.jsonl").decode().splitlines()}


def test_hr_gets_the_zip_of_their_own_tree_only(site):
    hr = site["people"]["hr"].user
    hr.groups.add(Group.objects.get(name=HR))
    response = client_for(hr).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert members_in(content) == {"H0001", "M0001", "M0002", "M0003"}  # not X0001 of the other tree
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(content)).read("manifest.json"))
    assert manifest["scope"] == {"all": False, "units": ["HQ"]}
    # Like every export from a page, the download is in the audit log: who, which units, how many lines.
    entry = AuditLogEntry.objects.get(report="dataset")
    assert entry.user_id == hr.pk and entry.format == "zip"
    assert entry.row_count == sum(f["count"] for name, f in manifest["files"].items() if name.endswith(".jsonl"))
    assert [u.code for u in entry.scope_units.all()] == ["HQ"]


def test_hr_of_the_other_tree_gets_only_theirs(site):
    other_hr = MemberFactory(employee_no="H0002", org_unit=org_unit("兄弟单位党委/第三党支部"), roles=["member", "hr"])
    response = client_for(other_hr.user).get(URL)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert members_in(content) == {"H0002", "X0001"}
    ledger = zipfile.ZipFile(io.BytesIO(content)).read("ledger_entries.jsonl").decode()
    assert "M0003" not in ledger and "X0001" in ledger


@pytest.mark.parametrize("who", ["anonymous", "member", "secretary"])
def test_others_may_not_download(site, who):
    user = {"anonymous": None, "member": site["people"]["g1"].user, "secretary": site["people"]["m1"].user}[who]
    response = client_for(user).get(URL)
    assert response.status_code in ((401, 403) if who == "anonymous" else (403,))
    assert response.json()["status"] == response.status_code


def test_export_and_import_commands(site, tmp_path):
    path = tmp_path / "dataset.zip"
    out = io.StringIO()
    call_command("export_dataset", "--output", str(path), stdout=out)
    assert "members.jsonl: 5" in out.getvalue()
    scoped = tmp_path / "b1.zip"
    call_command("export_dataset", "--scope", "B1", "--output", str(scoped), stdout=io.StringIO())
    assert members_in(scoped.read_bytes()) == {"M0001", "M0002"}
    with pytest.raises(CommandError):
        call_command("export_dataset", "--scope", "NOPE", "--output", str(tmp_path / "x.zip"))
    wipe()
    call_command("import_dataset", str(path), "--dry-run", stdout=io.StringIO())
    assert not Member.objects.exists()
    out = io.StringIO()
    call_command("import_dataset", str(path), stdout=out)
    assert Member.objects.count() == 5
    imported = Member.objects.get(employee_no="M0001")
    assert not imported.user.has_usable_password()  # activation like any imported member
    assert imported.post.code == "ops" and imported.role_codes == {"member", "branch_secretary"}


def test_the_import_command_lists_the_problems(site, tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_dataset", str(bad), stderr=err)
    assert "(zip)" in err.getvalue()


def test_people_xlsx_lists_the_members(site, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "dataset.zip"
    call_command("export_dataset", "--output", str(path), stdout=io.StringIO())
    book = load_workbook(io.BytesIO(zipfile.ZipFile(path).read("people.xlsx")), read_only=True)
    rows = list(book.active.values)
    assert rows[0][:3] == ("工号", "姓名", "组织路径")
    assert ("M0001", "张三", "集团党委/第一党支部") in {r[:3] for r in rows[1:]}
    # The member import reads it as it is: re-importing the people list changes nobody.
    report = import_members(zipfile.ZipFile(path).read("people.xlsx"), "people.xlsx")
    assert report.errors == [] and report.created == 0 and report.updated == 0 and report.unchanged == 5
