"""Session idle timeout, the second login step and the forced password change. They sit after
AuthenticationMiddleware and MessageMiddleware (MFAMiddleware also after django-otp's OTPMiddleware); they read
flags cached in the session at login (handlers.py), so they cost no query."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import services

# Record activity at most this often (each record is a session write).
ACTIVITY_WRITE_SECONDS = 60


# The installable app's shell holds nothing personal; a redirect there would stop the browser installing or
# updating the service worker for members who still owe a password change or a second factor.
APP_SHELL = ("/sw.js", "/manifest.webmanifest", "/offline/")


def _is_asset(path: str) -> bool:
    return path in APP_SHELL or any(prefix and path.startswith(prefix)
                                    for prefix in (settings.STATIC_URL, settings.MEDIA_URL))


class SessionIdleTimeoutMiddleware:
    """Logs a user out after LMS_SESSION_IDLE_MINUTES (staff, HR, superusers) or LMS_MEMBER_SESSION_IDLE_MINUTES
    (members) without a request; the request then goes on as anonymous (a login page for protected pages)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is not None and user is not None and user.is_authenticated and not _is_asset(request.path):
            self._check(request, user, session)
        return self.get_response(request)

    def _check(self, request, user, session) -> None:
        now = time.time()
        limit = session.get(services.SESSION_IDLE_LIMIT)
        if limit is None:
            limit = session[services.SESSION_IDLE_LIMIT] = services.idle_limit_minutes(user)
        last = session.get(services.SESSION_LAST_ACTIVITY)
        if last is not None and now - last > limit * 60:
            request._lms_idle_logout = True
            logout(request)
            messages.info(request, _("You were logged out after %(minutes)d minutes without activity.")
                          % {"minutes": limit})
        elif last is None or now - last >= ACTIVITY_WRITE_SECONDS:
            session[services.SESSION_LAST_ACTIVITY] = now


class PasswordChangeRequiredMiddleware:
    """Until a flagged user chooses a new password, pages redirect to the change page and the API answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._required(request) and not self._exempt(request.path):
            if request.path.startswith("/api/"):
                return JsonResponse({"error": _("You must change your password before you continue."),
                                     "status": 403, "code": "password_change_required"}, status=403)
            return redirect(reverse("accounts:password_change"))
        return self.get_response(request)

    @staticmethod
    def _required(request) -> bool:
        user = getattr(request, "user", None)
        if user is None:
            return False
        if user.is_authenticated:
            session = getattr(request, "session", None)
            if session is None:
                return services.password_change_required(user)
            flag = session.get(services.SESSION_MUST_CHANGE)
            if flag is None:  # a session from before this check existed
                flag = session[services.SESSION_MUST_CHANGE] = services.password_change_required(user)
            return flag
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if request.path.startswith("/api/") and header.startswith("Token "):
            return services.token_requires_password_change(header[6:].strip())
        return False

    @staticmethod
    def _exempt(path: str) -> bool:
        if _is_asset(path):
            return True
        allowed = (
            reverse("accounts:password_change"), reverse("accounts:password_change_done"), reverse("logout"),
            reverse("wagtailadmin_logout"), "/i18n/", reverse("accounts:password_reset"),
            "/accounts/activate/", "/accounts/mfa/",
        )
        return path == "/healthz" or any(path.startswith(p) for p in allowed)


class MFAMiddleware:
    """After the password, a user with a confirmed authenticator is sent to the code page until the session is
    verified; with LMS_MFA_REQUIRED_FOR_PRIVILEGED, HR and superusers without one are sent to set one up. Covers
    every login (site, Wagtail admin, Django admin), since it looks at the session and not at the login form.
    Session-authenticated API calls get 403 meanwhile; API tokens authenticate in the view and are not affected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and getattr(request, "session", None) is not None
                and not _is_asset(request.path)):
            response = self._check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request):
        from . import mfa

        state = mfa.session_state(request)
        if state == mfa.VERIFY and not mfa.is_verified(request):
            if self._exempt(request.path, enrolment=False):
                return None
            return self._refuse(request, "accounts:mfa-verify", "mfa_required",
                                _("Enter the code from your authenticator app to continue."))
        if state == mfa.ENROL:
            if self._exempt(request.path, enrolment=True):
                return None
            return self._refuse(request, "accounts:mfa", "mfa_enrolment_required",
                                _("Set up two-step verification before you continue."))
        return None

    @staticmethod
    def _refuse(request, url_name: str, code: str, message: str):
        if request.path.startswith("/api/"):
            return JsonResponse({"error": message, "status": 403, "code": code}, status=403)
        target = reverse(url_name)
        if request.method == "GET" and request.path != "/":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)

    @staticmethod
    def _exempt(path: str, enrolment: bool) -> bool:
        allowed = [reverse("accounts:mfa-verify"), reverse("logout"), reverse("wagtailadmin_logout"), "/i18n/",
                   "/jsi18n/"]
        if enrolment:  # setting up may wait until a forced password change is done
            allowed += [reverse("accounts:mfa"), reverse("accounts:password_change"),
                        reverse("accounts:password_change_done")]
        return path == "/healthz" or path in APP_SHELL or any(path.startswith(p) for p in allowed)
