"""The accounts app's public surface: forced password changes, activation links, lockouts, login events."""

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from lms.org.models import Member, OrgUnit, Role
from lms.org.scope import is_hr, managed_units, units_q, visible_members

from .models import AccountState, ApiToken, LoginEvent
from .tasks import send_mails
from .token_auth import create_token, revoke_all, token_for_key  # noqa: F401  create_token, revoke_all: public
from .tokens import activation_token

Kind = LoginEvent.Kind

# Session keys (set at login by handlers.py, read by middleware.py).
SESSION_MUST_CHANGE = "_lms_must_change_password"
SESSION_IDLE_LIMIT = "_lms_idle_minutes"
SESSION_LAST_ACTIVITY = "_lms_last_activity"


# --- Login events ----------------------------------------------------------------------------------------------

def client_ip(request) -> str | None:
    """The client address as the lockout sees it (AXES_IPWARE_* settings for proxies)."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def record_event(kind: str, *, user=None, username: str = "", request=None, actor=None,
                 detail: str = "") -> LoginEvent:
    event = build_event(kind, user=user, username=username, request=request, actor=actor, detail=detail)
    event.save()
    return event


def build_event(kind: str, *, user=None, username: str = "", request=None, actor=None,
                detail: str = "") -> LoginEvent:
    if user is not None and not username:
        username = user.get_username()
    meta = getattr(request, "META", {}) if request is not None else {}
    return LoginEvent(
        kind=kind, user=user, username=(username or "")[:150], ip_address=client_ip(request),
        user_agent=str(meta.get("HTTP_USER_AGENT", ""))[:300],
        path=str(getattr(request, "path", "") or "")[:200],
        actor=actor if getattr(actor, "is_authenticated", False) else None, detail=detail[:300],
    )


def visible_events(user) -> QuerySet[LoginEvent]:
    """Superusers see every event; HR the events of the members they oversee."""
    if getattr(user, "is_superuser", False):
        return LoginEvent.objects.all()
    if not is_hr(user):
        return LoginEvent.objects.none()
    return LoginEvent.objects.filter(user__member__in=visible_members(user))


# --- Forced password change ------------------------------------------------------------------------------------

def password_change_required(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return AccountState.objects.filter(user_id=user.pk, must_change_password=True).exists()


def token_requires_password_change(key: str) -> bool:
    """For API calls with ``Authorization: Token …`` (no session)."""
    flagged = ApiToken.objects.filter(user__account_state__must_change_password=True)
    return token_for_key(key, flagged) is not None


def require_password_change(user) -> None:
    """The user must choose a new password at their next login (imported accounts, HR resets)."""
    if not AccountState.objects.filter(user=user).update(must_change_password=True):
        AccountState.objects.create(user=user, must_change_password=True)


def password_was_set(user, request=None, kind: str = Kind.PASSWORD_CHANGED) -> None:
    """The user chose their own password: lift the forced change and record it."""
    AccountState.objects.update_or_create(
        user=user, defaults={"must_change_password": False, "password_changed_at": timezone.now()})
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_MUST_CHANGE] = False
    record_event(kind, user=user, request=request)


# --- Session idle timeout --------------------------------------------------------------------------------------

def is_staff_like(user) -> bool:
    """Staff, superusers, HR and everyone who may use the Wagtail admin (trainers, branch secretaries)."""
    return bool(user.is_staff or user.is_superuser or is_hr(user) or user.has_perm("wagtailadmin.access_admin"))


def idle_limit_minutes(user) -> int:
    if is_staff_like(user):
        return int(settings.LMS_SESSION_IDLE_MINUTES)
    return int(settings.LMS_MEMBER_SESSION_IDLE_MINUTES)


def start_session(request, user) -> None:
    """Called at login: cache the flags the middleware reads on every request."""
    session = getattr(request, "session", None)
    if session is None:
        return
    session[SESSION_MUST_CHANGE] = password_change_required(user)
    session[SESSION_IDLE_LIMIT] = idle_limit_minutes(user)
    session[SESSION_LAST_ACTIVITY] = time.time()


# --- Links ------------------------------------------------------------------------------------------------------

def absolute_url(path: str, request=None) -> str:
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def activation_path(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:activate", kwargs={"uidb64": uid, "token": activation_token.make_token(user)})


# --- Activation links for imported members ----------------------------------------------------------------------

def find_unit(path: str) -> OrgUnit | None:
    """The unit named by ``A/B/C`` (names, as in imports), or None."""
    names = [p.strip() for p in path.replace("／", "/").split("/") if p.strip()]
    if not names:
        return None
    node = OrgUnit.get_root_nodes().filter(name=names[0]).first()
    for name in names[1:]:
        if node is None:
            return None
        node = node.get_children().filter(name=name).first()
    return node


def may_manage_account(actor, user) -> bool:
    """HR manage the accounts of members they oversee, but not of other HR, staff or superusers: only a
    superuser acts on privileged accounts (no one hands themselves a colleague's or an admin's account)."""
    if actor is None:
        return True  # the command line
    if getattr(actor, "is_superuser", False):
        return True
    if not is_hr(actor) or user.pk == actor.pk or user.is_superuser or user.is_staff:
        return False
    member = getattr(user, "member", None)
    if member is None or member.has_role(Role.HR):
        return False
    return visible_members(actor).filter(pk=member.pk).exists()


def activation_candidates(actor=None, unit: OrgUnit | None = None) -> QuerySet[Member]:
    """Active members who never set a password, in the actor's scope (all of them for the command line)."""
    never_set = Q(user__password__startswith=UNUSABLE_PASSWORD_PREFIX) | Q(user__password="")
    qs = Member.objects.filter(never_set, is_active=True, user__is_active=True).exclude(user__is_superuser=True)
    if actor is not None and not getattr(actor, "is_superuser", False):
        qs = qs.filter(units_q(managed_units(actor))).exclude(
            Q(member_roles__role__code=Role.HR) | Q(user__is_staff=True))
    if unit is not None:
        qs = qs.filter(unit.subtree_q("org_unit__"))
    return qs.select_related("user", "org_unit").order_by("org_unit__path", "employee_no").distinct()


@dataclass
class IssuedLink:
    member: Member
    url: str
    emailed: bool = False


def activation_expiry():
    return timezone.localtime() + timezone.timedelta(days=int(settings.LMS_ACTIVATION_DAYS))


def issue_activation_links(members, *, actor=None, request=None, send_email: bool = False,
                           deliver_now: bool = False) -> list[IssuedLink]:
    """A fresh link per member; with ``send_email`` the members who have an address are mailed theirs (by the
    worker, or here and now with ``deliver_now``)."""
    issued, mails, events = [], [], []
    expires = activation_expiry()
    for member in members:
        link = IssuedLink(member, absolute_url(activation_path(member.user), request))
        address = member.email or member.user.email
        if send_email and address:
            context = {"member": member, "url": link.url, "expires": expires,
                       "site_name": settings.WAGTAIL_SITE_NAME, "days": settings.LMS_ACTIVATION_DAYS}
            subject = render_to_string("accounts/email/activation_subject.txt", context).strip()
            body = render_to_string("accounts/email/activation.txt", context)
            mails.append({"subject": " ".join(subject.split()), "body": body, "to": address})
            link.emailed = True
        issued.append(link)
        events.append(build_event(Kind.ACTIVATION_ISSUED, user=member.user, request=request, actor=actor,
                                  detail="e-mail" if link.emailed else "list"))
    LoginEvent.objects.bulk_create(events, batch_size=500)
    if mails and deliver_now:
        send_mails(mails)
    elif mails:
        send_mails.delay(mails)
    return issued


# --- HR actions --------------------------------------------------------------------------------------------------

def unlock(*, username: str | None = None, ip_address: str | None = None, actor=None, request=None,
           quiet: bool = False) -> int:
    """Forget failed logins of an account or a client address (django-axes), and record who did it
    (``quiet``: only when there was something to forget)."""
    from axes.utils import reset

    if not (username or ip_address):
        return 0
    count = reset(username=username) if username else reset(ip=ip_address)
    if quiet and not count:
        return 0
    user = get_user_model().objects.filter(username=username).first() if username else None
    record_event(Kind.UNLOCKED, user=user, username=username or "", request=request, actor=actor,
                 detail=ip_address or "")
    return count


TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password(length: int = 12) -> str:
    while True:
        value = "".join(secrets.choice(TEMP_ALPHABET) for _i in range(length))
        if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
            return value


@transaction.atomic
def reset_password_by_hr(user, *, actor, request=None) -> str:
    """A temporary password for HR to hand over; the user must replace it at the next login. Signs the user
    out everywhere (the session hash changes) and lifts any lockout of the account."""
    password = temporary_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    require_password_change(user)
    from axes.utils import reset

    reset(username=user.get_username())
    record_event(Kind.HR_RESET, user=user, request=request, actor=actor)
    return password
