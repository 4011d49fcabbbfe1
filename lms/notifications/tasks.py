"""E-mail delivery of notifications (ids in; each row is sent at most once)."""

import datetime

from celery import shared_task
from django.utils import timezone

from .models import Notification
from .services import send_email

QUEUE = "default"


@shared_task(name="notifications.send_emails", queue=QUEUE, soft_time_limit=300, time_limit=330)
def send_emails(notification_ids: list[int]) -> dict:
    outcome: dict[str, int] = {}
    for notification_id in notification_ids:
        state = send_email(notification_id)
        outcome[state] = outcome.get(state, 0) + 1
    return outcome


@shared_task(name="notifications.retry_emails", queue=QUEUE, soft_time_limit=600, time_limit=660)
def retry_emails() -> dict:
    """Periodic: send e-mails left pending (a lost enqueue, a worker that died, an SMTP hiccup)."""
    cutoff = timezone.now() - datetime.timedelta(minutes=5)
    ids = list(Notification.objects.filter(email_status=Notification.EmailStatus.PENDING, created_at__lt=cutoff)
               .order_by("pk").values_list("pk", flat=True)[:5000])
    outcome: dict[str, int] = {}
    for notification_id in ids:
        state = send_email(notification_id)
        outcome[state] = outcome.get(state, 0) + 1
    return outcome
