"""Member pages (list, detail marks read, confirm), publishing with attachments, the follow-up page and its CSV,
protected downloads, withdrawal and the home page panel."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lms.announcements import services
from lms.announcements.models import Announcement, Attachment, Recipient

from .conftest import client_for, publish

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def pdf(name="安排.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def future(days=7):
    return (timezone.localtime() + timezone.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_the_list_shows_unread_first_and_the_detail_marks_read(org, people):
    old = publish(people["sec1"].user, org["branch1"], title="旧通知")
    new = publish(people["sec1"].user, org["branch1"], title="新通知")
    services.mark_read(Recipient.objects.get(announcement=new, member=people["m1"]))
    client = client_for(people["m1"])
    html = client.get("/announcements/").content.decode()
    assert html.index("旧通知") < html.index("新通知")  # unread first
    assert client.get(f"/announcements/{old.pk}/").status_code == 200
    assert Recipient.objects.get(announcement=old, member=people["m1"]).read_at is not None
    assert client_for(people["m2"]).get(f"/announcements/{old.pk}/").status_code == 404  # another branch
    assert client.get("/announcements/99999999/").status_code == 404


def test_confirming_is_idempotent_and_late_confirmations_are_marked(org, people, time_machine):
    notice = publish(people["hr"].user, org["root"], requires_confirmation=True, confirm_by=timezone.now()
                     + timezone.timedelta(days=2), now=timezone.now())
    client = client_for(people["g1"])
    page = client.get(f"/announcements/{notice.pk}/").content.decode()
    assert "I have read and confirm" in page
    response = client.post(f"/announcements/{notice.pk}/confirm/", follow=True)
    assert "your confirmation is recorded" in response.content.decode()
    first = Recipient.objects.get(announcement=notice, member=people["g1"]).confirmed_at
    client.post(f"/announcements/{notice.pk}/confirm/")
    assert Recipient.objects.get(announcement=notice, member=people["g1"]).confirmed_at == first
    assert client.get(f"/announcements/{notice.pk}/confirm/").status_code == 405
    time_machine.move_to(timezone.now() + timezone.timedelta(days=3))
    late = client_for(people["m1"])
    assert "has passed" in late.get(f"/announcements/{notice.pk}/").content.decode()
    response = late.post(f"/announcements/{notice.pk}/confirm/", follow=True)
    assert "recorded as late" in response.content.decode()
    assert Recipient.objects.get(announcement=notice, member=people["m1"]).confirmed_late
    assert client_for(people["m2"]).post(f"/announcements/{notice.pk}/confirm/").status_code == 302  # a recipient
    plain = publish(people["sec1"].user, org["branch1"])
    client = client_for(people["g1"])  # a new session: the first one has idled out during the time travel
    assert "I have read and confirm" not in client.get(f"/announcements/{plain.pk}/").content.decode()
    response = client.post(f"/announcements/{plain.pk}/confirm/", follow=True)
    assert "does not ask for confirmation" in response.content.decode()


def test_a_secretary_publishes_with_an_attachment_and_follows_up(org, people):
    client = client_for(people["sec1"])
    form = client.get("/announcements/new/").content.decode()
    assert "第一党支部" in form and "第二党支部" not in form
    response = client.post("/announcements/new/", {
        "title": "支部学习安排", "body": "第一段。\n\n第二段。", "target_unit": org["branch1"].pk,
        "requires_confirmation": "on", "confirm_by": future(), "attachments": [pdf(), pdf("第二份.pdf")]})
    notice = Announcement.objects.get(title="支部学习安排")
    assert response.status_code == 302 and response["Location"] == f"/announcements/{notice.pk}/stats/"
    assert notice.attachments.count() == 2 and notice.recipients.count() == 5
    stats = client.get(f"/announcements/{notice.pk}/stats/").content.decode()
    assert "5 members have not confirmed" in stats and "组员一" in stats and 'data-label="Branch"' in stats
    receipt = Recipient.objects.select_related("announcement").get(announcement=notice, member=people["g1"])
    services.confirm(receipt)
    stats = client.get(f"/announcements/{notice.pk}/stats/").content.decode()
    assert "4 members have not confirmed" in stats and "组员一" not in stats
    csv = client.get(f"/announcements/{notice.pk}/stats/?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert "党员一" in text and "组员一" not in text and len(text.strip().splitlines()) == 5
    # The attachment: recipients and the publisher download it; nobody else, and never from a public URL.
    item = notice.attachments.first()
    for who, status in (("sec1", 200), ("m1", 200), ("m2", 404), ("sec2", 404)):
        assert client_for(people[who]).get(f"/announcements/attachments/{item.pk}/").status_code == status, who
    download = client_for(people["m1"]).get(f"/announcements/attachments/{item.pk}/")
    assert b"".join(download.streaming_content) == PDF and "attachment" in download["Content-Disposition"]
    assert item.file.name.startswith("announcements/") and "安排" not in item.file.name


def test_bad_publishing_input_gets_form_messages_not_errors(org, people):
    client = client_for(people["sec1"])
    base = {"title": "通知", "body": "正文", "target_unit": org["branch1"].pk}
    cases = [
        ({**base, "target_unit": org["branch2"].pk}, "Select a valid choice"),
        ({**base, "requires_confirmation": "on"}, "Set the deadline for confirming."),
        ({**base, "requires_confirmation": "on", "confirm_by": "2001-01-01T10:00"}, "must be in the future"),
        ({**base, "confirm_by": "not a date", "requires_confirmation": "on"}, "Enter a valid date/time."),
        ({**base, "attachments": [SimpleUploadedFile("x.exe", b"MZ")]}, "attach documents"),
        ({**base, "attachments": [SimpleUploadedFile("fake.pdf", b"MZ\x90\x00")]}, "does not match"),
        ({**base, "title": ""}, "This field is required."),
    ]
    for data, message in cases:
        response = client.post("/announcements/new/", data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), (message, data)
    assert not Announcement.objects.exists() and not Attachment.objects.exists()
    assert client_for(people["m1"]).get("/announcements/new/").status_code == 403


def test_a_secretary_follows_up_their_branch_of_a_committee_announcement(committee_notice, people):
    client = client_for(people["sec2"])
    stats = client.get(f"/announcements/{committee_notice.pk}/stats/").content.decode()
    assert "党员二" in stats and "组员一" not in stats and "You see the members of the units" in stats
    assert "Withdraw" not in stats
    assert client_for(people["m1"]).get(f"/announcements/{committee_notice.pk}/stats/").status_code == 404
    assert client.post(f"/announcements/{committee_notice.pk}/withdraw/").status_code == 404


def test_withdrawing_hides_it_from_members(committee_notice, people):
    hr = client_for(people["hr"])
    assert hr.post(f"/announcements/{committee_notice.pk}/withdraw/").status_code == 302
    committee_notice.refresh_from_db()
    assert committee_notice.withdrawn_at is not None
    response = client_for(people["m1"]).get(f"/announcements/{committee_notice.pk}/")
    assert response.status_code == 404 and "withdrawn" in response.content.decode()
    assert "年度学习安排" not in client_for(people["m1"]).get("/announcements/").content.decode()
    assert "Withdrawn" in hr.get(f"/announcements/{committee_notice.pk}/stats/").content.decode()


def test_the_home_panel_lists_what_needs_the_member_in_two_queries(committee_notice, org, people, rf):
    publish(people["sec1"].user, org["branch1"], title="支部通知")
    request = rf.get("/today/")
    request.user = type(people["m1"].user).objects.get(pk=people["m1"].user_id)  # nothing cached
    template = Template('{% load slots %}{% slot "today" %}')
    with CaptureQueriesContext(connection) as queries:
        html = template.render(Context({"request": request}))
    assert len(queries) <= 2
    assert "年度学习安排" in html and "支部通知" in html and "To confirm" in html
    for receipt in Recipient.objects.select_related("announcement").filter(member=people["m1"]):
        services.mark_read(receipt)
        if receipt.announcement.requires_confirmation:
            services.confirm(receipt)
    assert "today-announcements" not in Template('{% load slots %}{% slot "today" %}').render(
        Context({"request": request, "member": people["m1"]}))
    assert "Announcements" in client_for(people["m1"]).get("/announcements/").content.decode()


def test_pages_speak_chinese(committee_notice, people, time_machine):
    time_machine.move_to(committee_notice.published_at, tick=False)
    client = client_for(people["g1"], lang="zh-hans")
    assert "通知公告" in client.get("/announcements/").content.decode()
    assert "我已阅读并确认" in client.get(f"/announcements/{committee_notice.pk}/").content.decode()
    stats = client_for(people["hr"], lang="zh-hans").get(f"/announcements/{committee_notice.pk}/stats/")
    assert "按支部" in stats.content.decode() and "名党员未确认" in stats.content.decode()
