import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client, override_settings
from rest_framework.test import APIClient

from lms.notifications import notify, notify_many
from lms.notifications.models import Notification, NotificationPreference
from lms.notifications.services import Notice, send_email
from lms.notifications.tasks import retry_emails
from tests.factories import MemberFactory


class FlakySMTP(EmailBackend):
    """Fails the first ``failures`` sends, like a mail server that is briefly down."""

    failures = 0

    def send_messages(self, messages):
        if FlakySMTP.failures > 0:
            FlakySMTP.failures -= 1
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def person(db):
    return MemberFactory(email="person@example.com")


@pytest.mark.django_db
def test_notify_with_a_key_creates_one_notice_and_one_email(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, created = notify(person, "demo.kind", "标题", "正文", "/training/my/", "demo:1")
        again, created_again = notify(person.user, "demo.kind", "标题", "正文", "/training/my/", "demo:1")
    assert created and not created_again and again.pk == first.pk
    assert Notification.objects.filter(recipient=person.user).count() == 1
    assert [m.to for m in mail.outbox] == [["person@example.com"]]
    assert mail.outbox[0].subject == "标题" and "/training/my/" in mail.outbox[0].body
    first.refresh_from_db()
    assert first.email_status == "sent" and first.emailed_at is not None


@pytest.mark.django_db
def test_email_is_sent_only_after_commit(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(person, "demo.kind", "标题", key="demo:2")
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_email_claim_sends_once_even_if_asked_twice(person):
    n, _created = notify(person, "demo.kind", "标题", key="demo:3")
    assert n.email_status == "pending"
    assert send_email(n.pk) == "sent"
    assert send_email(n.pk) == "not-pending"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_email_opt_out_cannot_silence_required_in_app_notices(person, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=person.user, email_enabled=False, optional_in_app=False)
    with django_capture_on_commit_callbacks(execute=True):
        required, created = notify(person, "training.overdue", "必修课程已逾期", key="r:1", required=True)
        optional, optional_created = notify(person, "news", "可选通知", key="o:1")
    assert created and required.email_status == "skipped"
    assert optional is None and not optional_created
    assert mail.outbox == []
    assert list(Notification.objects.values_list("title", flat=True)) == ["必修课程已逾期"]


@pytest.mark.django_db
def test_notify_many_is_idempotent_per_recipient_and_key(django_capture_on_commit_callbacks):
    people = [MemberFactory(email=f"p{i}@example.com") for i in range(3)]
    notices = [Notice(recipient_id=p.user_id, kind="bulk", title="批量", key="bulk:1", required=True) for p in people]
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_many(notices) == 3
        assert notify_many(notices) == 0
    assert Notification.objects.count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == [p.email for p in people]


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND="tests.notifications.test_notify.FlakySMTP")
def test_a_failed_email_is_retried_then_marked_failed(person):
    FlakySMTP.failures = 1
    n, _created = notify(person, "demo.kind", "标题", key="demo:4")
    assert send_email(n.pk) == "pending"
    n.refresh_from_db()
    assert n.email_attempts == 1 and "closed" in n.email_error
    Notification.objects.filter(pk=n.pk).update(created_at=n.created_at.replace(year=n.created_at.year - 1))
    assert retry_emails() == {"sent": 1}
    assert len(mail.outbox) == 1
    FlakySMTP.failures = 10
    m, _created = notify(person, "demo.kind", "另一条", key="demo:5")
    assert [send_email(m.pk) for _ in range(3)] == ["pending", "pending", "failed"]
    assert send_email(m.pk) == "not-pending"
    FlakySMTP.failures = 0


@pytest.mark.django_db
def test_api_lists_only_own_notices_and_marks_them_read(person):
    other = MemberFactory()
    mine, _c = notify(person, "k", "我的", key="a")
    notify(person, "k", "我的二", key="b")
    theirs, _c = notify(other, "k", "别人的", key="a")
    client = APIClient()
    client.force_authenticate(person.user)
    listing = client.get("/api/v1/notifications/").json()
    assert sorted(r["title"] for r in listing["results"]) == ["我的", "我的二"]
    assert client.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    read = client.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert read.status_code == 200 and read.json()["is_read"] is True
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 1
    assert client.post("/api/v1/notifications/read-all/", {}, format="json").json() == {"marked": 1, "unread": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.patch("/api/v1/notifications/preferences/", {"email_enabled": False}, format="json").json() == \
        {"email_enabled": False, "optional_in_app": True}
    assert NotificationPreference.objects.get(user=person.user).email_enabled is False


@pytest.mark.django_db
def test_bell_shows_unread_count_and_the_list_marks_read(person):
    n, _c = notify(person, "k", "新的必修课程", url="/training/my/", key="bell")
    notify(person, "k", "第二条", key="bell2")
    client = Client()
    client.force_login(person.user)
    html = client.get("/notifications/").content.decode()
    assert 'data-unread="2"' in html and "新的必修课程" in html
    opened = client.get(f"/notifications/{n.pk}/")
    assert opened.status_code == 302 and opened["Location"] == "/training/my/"
    assert 'data-unread="1"' in client.get("/notifications/").content.decode()
    client.post("/notifications/read-all/")
    assert "data-unread" not in client.get("/notifications/").content.decode()
    response = client.post("/notifications/preferences/", {"email_enabled": "", "optional_in_app": "on"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=person.user).email_enabled is False
