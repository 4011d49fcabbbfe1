"""The player page, the launch data of a SCO, the runtime's commits, and the package's files."""

import mimetypes
import posixpath

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from lms.org.scope import member_of

from . import access, cmi, services, tokens
from .models import ScormItem, ScormPackage

HTML_TYPES = {"text/html", "application/xhtml+xml"}
# A SCO's pages must reach window.parent.API on our origin, so they keep it (the frame's sandbox is the same);
# they may not navigate the top window, and anything else a package holds gets no scripting power at all.
SCO_PAGE_POLICY = ("default-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:; object-src 'none'; "
                   "frame-ancestors 'self'; form-action 'self'; "
                   "sandbox allow-scripts allow-same-origin allow-forms allow-popups")


def player_context(package: ScormPackage, request) -> dict:
    member = member_of(request.user)
    items = list(package.items.all())
    states = services.item_states(package, member)
    entries = [{"item": i, "state": states.get(i.pk, ""),
                "launch_url": reverse("scorm:launch", args=[i.pk]) if i.launch else ""} for i in items]
    scos = [e for e in entries if e["item"].is_sco]
    start = next((e for e in scos if e["state"] != "done"), scos[0] if scos else None)
    return {"package": package, "member": member, "entries": entries, "start": start,
            "multi": len([e for e in entries if e["launch_url"]]) > 1,
            "done": bool(scos) and all(e["state"] == "done" for e in scos)}


@login_required
@xframe_options_sameorigin
def player(request, package_id):
    package = access.get_open_or_404(request.user, ScormPackage.objects.all(), pk=package_id)
    return render(request, "scorm/player_page.html", {"package": package, "ctx": player_context(package, request)})


def _open_item(request, item_id) -> ScormItem:
    item = ScormItem.objects.select_related("package").filter(pk=item_id).exclude(launch="").first()
    if item is None or not access.open_to(request.user, ScormPackage.objects.filter(pk=item.package_id)).exists():
        raise Http404
    return item


def _refuse(message: str, status: int) -> JsonResponse:
    return JsonResponse({"result": "false", "errorCode": 101, "error": message}, status=status)


@never_cache
@require_GET
def launch(request, item_id):
    """What the player needs to start a SCO: its address, the commit URL and the data to resume from."""
    member = member_of(request.user)
    if member is None:
        return _refuse(_("Log in as a member to take this course."), 403)
    item = _open_item(request, item_id)
    package = item.package
    data = cmi.preload(services.saved_data(item, member), is_2004=package.is_2004, learner_id=member.employee_no,
                       learner_name=member.name, item=item)
    commit = reverse("scorm:commit", args=[item.pk]) + f"?t={tokens.commit_token(request, item.pk)}"
    file_part = item.launch.split("#", 1)[0].split("?", 1)[0]
    src = reverse("scorm:content", args=[package.pk, file_part]) + item.launch[len(file_part):]
    return JsonResponse({"item": item.pk, "title": item.title, "version": package.version, "src": src,
                         "commit_url": commit, "cmi": data})


@csrf_exempt  # the URL's own token stands in for the CSRF token (tokens.py)
@never_cache
@require_POST
def commit(request, item_id):
    """The runtime's commit: the whole data model of the member's SCO, flattened."""
    member = member_of(request.user)
    if member is None:
        return _refuse(_("Log in as a member to take this course."), 403)
    if not tokens.check(request, item_id, request.GET.get("t", "")):
        return _refuse(_("This data belongs to another session or member; reload the page."), 403)
    item = _open_item(request, item_id)
    try:
        data = cmi.parse_body(request.body)
        done = services.record_commit(item, member, data)
    except cmi.CMIError as exc:
        return _refuse(str(exc), 400)
    return JsonResponse({"result": "true", "errorCode": 0, "done": done.item_done,
                         "lesson_completed": done.lesson_completed})


@login_required
@xframe_options_sameorigin  # the player frames the package's own pages
def content(request, package_id, path):
    """A file of an unpacked package, served from our origin to those who may open its lesson."""
    package = access.get_open_or_404(request.user, ScormPackage.objects.all(), pk=package_id)
    clean = posixpath.normpath(path)
    if clean != path or clean.startswith(("/", "..")) or "\\" in path or "\x00" in path:
        raise Http404
    try:
        handle = default_storage.open(package.file_path(clean), "rb")
    except OSError as exc:  # missing, or a folder
        raise Http404 from exc
    content_type, _encoding = mimetypes.guess_type(clean)
    if clean.endswith(".js"):
        content_type = "text/javascript"
    elif clean.endswith(".json"):
        content_type = "application/json"
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SCO_PAGE_POLICY if content_type in HTML_TYPES else "sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
