"""Rotating sign-in codes: the organizer's screen shows a QR code whose token changes every few seconds, and a
short numeric code for those who cannot scan. Both are HMACs of the activity's secret and the time step, so
nothing is stored per code and a token of one activity never opens another."""

from __future__ import annotations

import datetime
import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.utils import timezone

from .models import Activity

OPENS_BEFORE = datetime.timedelta(minutes=30)
LATE_AFTER = datetime.timedelta(minutes=10)
CODE_STEPS = 4  # the numeric code changes every 4 QR steps (a minute by default): people type it by hand
PASS_SECONDS = 120  # after a valid scan the member has two minutes to confirm
PASS_SALT = "activities.signin-pass"


class TokenError(ValueError):
    """expired | forged"""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def window(activity: Activity) -> tuple[datetime.datetime, datetime.datetime]:
    return activity.starts_at - OPENS_BEFORE, activity.ends_at


def _step(activity: Activity, now: datetime.datetime) -> int:
    return int(now.timestamp()) // max(activity.signin_rotate_seconds, 1)


def _mac(activity: Activity, message: str) -> str:
    key = f"{settings.SECRET_KEY}:{activity.signin_secret}".encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def token_for(activity: Activity, now: datetime.datetime | None = None) -> str:
    step = _step(activity, now or timezone.now())
    return f"{activity.pk}.{step}.{_mac(activity, f'qr:{activity.pk}:{step}')[:20]}"


def code_for(activity: Activity, now: datetime.datetime | None = None) -> str:
    step = _step(activity, now or timezone.now()) // CODE_STEPS
    return f"{int(_mac(activity, f'code:{activity.pk}:{step}')[:12], 16) % 1_000_000:06d}"


def seconds_left(activity: Activity, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    rotate = max(activity.signin_rotate_seconds, 1)
    return rotate - int(now.timestamp()) % rotate


def check_token(activity: Activity, token: str, now: datetime.datetime | None = None) -> None:
    """Accept the current token and the one just before it (a scan at the moment the code changes). Raises
    TokenError("forged") for a token not made for this activity, TokenError("expired") for an old one."""
    now = now or timezone.now()
    try:
        activity_id, step_text, mac = (token or "").split(".")
        step = int(step_text)
    except ValueError:
        raise TokenError("forged") from None
    if activity_id != str(activity.pk) or not hmac.compare_digest(
            mac, _mac(activity, f"qr:{activity.pk}:{step}")[:20]):
        raise TokenError("forged")
    current = _step(activity, now)
    if step > current or step < current - 1:
        raise TokenError("expired")


def check_code(activity: Activity, code: str, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    code = "".join(ch for ch in (code or "") if not ch.isspace())
    if not (code.isdigit() and len(code) == 6):
        raise TokenError("forged")
    current = _step(activity, now) // CODE_STEPS
    for step in (current, current - 1):
        expected = f"{int(_mac(activity, f'code:{activity.pk}:{step}')[:12], 16) % 1_000_000:06d}"
        if hmac.compare_digest(code, expected):
            return
    raise TokenError("expired")


def issue_pass(activity: Activity, member_id: int) -> str:
    """After a valid scan: a pass bound to this member and activity, so the confirmation can take a moment."""
    return signing.dumps({"a": activity.pk, "m": member_id}, salt=PASS_SALT, compress=True)


def check_pass(activity: Activity, member_id: int, value: str) -> None:
    try:
        data = signing.loads(value or "", salt=PASS_SALT, max_age=PASS_SECONDS)
    except signing.SignatureExpired:
        raise TokenError("expired") from None
    except signing.BadSignature:
        raise TokenError("forged") from None
    if data.get("a") != activity.pk or data.get("m") != member_id:
        raise TokenError("forged")
