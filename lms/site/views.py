from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _api_error(request, status: int, message: str, code: str):
    """Errors raised outside DRF views (no route matched, a crash in middleware) in the API's error shape."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": message, "status": status, "code": code}, status=status)
    return None


def bad_request(request, exception=None):
    return _api_error(request, 400, _("Bad request."), "bad_request") or defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    return (_api_error(request, 403, _("You do not have permission to perform this action."), "permission_denied")
            or defaults.permission_denied(request, exception))


def page_not_found(request, exception=None):
    return _api_error(request, 404, _("Not found."), "not_found") or defaults.page_not_found(request, exception)


def server_error(request):
    return _api_error(request, 500, _("Server error."), "server_error") or defaults.server_error(request)


def csrf_failure(request, reason=""):
    from django.views.csrf import csrf_failure as default

    return (_api_error(request, 403, _("The request was refused: log in again or send your API token."),
                       "csrf_failed") or default(request, reason))


def me_page(request):
    """「我的」: account, notifications, language (placeholder; being built)."""
    from django.shortcuts import redirect

    return redirect("progress:my-learning")
