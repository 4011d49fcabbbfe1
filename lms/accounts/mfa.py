"""Two-step login (OWASP ASVS V2.8) with django-otp: a TOTP authenticator app, plus single-use backup codes.

HR, superusers, staff and branch secretaries may enrol; with ``LMS_MFA_REQUIRED_FOR_PRIVILEGED`` HR and
superusers must. After the password, a user with a confirmed authenticator is sent to the code page
(middleware.MFAMiddleware) until django-otp marks the session verified (``request.user.is_verified()``).
Wrong codes are throttled by django-otp (exponential back-off per device), count toward the login lockout
(django-axes, through ``user_login_failed``) and are recorded as login events. API tokens are not affected.
"""

import io
import secrets
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lms.org.models import Role
from lms.org.scope import is_hr, member_of

from . import services
from .models import LoginEvent

Kind = LoginEvent.Kind

SESSION_MFA = "_lms_mfa"  # set at login: VERIFY, ENROL or "" (nothing asked)
VERIFY, ENROL = "verify", "enrol"
DEVICE_NAME = "authenticator"
PENDING_NAME = "authenticator (pending)"
BACKUP_NAME = "backup codes"
BACKUP_COUNT = 10
BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def eligible(user) -> bool:
    """Who may protect their login with an authenticator: privileged accounts."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff or is_hr(user):
        return True
    member = member_of(user)
    return bool(member and member.has_role(Role.BRANCH_SECRETARY))


def enrolment_required(user) -> bool:
    return bool(getattr(settings, "LMS_MFA_REQUIRED_FOR_PRIVILEGED", False)) and (
        getattr(user, "is_superuser", False) or is_hr(user))


def authenticator(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def backup_device(user) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).filter(name=BACKUP_NAME).first()


def state_for(user) -> str:
    """What the session must still do: VERIFY (enter a code), ENROL (set up an authenticator) or nothing."""
    if not getattr(user, "is_authenticated", False):
        return ""
    if authenticator(user) is not None:
        return VERIFY
    if enrolment_required(user):
        return ENROL
    return ""


def has_second_factor(user) -> bool:
    """Whether the user's login has a second step (an authenticator, or one that must be set up first): then a
    password alone does not create an API token (api_tokens.py)."""
    return bool(state_for(user))


def session_state(request) -> str:
    """The cached state (sessions from before this check get it now)."""
    session = request.session
    state = session.get(SESSION_MFA)
    if state is None:
        state = session[SESSION_MFA] = state_for(request.user)
    return state


def refresh_state(request) -> str:
    state = request.session[SESSION_MFA] = state_for(request.user)
    return state


def is_verified(request) -> bool:
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


# --- Enrolment -------------------------------------------------------------------------------------------------

def pending_device(user, create: bool = False) -> TOTPDevice | None:
    """The unconfirmed authenticator being set up (one at a time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None and create:
        device = TOTPDevice.objects.create(user=user, name=PENDING_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key in Base32 as authenticator apps take it when typed, in groups of four."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> bytes:
    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(out, kind="svg", scale=5, border=2, xmldecl=False)
    return out.getvalue()


def issuer() -> str:
    return str(getattr(settings, "OTP_TOTP_ISSUER", "") or settings.WAGTAIL_SITE_NAME)


def clean_code(value: str) -> str:
    return "".join((value or "").split()).replace("-", "").lower()


@transaction.atomic
def confirm_enrolment(request, device: TOTPDevice, code: str) -> list[str] | None:
    """A right code from the new authenticator confirms it, replaces any earlier one, issues new backup codes
    and verifies the session. Returns the backup codes, or None for a wrong code."""
    if not device.verify_token(clean_code(code)):  # throttled by django-otp; a typo here is no attack on a login
        services.record_event(Kind.MFA_FAILED, user=request.user, request=request, detail="enrolment")
        return None
    user = request.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.name, device.confirmed = DEVICE_NAME, True
    device.save(update_fields=["name", "confirmed"])
    codes = new_backup_codes(user)
    otp_login(request, device)
    request.session.cycle_key()
    request.session[SESSION_MFA] = VERIFY
    services.record_event(Kind.MFA_ENROLLED, user=user, request=request)
    return codes


def new_backup_codes(user) -> list[str]:
    """Ten fresh single-use codes (the earlier ones stop working). Shown once; stored as django-otp keeps them."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = ["".join(secrets.choice(BACKUP_ALPHABET) for _i in range(10)) for _j in range(BACKUP_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return [f"{c[:5]}-{c[5:]}" for c in codes]


@transaction.atomic
def disable(request) -> None:
    user = request.user
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    refresh_state(request)
    services.record_event(Kind.MFA_DISABLED, user=user, request=request)


# --- Verification ----------------------------------------------------------------------------------------------

class Throttled(Exception):
    """django-otp refuses to check codes for a while after wrong ones."""


def check_code(user, code: str):
    """The device that accepts ``code`` (six digits: the authenticator; otherwise a backup code), or None.
    Raises Throttled while the device is in its back-off time."""
    code = clean_code(code)
    if not code:
        return None
    device = authenticator(user) if code.isdigit() and len(code) <= 8 else backup_device(user)
    if device is None:
        return None
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        raise Throttled
    return verify_token(user, device.persistent_id, code)


def verify(request, code: str) -> bool:
    """The second step: a right code marks the session verified (and gives it a new key)."""
    device = check_code(request.user, code)
    if device is None:
        record_failure(request)
        return False
    otp_login(request, device)
    request.session.cycle_key()
    detail = "backup code" if isinstance(device, StaticDevice) else ""
    services.record_event(Kind.MFA_VERIFIED, user=request.user, request=request, detail=detail)
    return True


def record_failure(request, detail: str = "") -> None:
    """A wrong code counts like a wrong password: django-axes counts it toward the lockout (and may set
    ``request.axes_locked_out``), handlers.on_login_failed records an MFA_FAILED event."""
    user = request.user
    credentials = {"username": user.get_username(), "mfa": detail or "code"}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)


def locked_out(request) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.is_locked(request, {"username": request.user.get_username()})
