"""A small organization with hand-computable figures for 2025.

公司党委 (hr)
├── 第一党支部 (branch): sec1 (M-S1, 56 h), m2 (M002)
│   └── 第一党小组 (group): m1 (M001)
└── 第二党支部 (branch): sec2 (M-S2), m3 (M003), trainer (T001), activist (A001)

2025 ledger (hours):   course  lesson  quiz  live  offline   total  required
  m1                    10      2.5     1     4     8        25.5    32
  m2                    20      -       -     -     14-14    20      32   (offline entry reversed)
  sec1                  30      -       -     30    -        60      56
  m3                    40      -       -     -     -        40      32
  sec2                  56      -       -     -     -        56      56
Assignments (due 2025): m1 A completed; m2 A active (overdue); sec1 A completed;
m3 A active due 2025-06-30 (overdue), m3 B withdrawn; sec2 A completed.
"""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from lms.records import ledger
from tests.factories import MemberFactory, make_course, org_unit

YEAR = 2025


@pytest.fixture(autouse=True)
def _default_requirements(settings):
    # Figures are hand-computed against the programme defaults (32 h members, 56 h secretaries).
    settings.LMS_HOUR_REQUIREMENT_PROVIDER = "lms.records.requirements.ROLE_DEFAULTS"


@pytest.fixture(autouse=True)
def _fresh_training_schedule():
    """Ids the training app collected in a never-committed test transaction must not leak between tests."""
    try:
        from lms.training import scheduling
    except ImportError:
        yield
        return
    pending = getattr(scheduling, "_pending", None)
    if pending is None:
        yield
        return
    for bucket in pending():
        bucket.clear()
    yield
    for bucket in pending():
        bucket.clear()


def credit(member, source, hours, day, title=None, ref=None):
    entry, created = ledger.credit(member, source=source, reference=ref or f"{source}:{member.pk}:{day}:{hours}",
                                   title=title or f"{source}-{day}", hours=hours, date=day)
    assert created
    return entry


def assign(member, course, due, status="active"):
    from lms.training.models import Assignment

    now = timezone.now()
    return Assignment.objects.create(
        member=member, course=course, source="manual", year=due.year, due_on=due, original_due_on=due,
        status=status, completed_at=now if status == "completed" else None,
        withdrawn_at=now if status == "withdrawn" else None,
    )


@pytest.fixture
def world(db):
    d = datetime.date
    root = org_unit("公司党委")
    b1 = org_unit("公司党委/第一党支部")
    g1 = org_unit("公司党委/第一党支部/第一党小组")
    b2 = org_unit("公司党委/第二党支部")
    hr = MemberFactory(employee_no="H001", name="人事", org_unit=root, roles=["hr"])
    sec1 = MemberFactory(employee_no="M-S1", name="书记一", org_unit=b1, roles=["member", "branch_secretary"])
    m2 = MemberFactory(employee_no="M002", name="党员二", org_unit=b1)
    m1 = MemberFactory(employee_no="M001", name="党员一", org_unit=g1)
    sec2 = MemberFactory(employee_no="M-S2", name="书记二", org_unit=b2, roles=["member", "branch_secretary"])
    m3 = MemberFactory(employee_no="M003", name="党员三", org_unit=b2)
    trainer = MemberFactory(employee_no="T001", name="讲师", org_unit=b2, roles=["trainer"])
    activist = MemberFactory(employee_no="A001", name="积极分子", org_unit=b2, roles=["activist"])

    credit(m1, "course", "10", d(2025, 2, 10), title="党章学习")
    credit(m1, "lesson", "2.5", d(2025, 3, 5))
    credit(m1, "quiz", "1", d(2025, 5, 1))
    credit(m1, "offline", "8", d(2025, 7, 1), title="主题党日")
    credit(m1, "live", "4", d(2025, 10, 1))
    credit(m1, "course", "99", d(2024, 12, 31))  # another year
    credit(m1, "course", "7", d(2026, 1, 2))  # another year
    credit(m2, "course", "20", d(2025, 1, 15))
    wrong = credit(m2, "offline", "14", d(2025, 3, 20), title="重复录入的培训")
    reversal = ledger.reverse(wrong, reason="重复录入", created_by=hr.user)
    credit(sec1, "course", "30", d(2025, 4, 1))
    credit(sec1, "live", "30", d(2025, 9, 1))
    credit(m3, "course", "40", d(2025, 6, 1))
    credit(sec2, "course", "56", d(2025, 8, 8))

    course_a = make_course("必修课A", tier="required_all", credit_hours="2")
    course_b = make_course("必修课B", tier="required_all", credit_hours="2")
    course_a.trainers.add(trainer)
    course_a.save()
    assign(m1, course_a, d(2025, 11, 30), "completed")
    assign(m2, course_a, d(2025, 11, 30))
    assign(sec1, course_a, d(2025, 11, 30), "completed")
    assign(m3, course_a, d(2025, 6, 30))
    assign(m3, course_b, d(2025, 12, 31), "withdrawn")
    assign(sec2, course_a, d(2025, 11, 30), "completed")
    return {"root": root, "b1": b1, "g1": g1, "b2": b2, "hr": hr, "sec1": sec1, "sec2": sec2, "m1": m1, "m2": m2,
            "m3": m3, "trainer": trainer, "activist": activist, "wrong": wrong, "reversal": reversal,
            "course_a": course_a, "course_b": course_b}


def api_for(member):
    client = APIClient()
    if member is not None:
        client.force_authenticate(member.user)
    return client


def web_for(member):
    client = Client()
    if member is not None:
        client.force_login(member.user)
    return client
