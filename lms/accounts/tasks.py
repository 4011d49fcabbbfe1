"""Account e-mails leave through the worker, so a reset request answers as fast for unknown addresses."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection


@shared_task(name="accounts.send_mails", queue="default", soft_time_limit=600, time_limit=660)
def send_mails(messages: list[dict]) -> int:
    """``messages``: [{"subject", "body", "to"}]; one SMTP connection for the batch."""
    connection = get_connection()
    return connection.send_messages([
        EmailMessage(m["subject"], m["body"], settings.DEFAULT_FROM_EMAIL, [m["to"]], connection=connection)
        for m in messages
    ]) or 0
