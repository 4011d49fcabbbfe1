"""Organizational life in the browser: the secretary shows the rotating sign-in QR code, a member scans it on a
phone (the test decodes the QR image on the organizer's screen and opens what it encodes, as the phone camera
does) and signs in; the secretary then records and submits the minutes; the branch plan shows the slot held."""

import datetime
import io

import pytest
import zxingcpp
from django.utils import timezone
from PIL import Image

from lms.activities.models import ActivityKind, Attendance, Minutes
from lms.activities.plans import generate_plans
from lms.activities.services import schedule
from lms.records.models import StudyHourEntry

from .conftest import SHOTS, Journey, slug

pytestmark = pytest.mark.django_db(transaction=True)

BRANCH = "公司党委/第一党支部"


def build_world(make_member):
    secretary = make_member("D1001", "王建国", BRANCH, roles=("member", "branch_secretary"))
    member = make_member("D1003", "张伟", f"{BRANCH}/第一党小组")
    make_member("D2003", "孙婷", "公司党委/第二党支部/第一党小组")
    generate_plans(timezone.localdate().year, [secretary.org_unit])
    now = timezone.now().replace(microsecond=0)
    activity = schedule(user=secretary.user, kind=ActivityKind.objects.get(code="party_lecture"),
                        unit=secretary.org_unit, title="专题党课：学习党章",
                        starts_at=now - datetime.timedelta(minutes=5), ends_at=now + datetime.timedelta(hours=2),
                        place="三楼会议室", agenda="学习党章第一章")
    return {"secretary": secretary, "member": member, "activity": activity}


def decode_qr(page) -> str:
    png = page.locator("#signin-qr svg").screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert found, "no QR code found on the organizer's screen"
    return found[0].text


def test_a_member_signs_in_by_qr_and_the_secretary_records_minutes(journey, browser, server, make_member, request):
    world = build_world(make_member)
    activity = world["activity"]
    page = journey.page

    journey.login("D1001")
    journey.goto("/activities/plan/", "branch plan")
    assert page.locator('[data-kind="party_lecture"] [data-state="scheduled"]').count() == 1
    journey.goto(f"/activities/{activity.pk}/", "activity as organizer")
    journey.follow(page.locator(f'a[href="/activities/{activity.pk}/sign-in/screen/"]'), "sign-in screen")
    first_url = decode_qr(page)
    assert f"/activities/{activity.pk}/sign-in/?t=" in first_url
    page.wait_for_function("url => document.getElementById('signin-qr').dataset.url !== url", arg=first_url,
                           timeout=40_000)
    scanned = decode_qr(page)  # the code rotated; the member scans the current one
    assert scanned != first_url

    phone_shots = SHOTS / (slug(request.node.name) + "-member-phone")
    phone_shots.mkdir(parents=True, exist_ok=True)
    phone = Journey(browser, server, "phone", phone_shots)
    try:
        phone.login("D1003", next_path=scanned.split(server.url, 1)[1])
        assert "/sign-in/" in phone.page.url
        phone.follow(phone.page.locator("#signin-confirm"), "member confirms sign-in")
        assert phone.page.locator('[data-my-status="present"]').count() == 1
        # A second scan of the same code changes nothing and says so.
        phone.page.goto(scanned)
        with phone.page.expect_navigation():
            phone.page.locator("#signin-confirm").click()
        assert phone.page.locator("#signin-error").count() == 1
        phone.problems.clear()  # the refusal is a 409 page, expected here
        phone.check("second scan refused")
        phone.goto("/calendar/?view=list", "the member's calendar on the phone")
        assert "专题党课：学习党章" in phone.page.locator("main").inner_text()
        phone.goto("/calendar/", "month view on the phone")
    finally:
        phone.close()
    attendance = Attendance.objects.get(activity=activity, member=world["member"])
    assert (attendance.status, attendance.method) == ("present", "qr")
    assert StudyHourEntry.objects.filter(member=world["member"], source="activity").count() == 1

    journey.goto(f"/activities/{activity.pk}/", "activity after the sign-in")
    assert page.locator('tr[data-member="D1003"]').count() == 1
    page.locator("#minutes textarea[name=content]").fill("会议记录：全体党员学习党章第一章，张伟发言。")
    page.locator("#minutes textarea[name=resolutions]").fill("下月开展主题党日活动。")
    journey.follow(page.locator('#minutes button[name=submit][value="1"]'), "minutes submitted")
    minutes = Minutes.objects.get(activity=activity)
    assert minutes.submitted_at is not None and "张伟发言" in minutes.content
    assert "张伟发言" in page.locator("#minutes").inner_text()
    journey.goto("/activities/plan/", "plan shows the slot held")
    assert page.locator('[data-kind="party_lecture"] [data-state="held"]').count() == 1
