import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from lms.org.importer import import_members
from lms.org.models import Member, OrgUnit
from lms.org.services import TRAINERS

HEADER = "employee_no,name,org_unit_path,roles,email,phone,joined_on\n"
GOOD = HEADER + (
    "A001,张三,公司党委/第一党支部/第一党小组,member;branch_secretary,zs@example.com,13800000000,2010-07-01\n"
    "A002,李四,公司党委/第一党支部,member,,,2018/05/04\n"
    "A003,王五,公司党委/第二党支部,activist,ww@example.com,,\n"
)


def run(text: str, name="members.csv"):
    return import_members(text.encode("utf-8"), name)


@pytest.mark.django_db
def test_import_creates_members_units_and_roles():
    report = run(GOOD)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    zs = Member.objects.get(employee_no="A001")
    assert zs.name == "张三"
    assert zs.org_unit.full_name == "公司党委/第一党支部/第一党小组"
    assert zs.org_unit.kind == "group"
    assert zs.org_unit.get_parent().kind == "branch"
    assert zs.role_codes == {"member", "branch_secretary"}
    assert zs.user.username == "A001"
    assert not zs.user.has_usable_password()
    assert str(Member.objects.get(employee_no="A002").joined_on) == "2018-05-04"
    assert OrgUnit.objects.filter(name="公司党委").count() == 1


@pytest.mark.django_db
def test_reimport_is_idempotent_and_updates_changes():
    run(GOOD)
    again = run(GOOD)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Member.objects.count() == 3
    changed = GOOD.replace("A003,王五,公司党委/第二党支部,activist", "A003,王五,公司党委/第三党支部,member")
    report = run(changed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    ww = Member.objects.get(employee_no="A003")
    assert ww.org_unit.name == "第三党支部"
    assert ww.role_codes == {"member"}


@pytest.mark.django_db
def test_any_bad_row_imports_nothing_and_lists_every_bad_row():
    bad = HEADER + (
        "A001,张三,公司党委/第一党支部,member,,,\n"            # line 2 ok
        ",无工号,公司党委/第一党支部,member,,,\n"               # line 3 missing employee_no
        "A002,李四,公司党委/第一党支部,member;boss,,,\n"        # line 4 unknown role
        "A003,王五,公司党委,member,not-an-email,,\n"           # line 5 bad email
        "A004,赵六,公司党委,member,,,2099-01-01\n"             # line 6 future date
        "A001,重复,公司党委,member,,,\n"                       # line 7 duplicate employee_no
        "A005,孙七,,member,,,31/31/2020\n"                     # line 8 no unit + bad date
    )
    report = run(bad)
    assert not report.ok
    lines = sorted({e.line for e in report.errors})
    assert lines == [3, 4, 5, 6, 7, 8]
    reasons = " | ".join(str(e) for e in report.errors)
    # messages are in the default language, Chinese
    assert "未知的角色代码：boss" in reasons and "not-an-email" in reasons and "重复（首次出现在第 2 行）" in reasons
    assert len([e for e in report.errors if e.line == 8]) == 2
    assert Member.objects.count() == 0
    assert OrgUnit.objects.count() == 0


@pytest.mark.django_db
def test_missing_column_and_wrong_type_are_reported():
    report = run("employee_no,name\nA1,x\n")
    assert not report.ok and "org_unit_path" in str(report.errors[0])
    report = import_members(b"whatever", "members.pdf")
    assert not report.ok and ".pdf" in str(report.errors[0])
    report = import_members(b"not a zip", "members.xlsx")
    assert not report.ok and "XLSX" in str(report.errors[0])


@pytest.mark.django_db
def test_xlsx_with_chinese_headers(django_capture_on_commit_callbacks):
    wb = Workbook()
    ws = wb.active
    ws.append(["工号", "姓名", "组织", "角色", "邮箱", "手机", "入党日期"])
    ws.append(["B001", "钱八", "公司党委/第一党支部", "member,trainer", "qb@example.com", "13900000000", None])
    ws.append([1002, "周九", "公司党委/第二党支部", "hr", None, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    with django_capture_on_commit_callbacks(execute=True):
        report = import_members(buf.getvalue(), "成员.xlsx")
    assert report.ok, report.errors
    assert Member.objects.get(employee_no="1002").role_codes == {"hr"}
    assert Member.objects.get(employee_no="B001").user.groups.filter(name=TRAINERS).exists()


@pytest.mark.django_db
def test_command_prints_bad_rows_and_fails(tmp_path, capsys):
    path = tmp_path / "m.csv"
    path.write_text(HEADER + "A001,张三,公司党委,nobody,,,\n", encoding="utf-8")
    with translation.override("en"), pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_members", str(path))
    assert "line 2: unknown role code(s): nobody" in capsys.readouterr().err
    path.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("import_members", str(path), stdout=out)
    assert "3" in out.getvalue()
    assert Member.objects.count() == 3


@pytest.mark.django_db
def test_import_never_attaches_a_member_to_an_admin_or_another_members_account(tmp_path, capsys):
    from tests.factories import MemberFactory, UserFactory

    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    UserFactory(username="staff1", is_staff=True)
    linked = MemberFactory(employee_no="OLD001", user=UserFactory(username="B777"))
    plain = UserFactory(username="A009")
    text = HEADER + (
        "A001,张三,公司党委/第一党支部,member,,,\n"      # line 2 ok
        "admin,冒名,公司党委/第一党支部,hr,,,\n"          # line 3 superuser's username
        "staff1,冒名二,公司党委/第一党支部,member,,,\n"   # line 4 staff account
        "B777,冒名三,公司党委/第一党支部,member,,,\n"     # line 5 account of another member
        "A009,赵九,公司党委/第一党支部,member,,,\n"       # line 6 plain account: attached as before
    )
    with translation.override("en"):
        report = run(text)
        reasons = {e.line: str(e) for e in report.errors}
    assert not report.ok
    assert sorted(reasons) == [3, 4, 5]
    assert "administrator" in reasons[3] and "admin" in reasons[3]
    assert "administrator" in reasons[4]
    assert "OLD001" in reasons[5]
    assert Member.objects.filter(user=admin).count() == 0
    assert list(Member.objects.values_list("employee_no", flat=True)) == ["OLD001"]
    assert Member.objects.get(user=linked.user).employee_no == "OLD001"

    path = tmp_path / "m.csv"
    path.write_text(text, encoding="utf-8")
    with translation.override("en"), pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_members", str(path))
    assert "line 3: employee_no admin is the username of an administrator account" in capsys.readouterr().err
    assert not Member.objects.filter(user=admin).exists()

    ok = HEADER + "A001,张三,公司党委/第一党支部,member,,,\nA009,赵九,公司党委/第一党支部,member,,,\n"
    assert run(ok).ok
    assert Member.objects.get(employee_no="A009").user == plain


@pytest.mark.django_db
def test_account_promoted_after_the_check_is_still_refused(monkeypatch):
    from lms.org import importer
    from tests.factories import UserFactory

    admin = UserFactory(username="root1", is_superuser=True)
    monkeypatch.setattr(importer, "_account_errors", lambda rows: [])  # as if it became an admin meanwhile
    report = run(HEADER + "A001,张三,公司党委/第一党支部,member,,,\nroot1,冒名,公司党委,member,,,\n")
    assert not report.ok and [e.line for e in report.errors] == [3]
    assert not Member.objects.exists() and not Member.objects.filter(user=admin).exists()
