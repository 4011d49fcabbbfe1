from decimal import Decimal

import pytest

from lms.records.importer import import_training_records
from lms.records.models import StudyHourEntry
from tests.factories import MemberFactory

HEADER = "employee_no,title,date,hours,kind\n"


@pytest.fixture
def members(db):
    return MemberFactory(employee_no="T1"), MemberFactory(employee_no="T2")


def run(text):
    return import_training_records(text.encode("utf-8"), "records.csv")


def test_records_offline_training_once(members):
    text = HEADER + (
        "T1,主题党日活动,2026-03-01,4,offline\nT2,红色教育基地,2026-04-02,7.5,线下\nT1,直播党课,2026-05-01,2,live\n"
    )
    report = run(text)
    assert report.ok, report.errors
    assert report.created == 3
    t1 = StudyHourEntry.objects.filter(member=members[0])
    assert sorted((e.source, e.hours) for e in t1) == [("live", Decimal("2.00")), ("offline", Decimal("4.00"))]
    again = run(text)
    assert again.ok and again.created == 0 and again.unchanged == 3
    assert StudyHourEntry.objects.count() == 3


def test_bad_rows_record_nothing(members):
    text = HEADER + (
        "T1,主题党日活动,2026-03-01,4,offline\n"
        "T9,不存在的人,2026-03-01,4,offline\n"
        "T2,,2026-03-01,4,offline\n"
        "T2,负学时,2026-03-01,-1,offline\n"
        "T2,未来,2999-03-01,1,offline\n"
        "T2,类型错误,2026-03-01,1,party\n"
        "T1,主题党日活动,2026-03-01,4,offline\n"
    )
    report = run(text)
    assert sorted({e.line for e in report.errors}) == [3, 4, 5, 6, 7, 8]
    assert StudyHourEntry.objects.count() == 0
