"""Real HR files: several sessions a day, identical rows, and HR's own record ids (issue "Training-record imports")."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from lms.records import ledger
from lms.records.importer import import_training_records, reference_for
from lms.records.models import StudyHourEntry
from tests.factories import MemberFactory

HEADER = "employee_no,title,date,hours,kind\n"
RID_HEADER = "record_id,employee_no,title,date,hours,kind\n"


@pytest.fixture
def members(db):
    return MemberFactory(employee_no="T1"), MemberFactory(employee_no="T2")


def run(text):
    return import_training_records(text.encode("utf-8"), "records.csv")


def total(member, year=2025):
    return ledger.hours_for_year(member, year)


def credits(member):
    return list(StudyHourEntry.objects.filter(member=member, reverses__isnull=True).order_by("id"))


def reversals(member):
    return list(StudyHourEntry.objects.filter(member=member, reverses__isnull=False).order_by("id"))


def test_two_sessions_of_one_training_on_one_day_are_two_credits(members):
    t1 = members[0]
    text = HEADER + "T1,党课,2025-03-01,2,offline\nT1,党课,2025-03-01,3,offline\n"
    report = run(text)
    assert report.ok, report.errors
    assert report.created == 2
    assert total(t1) == Decimal("5.00")
    refs = [e.reference for e in credits(t1)]
    assert len(set(refs)) == 2
    # The first keeps the reference earlier imports gave such a row.
    assert refs[0] == reference_for("T1", "党课", credits(t1)[0].date, "offline")

    again = run(text)
    assert again.ok and again.created == 0 and again.unchanged == 2
    swapped = run(HEADER + "T1,党课,2025-03-01,3,offline\nT1,党课,2025-03-01,2,offline\n")
    assert swapped.ok and swapped.created == 0 and swapped.unchanged == 2
    only_second = run(HEADER + "T1,党课,2025-03-01,3,offline\n")
    assert only_second.ok and only_second.created == 0 and only_second.unchanged == 1
    assert total(t1) == Decimal("5.00")

    third_session = run(text + "T1,党课,2025-03-01,1.5,offline\n")
    assert third_session.ok and third_session.created == 1 and third_session.unchanged == 2
    assert total(t1) == Decimal("6.50")
    assert StudyHourEntry.objects.count() == 3


def test_records_imported_by_the_old_importer_are_not_credited_again(members):
    t1 = members[0]
    day = datetime.date(2025, 3, 1)
    ledger.credit(t1, source="offline", reference=reference_for("T1", "党课", day, "offline"), title="党课",
                  hours=2, date=day)
    report = run(HEADER + "T1,党课,2025-03-01,3,offline\nT1,党课,2025-03-01,2,offline\n")
    assert report.ok and report.created == 1 and report.unchanged == 1
    assert total(t1) == Decimal("5.00")


def test_rows_identical_in_every_column_are_duplicates_and_nothing_is_imported(members):
    report = run(HEADER + "T1,党课,2025-03-01,2,offline\nT1,党课,2025-03-01,3,offline\nT1,党课,2025-03-01,2,线下\n")
    assert [(e.line, e.reason) for e in report.errors] == [(4, "与第 2 行重复")]
    assert StudyHourEntry.objects.count() == 0


def test_differing_kind_is_another_record(members):
    report = run(HEADER + "T1,党课,2025-03-01,2,offline\nT1,党课,2025-03-01,2,live\n")
    assert report.ok and report.created == 2


def test_record_id_same_values_change_nothing(members):
    t1 = members[0]
    text = RID_HEADER + "R1,T1,党课,2025-03-01,4,offline\n"
    first = run(text)
    assert first.ok and first.created == 1
    assert [e.reference for e in credits(t1)] == ["import:rid:R1"]
    again = run(text)
    assert again.ok and again.created == 0 and again.updated == 0 and again.unchanged == 1
    assert StudyHourEntry.objects.count() == 1


def test_record_id_correction_reverses_and_credits_once(members):
    t1 = members[0]
    run(RID_HEADER + "R1,T1,党课,2025-03-01,4,offline\n")
    corrected = RID_HEADER + "R1,T1,党课,2025-03-01,6,offline\n"
    report = run(corrected)
    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert total(t1) == Decimal("6.00")
    old, new = credits(t1)
    (reversal,) = reversals(t1)
    assert reversal.reverses == old and reversal.hours == Decimal("-4.00")
    assert reversal.reason == "重新导入时更正（记录编号 R1）"
    assert (new.hours, new.reference) == (Decimal("6.00"), "import:rid:R1:2")

    again = run(corrected)
    assert again.ok and again.unchanged == 1 and again.updated == 0
    assert StudyHourEntry.objects.count() == 3

    # Title, date and kind are corrected the same way; going back to earlier values works too.
    back = run(RID_HEADER + "R1,T1,党课（补）,2025-03-02,4,live\n")
    assert back.ok and back.updated == 1
    assert total(t1) == Decimal("4.00")
    latest = credits(t1)[-1]
    assert (latest.title, latest.source, latest.reference) == ("党课（补）", "live", "import:rid:R1:3")
    assert len(reversals(t1)) == 2


def test_record_id_moved_to_another_member(members):
    t1, t2 = members
    run(RID_HEADER + "R7,T1,党课,2025-03-01,4,offline\n")
    report = run(RID_HEADER + "R7,T2,党课,2025-03-01,4,offline\n")
    assert report.ok and report.updated == 1
    assert total(t1) == 0 and total(t2) == Decimal("4.00")
    assert len(reversals(t1)) == 1 and reversals(t2) == []
    assert [e.reference for e in credits(t2)] == ["import:rid:R7:2"]
    assert run(RID_HEADER + "R7,T2,党课,2025-03-01,4,offline\n").unchanged == 1
    assert StudyHourEntry.objects.count() == 3


def test_record_id_twice_in_one_file(members):
    conflicting = run(RID_HEADER + "R1,T1,党课,2025-03-01,4,offline\nR2,T1,党课,2025-03-01,4,offline\n"
                                   "R1,T1,党课,2025-03-01,5,offline\n")
    assert [(e.line, e.reason) for e in conflicting.errors] == [
        (2, "记录编号 R1 也出现在第 4 行，且内容不同"),
        (4, "记录编号 R1 也出现在第 2 行，且内容不同"),
    ]
    duplicate = run(RID_HEADER + "R1,T1,党课,2025-03-01,4,offline\nR1,T1,党课,2025-03-01,4,offline\n")
    assert [(e.line, e.reason) for e in duplicate.errors] == [(3, "与第 2 行重复")]
    assert StudyHourEntry.objects.count() == 0


def test_two_record_ids_with_equal_values_are_two_records(members):
    report = run(RID_HEADER + "R1,T1,党课,2025-03-01,2,offline\nR2,T1,党课,2025-03-01,2,offline\n")
    assert report.ok and report.created == 2
    assert total(members[0]) == Decimal("4.00")


def test_bad_record_ids_are_row_errors(members):
    report = run(RID_HEADER + f"{'X' * 65},T1,党课,2025-03-01,4,offline\nA:1,T1,党课,2025-03-02,4,offline\n"
                              "R3,T1,党课,2025-03-03,4,offline\n")
    assert [e.line for e in report.errors] == [2, 3]
    assert report.errors[0].reason == "记录编号超过 64 个字符"
    assert StudyHourEntry.objects.count() == 0
    assert run(RID_HEADER + f"{'X' * 64},T1,党课,2025-03-01,4,offline\n").created == 1


def test_chinese_record_id_headers(members):
    for header in ("记录编号", "记录ID"):
        report = run(f"{header},工号,培训名称,日期,学时\nZ-{header},T1,党课,2025-03-01,2\n")
        assert report.ok and report.created == 1, report.errors
    assert sorted(e.reference for e in credits(members[0])) == ["import:rid:Z-记录ID", "import:rid:Z-记录编号"]


def test_record_id_added_to_an_imported_file_does_not_credit_twice(members):
    t1 = members[0]
    run(HEADER + "T1,党课,2025-03-01,4,offline\n")
    with_ids = RID_HEADER + "R1,T1,党课,2025-03-01,4,offline\n"
    report = run(with_ids)
    assert report.ok and report.created == 0 and report.unchanged == 1
    assert total(t1) == Decimal("4.00")
    assert credits(t1)[-1].reference == "import:rid:R1"
    # ...and a later correction by record_id replaces it instead of adding to it.
    assert run(RID_HEADER + "R1,T1,党课,2025-03-01,5,offline\n").updated == 1
    assert total(t1) == Decimal("5.00")


def test_record_id_reversed_by_hand_stays_reversed(members):
    t1 = members[0]
    text = RID_HEADER + "R1,T1,党课,2025-03-01,4,offline\n"
    run(text)
    ledger.reverse(credits(t1)[0], reason="未参加")
    report = run(text)
    assert report.ok and report.unchanged == 1
    assert total(t1) == 0
    assert run(RID_HEADER + "R1,T1,党课,2025-03-01,3,offline\n").updated == 1
    assert total(t1) == Decimal("3.00") and len(reversals(t1)) == 1


def test_command_imports_sessions_and_reports_duplicates(members, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "T1,党课,2025-03-01,2,offline\nT1,党课,2025-03-01,3,offline\n", encoding="utf-8")
    call_command("import_training_records", str(good))
    assert "新增 2 条" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "T2,党课,2025-03-01,2,offline\nT2,党课,2025-03-01,2,offline\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_training_records", str(bad))
    assert "与第 2 行重复" in capsys.readouterr().err
    assert total(members[1]) == 0


def test_record_ids_are_matched_exactly(members):
    t1 = members[0]
    ids = ["R_1", "R%1", "RX1", "r_1", "R_10", "R_1 2"]
    text = RID_HEADER + "".join(f"{rid},T1,党课,2025-03-01,1,offline\n" for rid in ids)
    assert run(text).created == len(ids)
    report = run(RID_HEADER + "R_1,T1,党课,2025-03-01,2,offline\n")
    assert report.ok and report.updated == 1
    assert total(t1) == Decimal("7.00") and len(reversals(t1)) == 1
    assert run(text).updated == 1 and total(t1) == Decimal("6.00")


def test_a_concurrent_correction_is_a_row_error_and_rolls_back(members, monkeypatch):
    t1 = members[0]
    run(RID_HEADER + "R1,T1,党课,2025-03-01,4,offline\n")

    def already_reversed(entry, **kwargs):
        raise ledger.CorrectionError("This entry has already been reversed.")

    monkeypatch.setattr(ledger, "reverse", already_reversed)
    report = run(RID_HEADER + "R2,T1,新课,2025-03-02,1,offline\nR1,T1,党课,2025-03-01,5,offline\n")
    assert [e.line for e in report.errors] == [3] and "R1" in report.errors[0].reason
    assert (report.created, report.updated) == (0, 0)
    assert StudyHourEntry.objects.count() == 1 and total(t1) == Decimal("4.00")


def test_a_row_with_and_a_row_without_record_id_in_one_file_are_two_records(members):
    text = "record_id,employee_no,title,date,hours\n,T1,党课,2025-03-01,2\nR1,T1,党课,2025-03-01,2\n"
    report = run(text)
    assert report.ok and report.created == 2
    assert total(members[0]) == Decimal("4.00") and reversals(members[0]) == []
    assert run(text).unchanged == 2 and StudyHourEntry.objects.count() == 2
