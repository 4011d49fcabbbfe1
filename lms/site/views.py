import logging
import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults

from lms.org.models import Role
from lms.org.scope import is_hr, member_of

logger = logging.getLogger(__name__)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _api_error(request, status: int, message: str, code: str):
    """Errors raised outside DRF views (no route matched, a crash in middleware) in the API's error shape."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": message, "status": status, "code": code}, status=status)
    return None


# --- Error pages --------------------------------------------------------------------------------------------------
# 400, 403, 404 and the CSRF failure in the site's layout and language (templates/4xx.html extend base.html); 500 is
# a page of its own (templates/500.html) that needs neither the database nor a context processor. Paths under
# /api/ keep the API's error shape. Django uses these only with DEBUG off (config.urls: handler400…500).

# get_object_or_404's message names a model in English: not for members.
_LOOKUP_MESSAGE = re.compile(r"^No .+ matches the given query\.$")


def _reason(exception) -> str:
    """The message a view raised for people to read (``Http404(_("…"))``, ``PermissionDenied(_("…"))``); never
    the resolver's record of the URL patterns it tried (a dict) nor Django's English lookup messages."""
    args = getattr(exception, "args", ()) if exception is not None else ()
    message = args[0] if args else ""
    if isinstance(message, Promise):
        message = str(message)
    if not isinstance(message, str) or len(message) > 300 or _LOOKUP_MESSAGE.match(message):
        return ""
    return message


def _back_url(request) -> str:
    """Where the visitor came from on this site (not this very page), for a “back” link; empty otherwise."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return ""
    try:
        host = request.get_host()
    except DisallowedHost:  # the 400 of a request for a host this site does not serve
        return ""
    if not url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=request.is_secure()):
        return ""
    if referer == request.build_absolute_uri():
        return ""
    return referer


def _error_page(request, template: str, status: int, exception=None, **context):
    request.resolver_match = None  # no tab is current on an error page (Wagtail's catch-all matched /nope/)
    try:
        return render(request, template, {"reason": _reason(exception), "back_url": _back_url(request), **context},
                      status=status)
    except Exception:  # an error page must not fail: Django's plain page instead, and the cause in the log
        logger.exception("the %s page could not be rendered", status)
        return None


def bad_request(request, exception=None):
    return (_api_error(request, 400, _("Bad request."), "bad_request")
            or _error_page(request, "400.html", 400)
            or defaults.bad_request(request, exception))


def permission_denied(request, exception=None):
    return (_api_error(request, 403, _("You do not have permission to perform this action."), "permission_denied")
            or _error_page(request, "403.html", 403, exception)
            or defaults.permission_denied(request, exception))


def page_not_found(request, exception=None):
    return (_api_error(request, 404, _("Not found."), "not_found")
            or _error_page(request, "404.html", 404, exception)
            or defaults.page_not_found(request, exception))


def server_error(request):
    # templates/500.html: self-contained (no base.html, no context processors, no database).
    return _api_error(request, 500, _("Server error."), "server_error") or defaults.server_error(request)


def csrf_failure(request, reason=""):
    from django.views.csrf import csrf_failure as default

    return (_api_error(request, 403, _("The request was refused: log in again or send your API token."),
                       "csrf_failed")
            or _error_page(request, "403_csrf.html", 403, no_cookie=reason == REASON_NO_CSRF_COOKIE)
            or default(request, reason))


# --- 我的 ---------------------------------------------------------------------------------------------------------

def _mfa_eligible(user, member) -> bool:
    """Who may set up two-step verification. The rule is lms.accounts.mfa.eligible, which is not on the accounts
    app's public surface: keep the two in step (or move it to lms.accounts.services)."""
    return bool(user.is_superuser or user.is_staff or is_hr(user)
                or (member is not None and member.has_role(Role.BRANCH_SECRETARY)))


@login_required
def me_page(request):
    """「我的」: who the member is, their own pages, notifications, account and security, language, log out. On
    phones it is where the header's tools live; it works for an account without a member record too."""
    user = request.user
    member = member_of(user)
    roles, post = [], ""
    if member is not None:
        english = (get_language() or "").startswith("en")
        roles = [(role.name_en or role.name) if english else role.name
                 for role in Role.objects.filter(member_roles__member=member).order_by("id")]
        if member.post_id:
            post = (member.post.name_en or member.post.name) if english else member.post.name
    return render(request, "site/me.html", {
        "member": member,
        "display_name": member.name if member is not None else (user.get_full_name() or user.get_username()),
        "org_unit": member.org_unit.full_name if member is not None else "",
        "roles": roles,
        "post": post,
        "mfa": _mfa_eligible(user, member),
        "admin": user.has_perm("wagtailadmin.access_admin"),
    })
