"""The per-member archive: contents, corrections as reversing entries, PDF with an embedded Chinese font."""

import io
import re
import zipfile
import zlib
from decimal import Decimal

import pytest

from lms.records.models import LedgerImmutable, StudyHourEntry
from lms.reports.archive import build_archive
from lms.reports.models import AuditLogEntry
from tests.reports.conftest import YEAR, api_for, web_for


def test_archive_groups_hours_by_source(world):
    archive = build_archive(world["m1"], YEAR)
    hours = {g.source: g.hours for g in archive.groups}
    assert hours == {"course": Decimal("10.00"), "lesson": Decimal("2.50"), "quiz": Decimal("1.00"),
                     "activity": Decimal("0.00"), "live": Decimal("4.00"), "offline": Decimal("8.00")}
    assert archive.total == Decimal("25.50") and archive.required == Decimal(32)
    assert archive.shortfall == Decimal("6.50") and archive.compliant is False and archive.percent == 79
    course = next(g for g in archive.groups if g.source == "course")
    assert [(e.date.isoformat(), e.title) for e in course.entries] == [("2025-02-10", "党章学习")]
    assert [a.course.title for a in archive.assignments] == ["必修课A"]


def test_archive_page_shows_entries_assignments_and_history(world):
    page = web_for(world["m2"]).get(f"/archive/{world['m2'].pk}/?year={YEAR}").content.decode()
    assert "我的档案" in page and "<strong>20</strong> / 32 学时" in page
    assert "重复录入的培训" in page and "已冲销" in page  # the reversed entry stays visible
    history = page.split('id="history"')[1]
    assert "重复录入" in history and ">-14<" in history and "人事" in history  # who corrected: a name, not a login
    assert "必修课A" in page and "已逾期" in page
    # No internals: ledger references (offline:…, course:7), ids as "#12", hours with two decimals.
    assert not re.search(r"\b(offline|course|lesson|quiz|live):\w", page)
    assert not re.search(r">#\d+<", page) and ".00<" not in page
    assert 'name="reason"' not in page  # a member cannot correct their own archive


def test_secretary_reverses_an_entry_with_a_reason(world):
    entry = StudyHourEntry.objects.get(member=world["m1"], source="offline")
    client = web_for(world["sec1"])
    page = client.get(f"/archive/{world['m1'].pk}/?year={YEAR}").content.decode()
    assert f'action="/archive/entries/{entry.pk}/reverse/"' in page
    # No reason: refused, nothing written.
    response = client.post(f"/archive/entries/{entry.pk}/reverse/", {"reason": "  "}, follow=True)
    assert "原因" in response.content.decode() and not StudyHourEntry.objects.filter(reverses=entry).exists()
    response = client.post(f"/archive/entries/{entry.pk}/reverse/", {"reason": "培训未实际参加"})
    assert response.status_code == 302 and response["Location"] == f"/archive/{world['m1'].pk}/?year={YEAR}"
    reversal = StudyHourEntry.objects.get(reverses=entry)
    assert (reversal.hours, reversal.reason, reversal.created_by, reversal.year) == (
        Decimal("-8.00"), "培训未实际参加", world["sec1"].user, YEAR)
    assert build_archive(world["m1"], YEAR).total == Decimal("17.50")
    # Twice is refused.
    client.post(f"/archive/entries/{entry.pk}/reverse/", {"reason": "再来一次"})
    assert StudyHourEntry.objects.filter(reverses=entry).count() == 1
    audit = AuditLogEntry.objects.filter(action="correction").get()
    assert audit.member == world["m1"] and audit.params["reversal"] == reversal.pk
    # The original is untouched and cannot be edited or deleted.
    entry.refresh_from_db()
    assert entry.hours == Decimal("8.00")
    with pytest.raises(LedgerImmutable):
        entry.delete()


@pytest.mark.parametrize("who", ["m1", "m2", "sec2", "trainer"])
def test_reversal_refused_outside_scope_or_own(world, who):
    entry = StudyHourEntry.objects.get(member=world["m1"], source="offline")
    response = web_for(world[who]).post(f"/archive/entries/{entry.pk}/reverse/", {"reason": "x"})
    assert response.status_code == 403
    assert not StudyHourEntry.objects.filter(reverses=entry).exists()


def test_secretary_cannot_reverse_own_entry(world):
    entry = StudyHourEntry.objects.get(member=world["sec1"], source="live")
    assert web_for(world["sec1"]).post(f"/archive/entries/{entry.pk}/reverse/", {"reason": "x"}).status_code == 403


def _pdf_text_codes(content: bytes) -> str:
    """Concatenated ToUnicode CMaps of the PDF (uncompressed), to see which characters it can show."""
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        data = match.group(1)
        try:
            data = zlib.decompress(data)
        except zlib.error:
            pass  # fpdf2 writes small streams such as the ToUnicode CMap uncompressed
        if b"beginbfchar" in data or b"beginbfrange" in data:
            out.append(data.decode("latin-1"))
    return "".join(out)


def _hex(text: str) -> list[str]:
    return [f"{ord(ch):04X}" for ch in text]


def test_archive_pdf_embeds_a_chinese_font(world):
    response = web_for(world["m1"]).get(f"/archive/{world['m1'].pk}/pdf/?year={YEAR}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and "M001" in response["Content-Disposition"]
    content = response.content
    assert content.startswith(b"%PDF-")
    assert b"/FontFile3" in content or b"/FontFile2" in content  # the font program itself is embedded
    assert b"NotoSansSC" in content
    cmap = _pdf_text_codes(content).upper()
    for ch in _hex("个人教育培训档案党章学习示例集团"):
        assert f"<{ch}>" in cmap, ch


def test_branch_archives_as_zip_and_single_pdf(world):
    client = web_for(world["sec1"])
    response = client.get(f"/archive/branch/?org={world['b1'].pk}&year={YEAR}&format=zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = sorted(zipfile.ZipFile(io.BytesIO(response.content)).namelist())
    assert names == ["M-S1-书记一-2025.pdf", "M001-党员一-2025.pdf", "M002-党员二-2025.pdf"]
    response = client.get(f"/archive/branch/?org={world['b1'].pk}&year={YEAR}&format=pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response.content.count(b"/Type /Page\n") + response.content.count(b"/Type /Page ") >= 3 or \
        len(re.findall(rb"/Type\s*/Page[^s]", response.content)) >= 3


@pytest.mark.django_db(transaction=True)
def test_big_branch_export_goes_to_background(world, settings):
    settings.LMS_ARCHIVE_SYNC_MAX_MEMBERS = 2
    client = web_for(world["hr"])
    response = client.get(f"/archive/branch/?org={world['b1'].pk}&year={YEAR}&format=zip")
    assert response.status_code == 302 and response["Location"] == "/reports/exports/"
    from lms.reports.models import ExportJob

    job = ExportJob.objects.get()
    assert (job.status, job.format, job.row_count) == ("done", "zip", 3)
    download = client.get(job.get_absolute_url())
    content = b"".join(download.streaming_content)
    assert len(zipfile.ZipFile(io.BytesIO(content)).namelist()) == 3


def test_archive_api(world):
    data = api_for(world["sec1"]).get(f"/api/v1/archives/{world['m2'].pk}/?year={YEAR}").json()
    assert (data["required"], data["earned"], data["shortfall"], data["compliant"]) == (32.0, 20.0, 12.0, False)
    offline = data["by_source"]["offline"]
    assert offline["hours"] == 0.0 and offline["entries"][0]["reversed_by"] == world["reversal"].pk
    assert data["corrections"][0]["reason"] == "重复录入"
    assert [a["status"] for a in data["assignments"]] == ["active"]
    assert api_for(world["sec1"]).get(f"/api/v1/archives/{world['m2'].pk}/?year=abc").status_code == 400


def test_quiz_results_in_archive(world):
    import datetime as dt

    from django.utils import timezone

    from lms.quizzes.models import Quiz, QuizAttempt

    tz = timezone.get_current_timezone()
    exam = Quiz.objects.create(title="党史知识测验", kind="exam")
    QuizAttempt.objects.create(member=world["m1"], quiz=exam, number=1, status="graded",
                               submitted_at=dt.datetime(2025, 5, 1, 10, tzinfo=tz), score=Decimal("85"),
                               max_score=Decimal("100"), passed=True)
    QuizAttempt.objects.create(member=world["m1"], quiz=exam, number=2, status="pending_review",
                               submitted_at=dt.datetime(2025, 6, 1, 10, tzinfo=tz), max_score=Decimal("100"))
    QuizAttempt.objects.create(member=world["m1"], quiz=exam, number=3, status="in_progress")  # not submitted
    archive = build_archive(world["m1"], YEAR)
    assert [(a.number, a.score) for a in archive.quiz_results] == [(1, Decimal("85.00")), (2, None)]
    page = web_for(world["m1"]).get(f"/archive/{world['m1'].pk}/?year={YEAR}").content.decode()
    assert "党史知识测验" in page and "85 / 100" in page
    data = api_for(world["m1"]).get(f"/api/v1/archives/{world['m1'].pk}/?year={YEAR}").json()
    assert [(q["title"], q["score"], q["passed"]) for q in data["quiz_results"]] == [
        ("党史知识测验", 85.0, True), ("党史知识测验", None, None)]
    pdf = web_for(world["m1"]).get(f"/archive/{world['m1'].pk}/pdf/?year={YEAR}").content
    cmap = _pdf_text_codes(pdf).upper()
    assert all(f"<{ch}>" in cmap for ch in _hex("党史知识测验"))


def test_assignment_states_read_as_on_the_members_own_pages(world):
    """The archive, the PDF and /training/my/ word an assignment's state the same way (未开始 → 学习中 → 已完成)."""
    import datetime as dt

    from django.utils import timezone, translation

    from lms.progress.models import Enrollment
    from lms.reports.pdf import _assignment_status
    from tests.reports.conftest import assign

    today = timezone.localdate()
    assign(world["m2"], world["course_b"], today + dt.timedelta(days=30))
    client = web_for(world["m2"])

    def states():
        archive = build_archive(world["m2"], today.year)
        row = next(a for a in archive.assignments if a.course_id == world["course_b"].pk)
        with translation.override("zh-hans"):
            page = client.get(f"/archive/{world['m2'].pk}/?year={today.year}").content.decode()
            mine = client.get("/training/my/").content.decode()
            return str(row.status_label), _assignment_status(row), page, mine

    label, pdf_label, page, mine = states()
    assert label == pdf_label == "未开始" and "未开始" in page and "未开始" in mine
    Enrollment.objects.create(member=world["m2"], course=world["course_b"])
    label, pdf_label, page, mine = states()
    assert label == pdf_label == "学习中" and "学习中" in page and "学习中" in mine
    assert "未开始" not in mine
