from decimal import Decimal

import pytest

from lms.records import ledger
from lms.records.models import LedgerImmutable, StudyHourEntry


def test_entries_cannot_be_edited_or_deleted(member):
    entry, created = ledger.credit(member, source="offline", reference="r1", title="线下培训", hours="2.5")
    assert created and entry.year == entry.date.year
    entry.hours = Decimal(10)
    with pytest.raises(LedgerImmutable):
        entry.save()
    with pytest.raises(LedgerImmutable):
        entry.delete()
    with pytest.raises(LedgerImmutable):
        StudyHourEntry.objects.filter(pk=entry.pk).update(hours=9)
    with pytest.raises(LedgerImmutable):
        StudyHourEntry.objects.all().delete()
    assert StudyHourEntry.objects.get(pk=entry.pk).hours == Decimal("2.50")


def test_credit_is_once_per_reference(member):
    first, c1 = ledger.credit(member, source="course", reference="course:1", title="课", hours=2)
    second, c2 = ledger.credit(member, source="course", reference="course:1", title="课", hours=2)
    assert c1 and not c2 and first.pk == second.pk
    assert ledger.hours_for_year(member, first.year) == Decimal("2.00")


def test_reversal_needs_reason_happens_once_and_keeps_history(member):
    entry, _ = ledger.credit(member, source="offline", reference="r2", title="培训", hours=3)
    with pytest.raises(ledger.CorrectionError):
        ledger.reverse(entry, reason="  ")
    reversal = ledger.reverse(entry, reason="录入错误")
    assert reversal.hours == Decimal("-3.00") and reversal.reverses == entry and reversal.reason == "录入错误"
    with pytest.raises(ledger.CorrectionError):
        ledger.reverse(entry, reason="again")
    with pytest.raises(ledger.CorrectionError):
        ledger.reverse(reversal, reason="undo")
    assert ledger.hours_for_year(member, entry.year) == 0
    assert StudyHourEntry.objects.filter(member=member).count() == 2
