"""Question import from the XLSX template (Chinese headers) or QTI 2.1/2.2 items: every row or item valid, or nothing
is written."""

import io
import re
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from lms.common.parsing import parse_decimal
from lms.common.tabular import ImportReport, RowError, TabularError, header_of, read_rows

from .grading import normalize_text
from .models import Choice, Difficulty, Question, QuestionCategory, QuestionType, validate_choices
from .qti.load import load_items
from .qti.problems import ItemError

OPTION_LETTERS = "ABCDEFGH"
HEADERS = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案", "分类", "难度", "分值",
           "解析", "标签"]
ALIASES = {
    "题型": "qtype", "题目类型": "qtype", "类型": "qtype",
    "题干": "text", "题目": "text", "试题": "text",
    "答案": "answer", "正确答案": "answer", "参考答案": "answer",
    "分类": "category", "题目分类": "category", "类别": "category",
    "难度": "difficulty", "分值": "points", "分数": "points",
    "解析": "explanation", "答案解析": "explanation", "标签": "tags",
}
for _letter in OPTION_LETTERS:
    ALIASES[f"选项{_letter}".lower()] = f"option_{_letter.lower()}"
    ALIASES[_letter.lower()] = f"option_{_letter.lower()}"
REQUIRED = ["qtype", "text", "answer", "category"]

TYPE_WORDS = {
    QuestionType.SINGLE: {"单选", "单选题", "单项选择", "单项选择题", "single"},
    QuestionType.MULTIPLE: {"多选", "多选题", "多项选择", "多项选择题", "multiple"},
    QuestionType.TRUE_FALSE: {"判断", "判断题", "是非题", "true_false", "truefalse"},
    QuestionType.FILL_BLANK: {"填空", "填空题", "fill_blank", "fill"},
    QuestionType.SHORT_ANSWER: {"简答", "简答题", "问答题", "主观题", "short_answer", "short"},
}
DIFFICULTY_WORDS = {
    Difficulty.EASY: {"易", "简单", "容易", "1", "easy"},
    Difficulty.MEDIUM: {"中", "中等", "一般", "适中", "2", "medium"},
    Difficulty.HARD: {"难", "困难", "较难", "3", "hard"},
}
TRUE_WORDS = {"正确", "对", "是", "√", "✓", "t", "true", "yes", "y"}
FALSE_WORDS = {"错误", "错", "否", "×", "✗", "x", "f", "false", "no", "n"}
MAX_POINTS = Decimal("100")


def _lookup(words: dict, value: str):
    value = normalize_text(value).replace(" ", "")
    for key, options in words.items():
        if value in options:
            return key
    return None


def _validate(line: int, row: dict, seen: dict) -> tuple[dict | None, list[RowError]]:
    errors: list[RowError] = []

    def err(message):
        errors.append(RowError(line, message))

    text = (row.get("text") or "").strip()
    raw_type = (row.get("qtype") or "").strip()
    qtype = _lookup(TYPE_WORDS, raw_type)
    if not raw_type:
        err(_("题型 is required"))
    elif qtype is None:
        err(_("unknown question type %(v)s (use 单选题, 多选题, 判断题, 填空题 or 简答题)") % {"v": raw_type})
    if not text:
        err(_("题干 is required"))
    elif len(text) > 5000:
        err(_("题干 is longer than 5000 characters"))
    category = (row.get("category") or "").strip()
    if not category:
        err(_("分类 is required"))
    elif len(category) > 60:
        err(_("分类 is longer than 60 characters"))
    difficulty = Difficulty.MEDIUM
    if (row.get("difficulty") or "").strip():
        difficulty = _lookup(DIFFICULTY_WORDS, row["difficulty"])
        if difficulty is None:
            err(_("unknown difficulty %(v)s (use 易, 中 or 难)") % {"v": row["difficulty"]})
    points = Decimal("1")
    if (row.get("points") or "").strip():
        try:
            points = parse_decimal(row["points"])
        except ValueError:
            err(_("分值 %(v)s is not a number") % {"v": row["points"]})
        else:
            if not (Decimal("0.5") <= points <= MAX_POINTS) or points != points.quantize(Decimal("0.1")):
                err(_("分值 must be between 0.5 and 100, with at most one decimal"))
    options = [(row.get(f"option_{c.lower()}") or "").strip() for c in OPTION_LETTERS]
    while options and not options[-1]:
        options.pop()
    answer = (row.get("answer") or "").strip()
    out = {"qtype": qtype, "text": text, "category": category, "difficulty": difficulty, "points": points,
           "explanation": (row.get("explanation") or "").strip(), "choices": [], "correct_true": None,
           "accepted_answers": "", "reference_answer": "",
           "tags": sorted({t.strip()[:100] for t in re.split(r"[,，、;；]", row.get("tags") or "") if t.strip()})}
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        if "" in options:
            err(_("option %(letter)s is empty but a later option is filled in")
                % {"letter": OPTION_LETTERS[options.index("")]})
        letters = [c for c in re.sub(r"[\s,，、;；]", "", answer.upper())]
        if not answer:
            err(_("答案 is required (the letters of the correct options, e.g. B or ACD)"))
        elif any(c not in OPTION_LETTERS[:len(options)] for c in letters):
            err(_("答案 %(v)s does not name existing options") % {"v": answer})
        else:
            chosen = set(letters)
            out["choices"] = [(t, OPTION_LETTERS[i] in chosen) for i, t in enumerate(options)]
            problem = validate_choices(qtype, out["choices"])
            if problem:
                err(problem)
    elif qtype is not None:
        if options:
            err(_("only single and multiple choice questions have options"))
        if qtype == QuestionType.TRUE_FALSE:
            value = _lookup({True: TRUE_WORDS, False: FALSE_WORDS}, answer)
            if value is None:
                err(_("答案 of a true/false question must be 正确 or 错误"))
            out["correct_true"] = value
        elif qtype == QuestionType.FILL_BLANK:
            blanks = [[a.strip() for a in part.replace("｜", "|").split("|") if a.strip()]
                      for part in re.split(r"[;；\n]", answer)]
            blanks = [b for b in blanks if b]
            if not blanks:
                err(_("答案 of a fill-in-the-blank question is required"))
            elif any(len(a) > 200 for b in blanks for a in b):
                err(_("an accepted answer is longer than 200 characters"))
            out["accepted_answers"] = "\n".join("|".join(b) for b in blanks)
        else:
            out["reference_answer"] = answer
    if qtype is not None and text:
        key = (qtype, normalize_text(text))
        if key in seen:
            err(_("the same question appears on line %(first)d") % {"first": seen[key]})
        else:
            seen[key] = line
    return (None if errors else out), errors


def import_questions(data: bytes, filename: str, *, dry_run: bool = False, user=None) -> ImportReport:
    report = ImportReport()
    try:
        header = header_of(data, filename, ALIASES)
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            names = {v: k for k, v in reversed(list(ALIASES.items()))}
            raise TabularError(_("Missing column(s): %(cols)s") % {"cols": ", ".join(names.get(c, c) for c in missing)})
        rows = read_rows(data, filename, ALIASES)
    except TabularError as exc:
        report.errors.append(RowError(1, str(exc)))
        return report
    if not rows:
        report.errors.append(RowError(1, _("The file has no data rows.")))
        return report
    seen: dict = {}
    valid = []
    for line, row in rows:
        clean, errors = _validate(line, row, seen)
        report.errors.extend(errors)
        if clean:
            valid.append(clean)
    if report.errors or dry_run:
        return report
    _write(valid, report, user)
    return report


QTI_SUFFIXES = (".xml", ".zip")


def is_qti(filename: str) -> bool:
    return filename.lower().endswith(QTI_SUFFIXES)


def import_qti(data: bytes, filename: str, *, dry_run: bool = False, user=None, category: str = "") -> ImportReport:
    """QTI 2.1/2.2 items (an .xml item or a .zip package) into `category`, with the XLSX import's rules: every
    item mappable or nothing is written, and a question with the same type and text is updated."""
    report = ImportReport()
    category = (category or "").strip() or _("Imported from QTI")
    if len(category) > 60:
        report.errors.append(ItemError(0, _("分类 is longer than 60 characters"), file=filename))
        return report
    rows, report.errors = load_items(data, filename)
    if report.errors or dry_run:
        return report
    _write([dict(row, category=category) for row in rows], report, user)
    return report


def _write(valid: list[dict], report: ImportReport, user) -> None:
    with transaction.atomic():
        categories = {}
        for row in valid:
            if row["category"] not in categories:
                categories[row["category"]], _created = QuestionCategory.objects.get_or_create(name=row["category"])
            outcome = _apply(row, categories[row["category"]], user)
            setattr(report, outcome, getattr(report, outcome) + 1)


# A QTI row leaves out what QTI does not carry (difficulty, explanation, tags): those stay as they are.
FIELDS = ["difficulty", "points", "explanation", "correct_true", "accepted_answers", "reference_answer"]


def _apply(row: dict, category: QuestionCategory, user) -> str:
    question = Question.objects.filter(qtype=row["qtype"], text=row["text"]).first()
    created = question is None
    if created:
        question = Question(qtype=row["qtype"], text=row["text"], created_by=user)
    changed = created or question.category_id != category.pk
    question.category = category
    for name in (f for f in FIELDS if f in row):
        if getattr(question, name) != row[name]:
            setattr(question, name, row[name])
            changed = True
    existing = [(c.text, c.is_correct) for c in question.choices.all()] if not created else []
    if existing != row["choices"]:
        question.choices = [Choice(text=t, is_correct=c, sort_order=i) for i, (t, c) in enumerate(row["choices"])]
        changed = True
    current_tags = sorted(question.tags.names()) if not created else []
    if "tags" in row and current_tags != row["tags"]:
        question.tags.set(row["tags"])
        changed = True
    if not question.is_active:
        question.is_active = True
        changed = True
    if changed:
        question.save()
    return "created" if created else ("updated" if changed else "unchanged")


def template_workbook() -> bytes:
    """The import template: headers on the first sheet, instructions and examples on the second."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "题目"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="C8161D")
        cell.alignment = Alignment(horizontal="center")
    widths = {"A": 10, "B": 50, "I": 18, "J": 14, "K": 8, "L": 8, "M": 40, "N": 20}
    for col in "CDEFGH":
        widths[col] = 18
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    types = DataValidation(type="list", formula1='"单选题,多选题,判断题,填空题,简答题"', allow_blank=False)
    levels = DataValidation(type="list", formula1='"易,中,难"', allow_blank=True)
    ws.add_data_validation(types)
    ws.add_data_validation(levels)
    types.add("A2:A2000")
    levels.add("K2:K2000")

    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 90
    for row in [
        ("列", "填写方法"),
        ("题型", "单选题、多选题、判断题、填空题、简答题（必填）"),
        ("题干", "题目内容（必填）；填空题用“____”表示空位"),
        ("选项A–F", "仅单选题、多选题填写，至少两个选项，按顺序填写不要空行"),
        ("答案", "单选题填字母如 B；多选题填字母如 ACD；判断题填 正确 或 错误；"
                 "填空题每个空的答案用“；”分隔，同一空的多个可接受答案用“|”分隔（不区分大小写和全角半角）；"
                 "简答题可填参考答案（由培训讲师人工评分）"),
        ("分类", "题目分类（必填），不存在时自动创建"),
        ("难度", "易、中、难，留空为中"),
        ("分值", "每题分数，留空为 1"),
        ("解析", "提交后向学员显示的答案解析"),
        ("标签", "多个标签用逗号分隔"),
        ("", "文件中任何一行有错误时，整个文件都不会导入，并列出所有错误行；"
             "题型和题干相同的题目会被更新而不是重复导入。"),
    ]:
        notes.append(row)
    notes["A1"].font = notes["B1"].font = Font(bold=True)
    notes.append(())
    notes.append(("示例",))
    notes.append(HEADERS)
    for example in [
        ("单选题", "中国共产党的根本宗旨是什么？", "实现共产主义", "全心全意为人民服务", "发展经济", "依法治国", "", "",
         "B", "党章学习", "易", "2", "党除了工人阶级和最广大人民群众的利益，没有自己特殊的利益。", "党章"),
        ("多选题", "“三会一课”中的“三会”包括哪些？", "支部党员大会", "支部委员会", "党小组会", "职工代表大会",
         "", "", "ABC", "组织生活", "中", "2", "", "组织生活,支部建设"),
        ("判断题", "党员领导干部可以收受管理服务对象的礼金。", "", "", "", "", "", "", "错误", "廉洁教育", "易", "1",
         "违反中央八项规定精神。", "廉洁"),
        ("填空题", "党的最高理想和最终目标是实现____。", "", "", "", "", "", "", "共产主义", "党章学习", "中", "2", "",
         ""),
        ("简答题", "简述支部书记在“三会一课”中的职责。", "", "", "", "", "", "", "组织召开、带头讲党课、做好记录",
         "组织生活", "难", "5", "", ""),
    ]:
        notes.append(example)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
