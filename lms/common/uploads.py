"""Upload size caps per kind of file, enforced before anything is read or stored.

The middleware refuses a request whose declared body is larger than the cap of the place it is sent to (413,
in the API's error shape under /api/), before Django reads a byte of it into a temporary file; forms and
serializers check each file against the same caps and answer with a field error.
Caps are in MB, from the environment (LMS_UPLOAD_MAX_MB_<KIND>)."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

# Where each kind is uploaded: the first matching path prefix decides.
KIND_BY_PATH = [
    ("/api/v1/talks/", "talk"),
    ("/admin/talks/", "talk"),
    ("/api/v1/h5p/", "h5p"),
    ("/admin/snippets/scorm/", "h5p"),  # SCORM packages: interactive packages, the same cap
    ("/admin/import/", "import"),
    ("/admin/images/", "image"),
    ("/admin/documents/", "document"),
    ("/announcements/", "document"),
]
DEFAULT_KIND = "other"


def cap_bytes(kind: str) -> int:
    caps = settings.LMS_UPLOAD_MAX_MB
    return int(caps.get(kind, caps[DEFAULT_KIND]) * 1024 * 1024)


def too_large(kind: str) -> str:
    return _("The file is larger than the %(mb)d MB allowed here.") % {"mb": cap_bytes(kind) // (1024 * 1024)}


def kind_of(path: str) -> str:
    return next((kind for prefix, kind in KIND_BY_PATH if path.startswith(prefix)), DEFAULT_KIND)


def is_too_large(upload, kind: str) -> bool:
    return upload is not None and getattr(upload, "size", 0) > cap_bytes(kind)


class UploadSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        kind = kind_of(request.path)
        if declared > cap_bytes(kind):
            message = too_large(kind)
            if request.path.startswith("/api/"):
                return JsonResponse({"error": message, "status": 413, "code": "too_large"}, status=413)
            back = _("Back")
            return HttpResponse(f"<!doctype html><meta charset=utf-8><title>413</title><p>{escape(message)}</p>"
                                f"<p><a href=\"javascript:history.back()\">{escape(back)}</a></p>", status=413)
        return self.get_response(request)
