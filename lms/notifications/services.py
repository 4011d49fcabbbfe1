"""Creating notifications exactly once, and sending their e-mails exactly once after commit.

Idempotency: a non-empty ``key`` is unique per recipient (database constraint),
so a retried task or a doubled beat never creates a second notice. E-mail:
each row carries its own e-mail state; a sender claims a row by moving it
from ``pending`` to ``sending`` in one UPDATE, so two workers can never both
send it, and records ``sent``/``failed`` afterwards.
"""

import logging
import smtplib
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Notification, NotificationPreference

logger = logging.getLogger(__name__)
Status = Notification.EmailStatus
MAX_EMAIL_ATTEMPTS = 3
EMAIL_BATCH = 200
SEND_EMAILS_TASK = "notifications.send_emails"  # tasks.send_emails, sent by name: tasks.py imports this module


def _task(name: str):
    """The task of tasks.py registered as ``name`` (apps.ready imports tasks.py); honours task_always_eager."""
    return current_app.tasks[name]


@dataclass
class Notice:
    """One notice for ``notify_many``."""

    recipient_id: int  # user id
    kind: str
    title: str
    body: str = ""
    url: str = ""
    key: str = ""
    required: bool = False


def user_of(recipient):
    """Accept a user, a member, or a user id."""
    User = get_user_model()
    if isinstance(recipient, User):
        return recipient
    if isinstance(recipient, int):
        return User.objects.get(pk=recipient)
    user = getattr(recipient, "user", None)
    if user is None:
        raise TypeError(f"cannot notify {recipient!r}: not a user or member")
    return user


def preferences(user_ids) -> dict[int, NotificationPreference]:
    """Stored preferences of these users (defaults apply to those without a row)."""
    return {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=list(user_ids))}


def preference_for(user) -> NotificationPreference:
    pref = NotificationPreference.objects.filter(user=user).first()
    return pref or NotificationPreference(user=user)


def email_addresses(user_ids) -> dict[int, str]:
    """The member's e-mail address, else the account's."""
    User = get_user_model()
    out = {}
    for user_id, user_email, member_email in User.objects.filter(pk__in=list(user_ids)).values_list(
            "pk", "email", "member__email"):
        out[user_id] = (member_email or user_email or "").strip()
    return out


def _email_status(pref: NotificationPreference | None, address: str, email: bool) -> str:
    enabled = pref.email_enabled if pref is not None else True
    return Status.PENDING if (email and enabled and address) else Status.SKIPPED


def _wanted(pref: NotificationPreference | None, required: bool) -> bool:
    return required or pref is None or pref.optional_in_app


def notify(recipient, kind: str, title: str, body: str = "", url: str = "", key: str = "", *,
           required: bool = False, email: bool = True) -> tuple[Notification | None, bool]:
    """Notify one user or member. Returns (notification, created); a repeated ``key`` returns the first one.

    Required notices (mandatory training) are always shown in the app; e-mail
    follows the recipient's preference. Optional notices honour the opt-out.
    """
    user = user_of(recipient)
    pref = preferences([user.pk]).get(user.pk)
    if not _wanted(pref, required):
        return None, False
    key = (key or "")[:200]
    if key:
        existing = Notification.objects.filter(recipient=user, key=key).first()
        if existing is not None:
            return existing, False
    status = _email_status(pref, email_addresses([user.pk]).get(user.pk, ""), email)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=user, kind=kind[:60], title=str(title)[:200], body=str(body), url=url[:300], key=key,
                required=required, email_status=status,
            )
    except IntegrityError:
        if not key:
            raise
        return Notification.objects.get(recipient=user, key=key), False
    if status == Status.PENDING:
        _send_after_commit([notification.pk])
    return notification, True


def notify_many(items: list[Notice], *, email: bool = True) -> int:
    """Create many notices in bulk (conflicting keys are skipped); returns how many rows were new."""
    if not items:
        return 0
    user_ids = {n.recipient_id for n in items}
    prefs = preferences(user_ids)
    addresses = email_addresses(user_ids) if email else {}
    now = timezone.now()
    rows = [
        Notification(recipient_id=n.recipient_id, kind=n.kind[:60], title=str(n.title)[:200], body=str(n.body),
                     url=n.url[:300], key=(n.key or "")[:200], required=n.required, created_at=now,
                     email_status=_email_status(prefs.get(n.recipient_id), addresses.get(n.recipient_id, ""),
                                                email))
        for n in items if _wanted(prefs.get(n.recipient_id), n.required)
    ]
    keyed = [r for r in rows if r.key]
    before = _count_keys(keyed)
    Notification.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    created = len(rows) - before
    pending = _pending_ids(keyed, now)
    if pending:
        _send_after_commit(pending)
    return created


def _count_keys(rows: list[Notification]) -> int:
    """How many of these (recipient, key) pairs exist already."""
    count = 0
    keys = sorted({r.key for r in rows})
    pairs = {(r.recipient_id, r.key) for r in rows}
    for start in range(0, len(keys), 500):
        for pair in Notification.objects.filter(key__in=keys[start:start + 500]).values_list("recipient_id", "key"):
            count += pair in pairs
    return count


def _pending_ids(rows: list[Notification], since) -> list[int]:
    keys = sorted({r.key for r in rows})
    pairs = {(r.recipient_id, r.key) for r in rows}
    ids = []
    for start in range(0, len(keys), 500):
        for pk, recipient_id, key in Notification.objects.filter(
            key__in=keys[start:start + 500], email_status=Status.PENDING, created_at__gte=since,
        ).values_list("pk", "recipient_id", "key"):
            if (recipient_id, key) in pairs:
                ids.append(pk)
    return ids


def _send_after_commit(ids: list[int]) -> None:
    send_emails = _task(SEND_EMAILS_TASK)

    def enqueue():
        for start in range(0, len(ids), EMAIL_BATCH):
            send_emails.delay(ids[start:start + EMAIL_BATCH])

    transaction.on_commit(enqueue)


def absolute_url(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/" + url.lstrip("/")


def send_email(notification_id: int) -> str:
    """Send one notification's e-mail if nobody else has; returns the resulting state."""
    claimed = Notification.objects.filter(pk=notification_id, email_status=Status.PENDING).update(
        email_status=Status.SENDING, email_attempts=F("email_attempts") + 1
    )
    if not claimed:
        return "not-pending"
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    address = email_addresses([notification.recipient_id]).get(notification.recipient_id, "")
    pref = preferences([notification.recipient_id]).get(notification.recipient_id)
    if not address or (pref is not None and not pref.email_enabled):
        Notification.objects.filter(pk=notification_id).update(email_status=Status.SKIPPED)
        return Status.SKIPPED
    text = notification.body
    link = absolute_url(notification.url)
    if link:
        text = f"{text}\n\n{link}" if text else link
    try:
        send_mail(notification.title, text, settings.DEFAULT_FROM_EMAIL, [address])
    except (smtplib.SMTPException, OSError) as exc:
        retry = notification.email_attempts < MAX_EMAIL_ATTEMPTS
        logger.warning("e-mail for notification %s failed (attempt %s): %s", notification_id,
                       notification.email_attempts, exc)
        Notification.objects.filter(pk=notification_id).update(
            email_status=Status.FAILED if not retry else Status.PENDING, email_error=str(exc)[:300]
        )
        return Status.FAILED if not retry else Status.PENDING
    Notification.objects.filter(pk=notification_id).update(
        email_status=Status.SENT, emailed_at=timezone.now(), email_error=""
    )
    return Status.SENT


def mark_read(user, ids=None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
