import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from lms.org.services import TRAINERS
from lms.quizzes.importer import HEADERS, import_questions
from lms.quizzes.models import Question, QuestionCategory
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

GOOD = [
    ["单选题", "中国共产党的根本宗旨是什么？", "实现共产主义", "全心全意为人民服务", "发展经济", "", "", "", "B",
     "党章学习", "易", "2", "党章总纲。", "党章,宗旨"],
    ["多选题", "“三会”包括？", "支部党员大会", "支部委员会", "党小组会", "职工代表大会", "", "", "A、B、C",
     "组织生活", "中", "", "", ""],
    ["判断题", "党员可以收受管理服务对象的礼金。", "", "", "", "", "", "", "错误", "廉洁教育", "难", "1", "", "廉洁"],
    ["填空题", "党的最高理想是实现____，根本宗旨是____。", "", "", "", "", "", "",
     "共产主义；为人民服务|全心全意为人民服务", "党章学习", "", "", "", ""],
    ["简答题", "简述支部书记的职责。", "", "", "", "", "", "", "组织召开三会一课", "组织生活", "", "5", "", ""],
]


def workbook(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_a_valid_file_creates_every_question_type():
    report = import_questions(workbook(GOOD), "题库.xlsx")
    assert report.ok, [str(e) for e in report.errors]
    assert report.created == 5
    single = Question.objects.get(qtype="single")
    assert [(c.text, c.is_correct) for c in single.choices.order_by("sort_order")] == [
        ("实现共产主义", False), ("全心全意为人民服务", True), ("发展经济", False)]
    assert (single.category.name, single.difficulty, single.points) == ("党章学习", 1, Decimal("2"))
    assert sorted(single.tags.names()) == ["党章", "宗旨"]
    multiple = Question.objects.get(qtype="multiple")
    assert [c.is_correct for c in multiple.choices.order_by("sort_order")] == [True, True, True, False]
    assert Question.objects.get(qtype="true_false").correct_true is False
    assert Question.objects.get(qtype="fill_blank").blanks() == [["共产主义"], ["为人民服务", "全心全意为人民服务"]]
    short = Question.objects.get(qtype="short_answer")
    assert (short.reference_answer, short.points) == ("组织召开三会一课", Decimal("5"))
    # Importing the same file again changes nothing and duplicates nothing.
    again = import_questions(workbook(GOOD), "题库.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    changed = [row[:] for row in GOOD]
    changed[0][8] = "C"
    third = import_questions(workbook(changed), "题库.xlsx")
    assert (third.created, third.updated, third.unchanged) == (0, 1, 4)
    assert Question.objects.count() == 5
    assert Question.objects.get(qtype="single").choices.get(is_correct=True).text == "发展经济"


def test_any_bad_row_imports_nothing_and_every_bad_row_is_reported():
    bad = [row[:] for row in GOOD]
    bad[0][0] = "选择题"  # line 2: unknown type
    bad[1][8] = "AE"  # line 3: option E does not exist
    bad[2][8] = "也许"  # line 4: not true/false
    bad[3][8] = ""  # line 5: no accepted answer
    bad.append(["单选题", "", "甲", "乙", "", "", "", "", "A", "", "极难", "abc", "", ""])  # line 7: four problems
    bad.append(GOOD[4][:])  # line 8: duplicate of line 6
    bad.append(["单选题", "两个正确答案？", "甲", "乙", "", "", "", "", "AB", "党章学习", "", "", "", ""])  # line 9
    report = import_questions(workbook(bad), "题库.xlsx")
    assert not report.ok
    assert Question.objects.count() == 0 and QuestionCategory.objects.count() == 0
    lines = sorted({e.line for e in report.errors})
    assert lines == [2, 3, 4, 5, 7, 8, 9]
    line7 = [e.reason for e in report.errors if e.line == 7]
    assert len(line7) == 4  # 题干, 分类, 难度, 分值
    assert any("line 6" in e.reason or "6" in e.reason for e in report.errors if e.line == 8)


def test_missing_columns_and_unreadable_files_are_reported():
    report = import_questions(workbook([["单选题", "题"]], headers=["题型", "题干"]), "x.xlsx")
    assert not report.ok and report.errors[0].line == 1
    assert "答案" in report.errors[0].reason and "分类" in report.errors[0].reason
    assert not import_questions(b"not a workbook", "x.xlsx").ok
    assert not import_questions(workbook([]), "x.xlsx").ok


def test_dry_run_writes_nothing():
    report = import_questions(workbook(GOOD), "x.xlsx", dry_run=True)
    assert report.ok and Question.objects.count() == 0


@pytest.fixture
def trainer_client(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # role → TRAINERS group sync runs on commit
        trainer = MemberFactory(roles=["member", "trainer"])
    assert trainer.user.groups.filter(name=TRAINERS).exists()
    client.force_login(trainer.user)
    return client


def test_template_download_has_the_chinese_headers(trainer_client):
    response = trainer_client.get("/admin/quizzes/import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]] == HEADERS
    assert wb.worksheets[1].title == "填写说明"
    # The template itself, filled with the examples of its second sheet, imports cleanly.
    examples = [list(r) for r in wb.worksheets[1].iter_rows(values_only=True)]
    start = examples.index(HEADERS) + 1
    filled = workbook([[v if v is not None else "" for v in r] for r in examples[start:]])
    report = import_questions(filled, "x.xlsx")
    assert report.ok, [str(e) for e in report.errors]
    assert report.created == 5


def test_admin_import_page_reports_errors(trainer_client):
    bad = [row[:] for row in GOOD]
    bad[0][0] = "选择题"
    upload = SimpleUploadedFile("题库.xlsx", workbook(bad))
    response = trainer_client.post("/admin/quizzes/import/", {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="import-errors"' in html and "选择题" in html
    assert Question.objects.count() == 0
    ok = trainer_client.post("/admin/quizzes/import/", {"file": SimpleUploadedFile("题库.xlsx", workbook(GOOD))})
    assert ok.status_code == 200 and Question.objects.count() == 5


def test_members_cannot_import(client):
    client.force_login(MemberFactory().user)
    assert client.get("/admin/quizzes/import/template.xlsx").status_code in (302, 403)


def test_import_command(tmp_path):
    from django.core.management import CommandError, call_command

    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook(GOOD))
    call_command("import_questions", str(good))
    assert Question.objects.count() == 5
    bad = tmp_path / "bad.xlsx"
    rows = [row[:] for row in GOOD]
    rows[0][1] = "新题"
    rows[1][0] = "选择题"
    bad.write_bytes(workbook(rows))
    with pytest.raises(CommandError):
        call_command("import_questions", str(bad))
    assert Question.objects.count() == 5  # the valid new row was not imported either
