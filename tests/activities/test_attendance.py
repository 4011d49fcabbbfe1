"""Attendance credits the ledger exactly once, corrections reverse, leave, live watching, minutes, replay."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection

from lms.activities import services, signin
from lms.activities.models import Activity, Attendance, LeaveRequest, MinutesAmendment
from lms.records.models import StudyHourEntry

from .conftest import aware, kind

DURING = aware(2026, 5, 20, 14, 5)


def ledger(member):
    return list(StudyHourEntry.objects.filter(member=member, source__in=["activity", "correction"])
                .order_by("pk").values_list("source", "reference", "hours"))


@pytest.mark.django_db(transaction=True)
def test_concurrent_scans_credit_once(org, people):
    lecture = services.schedule(user=people["sec1"].user, kind=kind("party_lecture"), unit=org["branch1"],
                                title="党课", starts_at=aware(2026, 5, 20, 14), ends_at=aware(2026, 5, 20, 16),
                                guests_allowed=True)
    members = [people["m1"], people["m1"], people["m1"], people["m2"], people["m2"]]  # m2 comes as a guest
    barrier = threading.Barrier(len(members))
    outcomes, errors = [], []

    def scan(member):
        try:
            barrier.wait()
            services.sign_in(Activity.objects.get(pk=lecture.pk), member, method="qr", now=DURING)
            outcomes.append((member.pk, "ok"))
        except services.AttendanceError as exc:
            outcomes.append((member.pk, exc.status))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(str(o) for m, o in outcomes if m == people["m1"].pk) == ["409", "409", "ok"]
    assert sorted(str(o) for m, o in outcomes if m == people["m2"].pk) == ["409", "ok"]
    for member in (people["m1"], people["m2"]):
        assert ledger(member) == [("activity", f"activity:{lecture.pk}", Decimal("2.00"))]
    assert Attendance.objects.filter(activity=lecture).count() == 5  # four expected + one guest


@pytest.mark.django_db
def test_a_correction_reverses_and_a_second_correction_credits_again(lecture, people):
    sec = people["sec1"].user
    services.mark(lecture, people["m1"], "present", by=sec)
    services.mark(lecture, people["m1"], "present", by=sec)  # saving again credits nothing more
    services.mark(lecture, people["m1"], "absent", by=sec)
    services.mark(lecture, people["m1"], "late", by=sec)
    ref = f"activity:{lecture.pk}"
    rows = ledger(people["m1"])
    first = StudyHourEntry.objects.get(reference=ref).pk
    assert [(s, r) for s, r, _h in rows] == [("activity", ref), ("correction", f"reverses:{first}"),
                                            ("activity", f"{ref}#2")]
    assert sum(h for _s, _r, h in rows) == Decimal("2.00")
    with pytest.raises(services.AttendanceError, match="needs a reason"):
        services.mark(lecture, people["m1"], "leave", by=sec)
    with pytest.raises(services.AttendanceError, match="Unknown"):
        services.mark(lecture, people["m1"], "dancing", by=sec)


@pytest.mark.django_db
def test_kinds_that_do_not_count_credit_nothing(org, people):
    committee = services.schedule(user=people["sec1"].user, kind=kind("branch_committee"), unit=org["branch1"],
                                  title="支委会", starts_at=aware(2026, 5, 6, 9), ends_at=aware(2026, 5, 6, 10))
    expected = set(committee.attendances.values_list("member_id", flat=True))
    assert expected == {people["sec1"].pk, people["committee1"].pk}  # the branch committee only
    att = services.sign_in(committee, people["committee1"], method="code", now=aware(2026, 5, 6, 9, 1))
    assert att.status == "present" and ledger(people["committee1"]) == []


@pytest.mark.django_db
def test_leave_is_requested_before_and_approved_by_the_secretary(lecture, people):
    before = aware(2026, 5, 19, 10)
    with pytest.raises(services.AttendanceError, match="reason"):
        services.request_leave(lecture, people["m1"], "  ", now=before)
    request = services.request_leave(lecture, people["m1"], "出差", now=before)
    with pytest.raises(services.AttendanceError, match="before the activity starts"):
        services.request_leave(lecture, people["g1"], "生病", now=DURING)
    with pytest.raises(services.AttendanceError, match="not on the list"):
        services.request_leave(lecture, people["m2"], "出差", now=before)
    services.decide_leave(request, True, by=people["sec1"].user)
    att = Attendance.objects.get(activity=lecture, member=people["m1"])
    assert (att.status, att.note) == ("leave", "出差")
    with pytest.raises(services.AttendanceError, match="already decided"):
        services.decide_leave(LeaveRequest.objects.get(pk=request.pk), False)


@pytest.mark.django_db
def test_live_watching_counts_real_time_only_and_settles_once(org, people):
    live = services.schedule(user=people["hr"].user, kind=kind("central_training"), unit=org["root"],
                             title="集中培训直播", starts_at=aware(2026, 6, 1, 9), ends_at=aware(2026, 6, 1, 10),
                             stream_url="https://live.example.com/a/index.m3u8", live_threshold=50)
    assert live.attendances.count() == 7  # the whole organization
    t = aware(2026, 6, 1, 9)
    # m1 watches 40 minutes, beating every 15 s; g1 beats twice with an hour's gap (a paused tab) and 10 times in
    # one second (a script): neither adds more than real time.
    for i in range(0, 40 * 60 + 1, 15):
        services.live_heartbeat(live, people["m1"], now=t + datetime.timedelta(seconds=i))
    services.live_heartbeat(live, people["g1"], now=t)
    for _ in range(10):
        services.live_heartbeat(live, people["g1"], now=t + datetime.timedelta(seconds=1))
    services.live_heartbeat(live, people["g1"], now=t + datetime.timedelta(minutes=59))
    with pytest.raises(services.AttendanceError, match="not live"):
        services.live_heartbeat(live, people["g1"], now=t + datetime.timedelta(hours=2))
    assert services.settle_live(live, now=aware(2026, 6, 1, 9, 30)) == 0  # not over yet
    assert services.settle_live(live, now=aware(2026, 6, 1, 10, 5)) == 1
    assert services.settle_live(live, now=aware(2026, 6, 1, 10, 6)) == 0  # once
    m1 = Attendance.objects.get(activity=live, member=people["m1"])
    assert (m1.status, m1.method) == ("present", "live")
    assert Attendance.objects.get(activity=live, member=people["g1"]).status == "expected"
    assert ledger(people["m1"]) == [("activity", f"activity:{live.pk}", Decimal("2.00"))]


@pytest.mark.django_db
def test_minutes_are_append_only_once_submitted(lecture, people):
    by = people["sec1"].user
    with pytest.raises(services.ScheduleError, match="empty"):
        services.save_minutes(lecture, content=" ", by=by)
    services.save_minutes(lecture, content="草稿", by=by)
    with pytest.raises(services.ScheduleError, match="after they are submitted"):
        services.amend_minutes(lecture, text="补充", reason="遗漏", by=by)
    future = services.schedule(user=by, kind=kind("theme_day"), unit=lecture.unit, title="主题党日",
                               starts_at=aware(2099, 1, 5, 9), ends_at=aware(2099, 1, 5, 11))
    with pytest.raises(services.ScheduleError, match="has started"):
        services.save_minutes(future, content="会议记录", by=by, submit=True)
    minutes = services.save_minutes(lecture, content="会议记录：学习党章。", resolutions="按期缴纳党费", by=by,
                                    submit=True)
    lecture.refresh_from_db()
    assert minutes.submitted_at and lecture.status == "held"
    with pytest.raises(services.ScheduleError, match="were submitted"):
        services.save_minutes(lecture, content="改写", by=by)
    services.amend_minutes(lecture, text="补充：张三请假。", reason="漏记", by=by)
    assert list(MinutesAmendment.objects.values_list("text", "reason")) == [("补充：张三请假。", "漏记")]


@pytest.mark.django_db
def test_a_replay_goes_through_the_media_pipeline_and_is_linked(org, people, settings):
    from tests.content_library.conftest import PROCESSED

    settings.TALK_PROCESSOR = "tests.content_library.conftest.record_processing"
    PROCESSED.clear()
    live = services.schedule(user=people["hr"].user, kind=kind("central_training"), unit=org["root"],
                             title="集中培训直播", starts_at=aware(2026, 6, 1, 9), ends_at=aware(2026, 6, 1, 10),
                             stream_url="https://live.example.com/a/index.m3u8")
    talk = services.attach_replay(live, url="https://live.example.com/a/replay.mp4", by=people["hr"].user)
    live.refresh_from_db()
    assert live.replay_talk_id == talk.pk and talk.source_url.endswith("replay.mp4")
    assert talk.title == "集中培训直播" and talk.org_unit == org["root"]
    assert PROCESSED == [(talk.pk, False)]


@pytest.mark.django_db
def test_the_sign_in_window_opens_half_an_hour_before(lecture):
    opens, closes = signin.window(lecture)
    assert opens == aware(2026, 5, 20, 13, 30) and closes == aware(2026, 5, 20, 16)


@pytest.fixture(autouse=True)
def english():
    """The service messages asserted here are English; without this they follow whatever language an earlier
    test left active."""
    from django.utils import translation

    with translation.override("en"):
        yield
