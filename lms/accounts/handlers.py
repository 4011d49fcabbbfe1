"""Signal receivers: login events into the log, session flags at login. Connected in AccountsConfig.ready()."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from . import services
from .models import LoginEvent

Kind = LoginEvent.Kind


def on_logged_in(sender, request, user, **kwargs):
    services.record_event(Kind.LOGIN, user=user, request=request)
    if request is not None:
        services.start_session(request, user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get(get_user_model().USERNAME_FIELD) or "")[:150]
    user = get_user_model().objects.filter(username=username).first() if username else None
    services.record_event(Kind.FAILED, user=user, username=username, request=request)


def on_logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    kind = Kind.IDLE_LOGOUT if getattr(request, "_lms_idle_logout", False) else Kind.LOGOUT
    services.record_event(kind, user=user, request=request)


def on_locked_out(sender, request, username, ip_address, **kwargs):
    user = get_user_model().objects.filter(username=username).first() if username else None
    services.record_event(Kind.LOCKED, user=user, username=username or "", request=request)


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="accounts-logged-in")
    user_login_failed.connect(on_login_failed, dispatch_uid="accounts-login-failed")
    user_logged_out.connect(on_logged_out, dispatch_uid="accounts-logged-out")
    user_locked_out.connect(on_locked_out, dispatch_uid="accounts-locked-out")
