"""Signal receivers: login events into the log, session flags at login. Connected in AccountsConfig.ready()."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from lms.org import signals as org_signals

from . import services
from .models import LoginEvent

Kind = LoginEvent.Kind
DIRECTORY_BACKEND = "lms.accounts.directory.DirectoryBackend"


def on_logged_in(sender, request, user, **kwargs):
    detail = "directory" if getattr(user, "backend", "") == DIRECTORY_BACKEND else ""
    services.record_event(Kind.LOGIN, user=user, request=request, detail=detail)
    if request is not None:
        services.start_session(request, user)
        if getattr(request, "session", None) is not None:
            from . import mfa

            request.session[mfa.SESSION_MFA] = mfa.state_for(user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get(get_user_model().USERNAME_FIELD) or "")[:150]
    user = get_user_model().objects.filter(username=username).first() if username else None
    second_step = (credentials or {}).get("mfa")  # a wrong code at the second step (mfa.record_failure)
    services.record_event(Kind.MFA_FAILED if second_step else Kind.FAILED, user=user, username=username,
                          request=request, detail=str(second_step or ""))


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
    org_signals.account_created_by_import.connect(on_account_created_by_import, dispatch_uid="accounts-imported")
    from . import token_auth

    token_auth.connect()  # a password change revokes the user's API tokens


def on_account_created_by_import(sender, user, **kwargs):
    services.require_password_change(user)
