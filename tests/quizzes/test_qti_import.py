"""QTI 2.1/2.2 import: items written here, mapped onto the bank all or nothing, every problem reported."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from lms.org.services import TRAINERS
from lms.quizzes.importer import import_qti
from lms.quizzes.models import Question, QuestionCategory
from lms.quizzes.qti import archive
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

V21 = "http://www.imsglobal.org/xsd/imsqti_v2p1"
V22 = "http://www.imsglobal.org/xsd/imsqti_v2p2"


def item(identifier, title, body, declarations="", *, ns=V21, adaptive=False, outcomes=None):
    outcomes = outcomes if outcomes is not None else (
        '<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float">'
        "<defaultValue><value>0</value></defaultValue></outcomeDeclaration>")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<assessmentItem xmlns="{ns}" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="{identifier}" title="{title}" '
            f'adaptive="{str(adaptive).lower()}" timeDependent="false">{declarations}{outcomes}'
            f"<itemBody>{body}</itemBody>"
            f'<responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>'
            f"</assessmentItem>").encode()


def declaration(values, *, cardinality="single", base="identifier", rid="RESPONSE", mapping=""):
    correct = "".join(f"<value>{v}</value>" for v in values)
    correct = f"<correctResponse>{correct}</correctResponse>" if values else ""
    return (f'<responseDeclaration identifier="{rid}" cardinality="{cardinality}" baseType="{base}">'
            f"{correct}{mapping}</responseDeclaration>")


SINGLE = item(
    "ITEM-SINGLE", "党的宗旨",
    "<p>中国共产党的<strong>根本宗旨</strong>是什么？</p>"
    '<choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="1">'
    "<prompt>请选择一项。</prompt>"
    '<simpleChoice identifier="A">实现共产主义</simpleChoice>'
    '<simpleChoice identifier="B">全心全意为人民服务<feedbackInline outcomeIdentifier="FEEDBACK" identifier="B" '
    'showHide="show">正确！</feedbackInline></simpleChoice>'
    '<simpleChoice identifier="C">发展经济</simpleChoice>'
    "</choiceInteraction>",
    declaration(["B"]),
    outcomes='<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float" normalMaximum="2"/>',
)
MULTIPLE = item(
    "ITEM-MULTI", "三会",
    "<div><p>“三会一课”中的“三会”包括哪些？</p></div>"
    '<choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="0">'
    '<simpleChoice identifier="c1">支部党员大会</simpleChoice>'
    '<simpleChoice identifier="c2">支部委员会</simpleChoice>'
    '<simpleChoice identifier="c3">党小组会</simpleChoice>'
    '<simpleChoice identifier="c4">职工代表大会</simpleChoice>'
    "</choiceInteraction>",
    declaration(["c1", "c2", "c3"], cardinality="multiple",
                mapping='<mapping lowerBound="0" upperBound="3" defaultValue="0">'
                        '<mapEntry mapKey="c1" mappedValue="1"/><mapEntry mapKey="c2" mappedValue="1"/>'
                        '<mapEntry mapKey="c3" mappedValue="1"/><mapEntry mapKey="c4" mappedValue="-1"/></mapping>'),
    ns=V22,
)
TEXT_ENTRY = item(
    "ITEM-TEXT", "最高理想",
    '<p>党的最高理想和最终目标是实现<textEntryInteraction responseIdentifier="RESPONSE" expectedLength="10"/>。</p>',
    declaration(["共产主义"], base="string",
                mapping='<mapping defaultValue="0"><mapEntry mapKey="共产主义" mappedValue="1.5"/>'
                        '<mapEntry mapKey="共产主义社会" mappedValue="1.5"/>'
                        '<mapEntry mapKey="社会主义" mappedValue="0"/></mapping>'),
    outcomes='<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>',
)
TWO_BLANKS = item(
    "ITEM-BLANKS", "两空",
    '<p>党的根本宗旨是<textEntryInteraction responseIdentifier="R1"/>，'
    '最高理想是<textEntryInteraction responseIdentifier="R2"/>。</p>',
    declaration(["全心全意为人民服务"], base="string", rid="R1")
    + declaration(["共产主义"], base="string", rid="R2"),
    ns=V22,
    outcomes='<outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float">'
             "<defaultValue><value>4</value></defaultValue></outcomeDeclaration>",
)
ORDER = item(
    "ITEM-ORDER", "排序",
    '<orderInteraction responseIdentifier="RESPONSE"><prompt>按时间排序。</prompt>'
    '<simpleChoice identifier="a">一大</simpleChoice><simpleChoice identifier="b">二大</simpleChoice>'
    "</orderInteraction>",
    declaration(["a", "b"], cardinality="ordered"),
)
HOTSPOT = item(
    "ITEM-HOTSPOT", "地图",
    '<hotspotInteraction responseIdentifier="RESPONSE" maxChoices="1"><prompt>点出北京。</prompt>'
    '<object type="image/png" data="images/map.png" width="200" height="100"/>'
    '<hotspotChoice identifier="H1" shape="circle" coords="10,10,5"/></hotspotInteraction>',
    declaration(["H1"]),
)
MALFORMED = (b'<?xml version="1.0"?><assessmentItem xmlns="' + V21.encode()
             + b'" identifier="BAD"><itemBody><p>x</itemBody>')
TWO_OPTIONS = ('<p>问题？</p><choiceInteraction responseIdentifier="RESPONSE"><simpleChoice identifier="A">甲'
               '</simpleChoice><simpleChoice identifier="B">乙</simpleChoice></choiceInteraction>')
ALL_GOOD = [("items/single.xml", SINGLE), ("items/multi.xml", MULTIPLE), ("items/text.xml", TEXT_ENTRY),
            ("items/blanks.xml", TWO_BLANKS)]


def manifest(hrefs, *, kind="imsqti_item_xmlv2p1", extra=""):
    resources = "".join(
        f'<resource identifier="RES-{i}" type="{kind}" href="{href}"><file href="{href}"/></resource>'
        for i, href in enumerate(hrefs))
    return (f'<?xml version="1.0" encoding="UTF-8"?><manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
            f'identifier="MANIFEST-1"><organizations/><resources>{resources}{extra}</resources></manifest>').encode()


def package(files, *, with_manifest=True, manifest_bytes=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        if with_manifest:
            zf.writestr("imsmanifest.xml", manifest_bytes or manifest([name for name, _data in files]))
        for name, data in files:
            zf.writestr(name, data)
    return buffer.getvalue()


def options(question):
    return [(c.text, c.is_correct) for c in question.choices.order_by("sort_order")]


def reasons(report):
    return [(e.file, e.identifier, e.title, e.reason) for e in report.errors]


def test_a_single_choice_item_of_qti_2_1():
    report = import_qti(SINGLE, "single.xml", category="党章学习")
    assert report.ok, reasons(report)
    assert (report.created, report.updated, report.unchanged) == (1, 0, 0)
    question = Question.objects.get()
    assert question.qtype == "single"
    assert question.text == "中国共产党的根本宗旨是什么？\n请选择一项。"
    assert options(question) == [("实现共产主义", False), ("全心全意为人民服务", True), ("发展经济", False)]
    assert (question.points, question.category.name, question.difficulty) == (Decimal("2"), "党章学习", 2)


def test_a_package_with_a_manifest_maps_every_supported_type():
    report = import_qti(package(ALL_GOOD), "题库.zip")
    assert report.ok, reasons(report)
    assert report.created == 4
    assert set(Question.objects.values_list("category__name", flat=True)) == {"QTI 导入"}
    multiple = Question.objects.get(qtype="multiple")
    assert multiple.text == "“三会一课”中的“三会”包括哪些？"
    assert options(multiple) == [("支部党员大会", True), ("支部委员会", True), ("党小组会", True),
                                 ("职工代表大会", False)]
    assert multiple.points == Decimal("3")  # the mapping's upperBound
    text = Question.objects.get(text__startswith="党的最高理想")
    assert (text.qtype, text.text) == ("fill_blank", "党的最高理想和最终目标是实现____。")
    assert text.blanks() == [["共产主义", "共产主义社会"]]  # the 0-point key is a wrong answer
    assert text.points == Decimal("1.5")  # the best mapped value
    blanks = Question.objects.get(text__startswith="党的根本宗旨")
    assert blanks.text == "党的根本宗旨是____，最高理想是____。"
    assert blanks.blanks() == [["全心全意为人民服务"], ["共产主义"]]
    assert blanks.points == Decimal("4")  # MAXSCORE's default value
    # The same package again creates nothing; a changed correct answer updates the question in place.
    again = import_qti(package(ALL_GOOD), "题库.zip")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    changed = [(n, d.replace(b"<value>B</value>", b"<value>C</value>")) for n, d in ALL_GOOD]
    third = import_qti(package(changed), "题库.zip")
    assert (third.created, third.updated, third.unchanged) == (0, 1, 3)
    assert Question.objects.count() == 4
    assert Question.objects.get(qtype="single").choices.get(is_correct=True).text == "发展经济"


def test_a_zip_of_items_without_a_manifest_skips_other_xml():
    files = ALL_GOOD[:2] + [("notes/readme.xml", b"<notes><p>not QTI</p></notes>"), ("a.png", b"\x89PNG")]
    report = import_qti(package(files, with_manifest=False), "items.zip")
    assert report.ok, reasons(report)
    assert report.created == 2


def test_a_package_zipped_from_its_folder_reads_the_manifest_there():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("导出/imsmanifest.xml", manifest(["items/text.xml"]))
        zf.writestr("导出/items/text.xml", TEXT_ENTRY)
        zf.writestr("导出/items/unlisted.xml", HOTSPOT)  # not in the manifest, so not imported
    report = import_qti(buffer.getvalue(), "x.zip")
    assert report.ok, reasons(report)
    assert list(Question.objects.values_list("qtype", flat=True)) == ["fill_blank"]


def test_unmappable_items_import_nothing_and_each_is_reported():
    files = ALL_GOOD + [("items/order.xml", ORDER), ("items/hotspot.xml", HOTSPOT), ("items/bad.xml", MALFORMED)]
    report = import_qti(package(files), "题库.zip")
    assert not report.ok
    assert Question.objects.count() == 0 and QuestionCategory.objects.count() == 0
    assert reasons(report) == [
        ("items/order.xml", "ITEM-ORDER", "排序",
         "排序题（orderInteraction）无法导入：题库没有排序题型。"),
        ("items/hotspot.xml", "ITEM-HOTSPOT", "地图",
         "不支持 hotspotInteraction 交互类型；支持单选、多选和填空（textEntryInteraction）。"),
        ("items/bad.xml", "", "", "文件不是格式正确的 XML（第 1 行，第 120 列）。"),
    ]
    assert str(report.errors[0]) == ("items/order.xml [ITEM-ORDER] 排序：排序题（orderInteraction）无法导入："
                                     "题库没有排序题型。")


@pytest.mark.parametrize(("xml", "expected"), [
    (item("NOKEY", "无答案", TWO_OPTIONS, declaration([])),
     ["题目没有声明正确答案（correctResponse）。"]),
    (item("TWOKEYS", "两个答案", TWO_OPTIONS,
          declaration(["A", "B"])),
     ["单选题必须且只能有一个正确选项。"]),
    (item("GHOST", "不存在", TWO_OPTIONS, declaration(["Z"])),
     ["正确答案指向不存在的选项：Z"]),
    (item("MIXED", "混合", '<p><textEntryInteraction responseIdentifier="R1"/></p><choiceInteraction '
          'responseIdentifier="RESPONSE"><simpleChoice identifier="A">甲</simpleChoice></choiceInteraction>',
          declaration(["x"], base="string", rid="R1") + declaration(["A"])),
     ["题目含有多个交互（textEntryInteraction, choiceInteraction）；只能导入一个选择交互，或仅由填空组成的题目。"]),
    (item("ADAPT", "自适应", '<p>题<textEntryInteraction responseIdentifier="RESPONSE"/></p>',
          declaration(["x"], base="string"), adaptive=True),
     ["不支持自适应题目（adaptive）。"]),
    (item("IMG", "图片", '<p>看图<img src="a.png" alt="图"/></p><choiceInteraction responseIdentifier="RESPONSE">'
          '<simpleChoice identifier="A">甲</simpleChoice><simpleChoice identifier="B">乙</simpleChoice>'
          "</choiceInteraction>", declaration(["A"])),
     ["题目含有图片或其他媒体，题库无法保存。"]),
    (item("PTS", "分值", '<p>题<textEntryInteraction responseIdentifier="RESPONSE"/></p>',
          declaration(["x"], base="string"),
          outcomes='<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float" '
                   'normalMaximum="0.25"/>'),
     ["题目的分值 0.25 无法使用：分值须在 0.5 到 100 之间，最多一位小数。"]),
    (item("TPL", "模板", '<p>题<textEntryInteraction responseIdentifier="RESPONSE"/></p>',
          '<templateDeclaration identifier="X" cardinality="single" baseType="integer"/>'
          + declaration(["x"], base="string")),
     ["不支持带模板（生成数值）的题目。"]),
])
def test_item_level_problems_are_reported_in_chinese(xml, expected):
    report = import_qti(xml, "item.xml")
    assert [e.reason for e in report.errors] == expected
    assert Question.objects.count() == 0


def test_malformed_and_hostile_xml_are_refused():
    report = import_qti(MALFORMED, "bad.xml")
    assert reasons(report) == [("bad.xml", "", "", "文件不是格式正确的 XML（第 1 行，第 120 列）。")]
    bomb = (b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "xxxxxxxxxx"><!ENTITY f "&e;&e;&e;&e;">]>'
            b'<assessmentItem xmlns="' + V21.encode() + b'" identifier="E"><itemBody><p>&f;</p></itemBody>'
            b"</assessmentItem>")
    assert [e.reason for e in import_qti(bomb, "bomb.xml").errors] == ["XML 中使用了实体或外部引用，这是不允许的。"]
    deep = b"<assessmentItem>" + b"<div>" * 150 + b"</div>" * 150 + b"</assessmentItem>"
    assert [e.reason for e in import_qti(deep, "deep.xml").errors] == ["XML 嵌套超过 100 层。"]
    assert [e.reason for e in import_qti(b"PK not really", "x.zip").errors] == ["文件不是可读取的 ZIP 压缩包。"]
    assert "不支持的文件类型" in import_qti(SINGLE, "x.docx").errors[0].reason
    qti1 = b'<questestinterop><item ident="1"/></questestinterop>'
    assert [e.reason for e in import_qti(qti1, "old.xml").errors] == [
        "不支持 QTI 1.x 文件；请将题目导出为 QTI 2.1 或 2.2。"]


def test_zip_safety_checks():
    traversal = package([("../evil.xml", SINGLE)], with_manifest=False)
    report = import_qti(traversal, "evil.zip")
    assert reasons(report) == [("../evil.xml", "", "", "压缩包含有指向其文件夹之外的路径：../evil.xml")]
    outside = package([("items/single.xml", SINGLE)], manifest_bytes=manifest(["../single.xml"]))
    assert [e.reason for e in import_qti(outside, "x.zip").errors] == [
        "清单中的资源 RES-0 指向包外：../single.xml"]
    missing = package([("items/single.xml", SINGLE)], manifest_bytes=manifest(["items/none.xml"]))
    assert [e.reason for e in import_qti(missing, "x.zip").errors] == [
        "清单中的资源 RES-0 列出的文件不在包中。"]
    absolute = package([("/etc/item.xml", SINGLE)], with_manifest=False)
    assert "绝对路径" in import_qti(absolute, "x.zip").errors[0].reason
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.xml", b" " * (archive.RATIO_FLOOR + 1))  # compresses ~1000:1
    assert "压缩比异常" in import_qti(buffer.getvalue(), "x.zip").errors[0].reason
    many = package([(f"i{n}.txt", b"x") for n in range(archive.MAX_ENTRIES + 1)], with_manifest=False)
    assert import_qti(many, "x.zip").errors[0].reason == f"压缩包中的条目超过 {archive.MAX_ENTRIES} 个。"
    assert Question.objects.count() == 0


def test_a_test_resource_brings_in_the_items_it_references():
    test_xml = (f'<assessmentTest xmlns="{V21}" identifier="T" title="测验"><testPart identifier="P" '
                f'navigationMode="linear" submissionMode="individual"><assessmentSection identifier="S" title="一" '
                f'visible="true"><assessmentItemRef identifier="I1" href="../items/single.xml"/>'
                f"</assessmentSection></testPart></assessmentTest>").encode()
    files = [("tests/test.xml", test_xml), ("items/single.xml", SINGLE)]
    report = import_qti(package(files, manifest_bytes=manifest(["tests/test.xml"], kind="imsqti_test_xmlv2p1")),
                        "x.zip")
    assert report.ok, reasons(report)
    assert Question.objects.get().qtype == "single"


def test_duplicates_within_a_package_are_reported():
    files = [("a.xml", SINGLE), ("b.xml", SINGLE)]
    report = import_qti(package(files), "x.zip")
    assert reasons(report) == [
        ("b.xml", "ITEM-SINGLE", "党的宗旨", "该标识也被 a.xml 使用。"),
        ("b.xml", "ITEM-SINGLE", "党的宗旨", "相同的题目也在 a.xml 中。"),
    ]


def test_dry_run_writes_nothing():
    report = import_qti(package(ALL_GOOD), "x.zip", dry_run=True)
    assert report.ok and Question.objects.count() == 0


@pytest.fixture
def trainer_client(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # role → TRAINERS group sync runs on commit
        trainer = MemberFactory(roles=["member", "trainer"])
    assert trainer.user.groups.filter(name=TRAINERS).exists()
    client.force_login(trainer.user)
    return client


def test_admin_upload_imports_qti_and_reports_per_item(trainer_client):
    bad = package(ALL_GOOD + [("items/hotspot.xml", HOTSPOT)])
    response = trainer_client.post("/admin/quizzes/import/", {"file": SimpleUploadedFile("题库.zip", bad),
                                                              "category": "组织生活"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="import-errors"' in html
    assert "<th>文件</th><th>标识</th><th>标题</th><th>问题</th>" in html
    assert "<td>items/hotspot.xml</td><td>ITEM-HOTSPOT</td><td>地图</td>" in html
    assert "不支持 hotspotInteraction 交互类型" in html
    assert Question.objects.count() == 0
    ok = trainer_client.post("/admin/quizzes/import/", {"file": SimpleUploadedFile("题库.zip", package(ALL_GOOD)),
                                                        "category": "组织生活"}, follow=True)
    assert ok.status_code == 200
    assert "导入完成：新增 4 条，更新 0 条，未变 0 条。" in ok.content.decode()
    assert set(Question.objects.values_list("category__name", flat=True)) == {"组织生活"}
    single = Question.objects.get(qtype="single")
    assert single.created_by.pk == ok.wsgi_request.user.pk


def test_members_cannot_upload_qti(client):
    client.force_login(MemberFactory().user)
    response = client.post("/admin/quizzes/import/", {"file": SimpleUploadedFile("x.xml", SINGLE)})
    assert response.status_code in (302, 403)
    assert Question.objects.count() == 0


def test_import_command_reads_qti(tmp_path):
    path = tmp_path / "items.zip"
    path.write_bytes(package(ALL_GOOD))
    out = io.StringIO()
    call_command("import_questions", str(path), "--category", "党章学习", stdout=out)
    assert Question.objects.filter(category__name="党章学习").count() == 4
    forced = tmp_path / "item.qti"
    forced.write_bytes(HOTSPOT)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_questions", str(forced), "--qti", stderr=err)
    assert "item.qti.xml [ITEM-HOTSPOT] 地图：不支持 hotspotInteraction 交互类型" in err.getvalue()
    assert Question.objects.count() == 4
