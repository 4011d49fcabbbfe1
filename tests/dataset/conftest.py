"""A small realistic site (two branches, members, courses with progress, the ledger with a reversal, a meeting with
attendance, an assignment), the reports it yields, and a way back to an empty site."""

import datetime
import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from lms.activities import services as activities
from lms.activities.models import ActivityKind
from lms.dataset import services as dataset
from lms.org.models import OrgUnit, Post
from lms.progress import services as progress
from lms.records import ledger, sources
from lms.reports.services import build_run
from lms.training.models import Assignment
from tests.factories import MemberFactory, make_course, make_lesson, org_unit

YEAR = 2026
TODAY = datetime.date(2026, 12, 31)
REPORTS = ["training_records", "hours_summary", "compliance", "branch_ledger", "course_progress",
           "org_life_ledger", "org_life_attendance"]


def aware(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def site(db):
    root = org_unit("集团党委")
    root.code = "HQ"
    root.save()
    b1 = org_unit("集团党委/第一党支部")
    b1.code = "B1"
    b1.save()
    group = org_unit("集团党委/第一党支部/第一党小组")
    b2 = org_unit("集团党委/第二党支部")  # no code: identified by its path
    other = org_unit("兄弟单位党委/第三党支部")
    post, _ = Post.objects.get_or_create(code="ops", defaults={"name": "运行操作"})
    people = {
        "hr": MemberFactory(employee_no="H0001", org_unit=root, roles=["member", "hr"]),
        "m1": MemberFactory(employee_no="M0001", name="张三", org_unit=b1, roles=["member", "branch_secretary"],
                            email="zhang@example.com", phone="13800000001", joined_on=datetime.date(2010, 7, 1),
                            post=post),
        "g1": MemberFactory(employee_no="M0002", name="李四", org_unit=group),
        "m2": MemberFactory(employee_no="M0003", name="王五", org_unit=b2),
        "x1": MemberFactory(employee_no="X0001", name="赵六", org_unit=other),
    }
    course = make_course("党章党规学习", tier="required_all", credit_hours="2")
    l1 = make_lesson(course, "第一课", minutes=0, credit_minutes=30)
    make_lesson(course, "第二课", minutes=0)
    elective = make_course("党史专题", credit_hours="1.5")
    make_lesson(elective, "视频课", rule="confirm", minutes=0)
    progress.enroll(people["m1"], course)
    for lesson in course.lessons:
        progress.confirm_lesson(people["m1"], lesson)
    progress.enroll(people["g1"], course)
    progress.confirm_lesson(people["g1"], l1)
    progress.enroll(people["x1"], elective)
    ledger.credit(people["m2"], source=sources.OFFLINE, reference="hr:2026-01", title="集中轮训", hours="8",
                  date=datetime.date(2026, 3, 2))
    wrong, _ = ledger.credit(people["m2"], source=sources.OFFLINE, reference="hr:2026-02", title="重复录入",
                             hours="3", date=datetime.date(2026, 3, 5))
    ledger.reverse(wrong, reason="重复录入", date=datetime.date(2026, 3, 6))
    ledger.credit(people["x1"], source=sources.LIVE, reference="live:1", title="直播", hours="1.5",
                  date=datetime.date(2026, 4, 1))
    meeting = activities.schedule(user=people["m1"].user, kind=ActivityKind.objects.get(code="party_lecture"),
                                  unit=b1, title="五月专题党课", starts_at=aware(2026, 5, 20, 14),
                                  ends_at=aware(2026, 5, 20, 16), place="三楼会议室", lecturer="张书记")
    activities.mark(meeting, people["m1"], "present")
    activities.mark(meeting, people["g1"], "leave", note="出差")
    Assignment.objects.create(member=people["m2"], course=course, source=Assignment.Source.MANUAL, year=YEAR,
                              due_on=datetime.date(2026, 6, 30), original_due_on=datetime.date(2026, 6, 30),
                              note="补学")
    return {"units": {"root": root, "b1": b1, "b2": b2, "group": group, "other": other}, "people": people,
            "course": course, "meeting": meeting}


def _site_independent(name: str, row: list) -> list:
    if name == "training_records":
        # A site's own bookkeeping differs by nature: the entry's row number, the number of the entry it reverses,
        # the local reference (course:12) and when it was recorded here. Everything else must be equal.
        entry, day, emp, member, unit, branch, source, title, _ref, hours, reverses, reason, _at = row
        return [day, emp, member, unit, branch, source, title, hours, reverses is not None, reason]
    return row


def reports() -> dict[str, list]:
    """Every report of the platform that reads what the standard carries, over the whole site, for the year."""
    out = {}
    for name in REPORTS:
        run = build_run(None, name, {"year": str(YEAR)}, shell=True, today=TODAY)
        out[name] = sorted((_site_independent(name, list(row)) for row in run.rows()), key=repr)
    return out


def export_zip(units=None) -> bytes:
    buffer = io.BytesIO()
    dataset.export_dataset(buffer, dataset.scope_of_units(units))
    return buffer.getvalue()


def wipe() -> None:
    """Back to an empty site: what the data standard carries is deleted, what every installation has stays
    (roles, posts, activity kinds, the catalog home). The ledgers are append-only, so their rows go by SQL."""
    from lms.catalog.models import CoursePage
    from lms.org.models import Member

    for label, model in (("points", "PointEntry"), ("records", "StudyHourEntry")):
        try:
            cls = apps.get_model(label, model)
        except LookupError:
            continue
        cls.objects.all()._raw_delete(cls.objects.db)
    for model in ("activities.Attendance", "activities.Activity", "training.Assignment", "progress.Enrollment",
                  "progress.LessonProgress"):
        apps.get_model(model).objects.all().delete()
    for course in CoursePage.objects.all():
        course.delete()
    users = list(Member.objects.values_list("user_id", flat=True))
    Member.objects.all().delete()
    get_user_model().objects.filter(pk__in=users).delete()
    for root in OrgUnit.get_root_nodes():
        root.delete()
