"""Talk pages and the media endpoints the player uses.

Media, captions and posters are served through views (not /media/) so the
visibility rules apply to the bytes too. Media supports HTTP Range requests:
browsers need them to seek in a video.
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_GET, require_http_methods

from .captions import build_vtt
from .models import Category, Talk
from .visibility import visible_talks

CHUNK = 256 * 1024
_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
_TIME_RE = re.compile(r"^(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d+)?)s?$")


def parse_start(value: str | None) -> float:
    """``?t=`` as seconds: "95", "95.5", "95s", "1:35" or "0:01:35"; 0 for anything else."""
    if not value:
        return 0.0
    match = _TIME_RE.match(value.strip())
    if not match:
        return 0.0
    a, b, c = match.groups()
    parts = [float(x) for x in (a, b, c) if x is not None]
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return max(seconds, 0.0)


def _visible_talk(request, pk: int) -> Talk:
    return get_object_or_404(visible_talks(request.user), pk=pk)


@login_required
def talk_list(request):
    talks = visible_talks(request.user).filter(status=Talk.Status.READY).select_related("category")
    category = request.GET.get("category", "")
    if category:
        talks = talks.filter(category__slug=category)
    page = Paginator(talks, 24).get_page(request.GET.get("page"))
    return render(request, "content_library/talk_list.html", {
        "page": page, "categories": Category.objects.all(), "category": category,
    })


@login_required
def talk_detail(request, pk: int):
    talk = _visible_talk(request, pk)
    return render(request, "content_library/talk_detail.html", {
        "talk": talk, "start": parse_start(request.GET.get("t")),
    })


@require_GET
def talk_progress(request):
    """Status of talks for polling pages: ``?ids=1,2,3`` → {"talks": [{id, status, progress, error, notice}]}."""
    ids = [int(x) for x in request.GET.get("ids", "").split(",") if x.strip().isdigit()][:200]
    rows = visible_talks(request.user).filter(pk__in=ids).values("id", "status", "progress", "error", "notice")
    labels = dict(Talk.Status.choices)
    talks = [{**row, "status_label": str(labels.get(row["status"], row["status"]))} for row in rows]
    return JsonResponse({"talks": talks})


def serve_ranged(request, field_file, content_type: str) -> HttpResponse:
    """Stream a stored file, honouring a single ``Range: bytes=…`` request (206/416)."""
    storage, name = field_file.storage, field_file.name
    try:
        size = storage.size(name)
        modified = storage.get_modified_time(name)
    except (FileNotFoundError, NotImplementedError, OSError):
        raise Http404("media file missing")
    etag = quote_etag(f"{size:x}-{int(modified.timestamp()):x}")
    last_modified = http_date(modified.timestamp())
    start, end, status = 0, size - 1, 200

    header = request.headers.get("Range", "").strip()
    if_range = request.headers.get("If-Range", "").strip()
    if header and (not if_range or if_range in (etag, last_modified)):
        match = _RANGE_RE.match(header)
        if match and match.group(1) + match.group(2):
            first, last = match.groups()
            if first == "":
                length = int(last)
                start = max(size - length, 0) if length else size
            else:
                start = int(first)
                end = min(int(last), size - 1) if last else size - 1
            if start >= size or start > end:
                response = HttpResponse(status=416)
                response["Content-Range"] = f"bytes */{size}"
                response["Accept-Ranges"] = "bytes"
                return response
            status = 206
        # Multi-range or malformed headers are ignored (RFC 9110 allows sending the whole file).

    length = end - start + 1
    if request.method == "HEAD":
        response = HttpResponse(status=status, content_type=content_type)
    else:
        fh = storage.open(name, "rb")
        fh.seek(start)

        def chunks():
            remaining = length
            try:
                while remaining > 0:
                    data = fh.read(min(CHUNK, remaining))
                    if not data:
                        break
                    remaining -= len(data)
                    yield data
            finally:
                fh.close()

        response = StreamingHttpResponse(chunks(), status=status, content_type=content_type)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = last_modified
    response["Cache-Control"] = "private, max-age=3600"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response


# The pipeline sets these only after the current source file passed media probing.
PROBED_STATUSES = (Talk.Status.EXTRACTING, Talk.Status.TRANSCRIBING, Talk.Status.INDEXING, Talk.Status.READY)


def media_passed_probing(talk: Talk) -> bool:
    """Whether the stored source file is known to be audio/video: a later processing status, or a probe
    result recorded for this very file (a re-transcription in progress, a failure after probing).

    A talk whose file failed probing (or was never probed) is not served: for an import by URL the file is
    whatever the address returned, which need not be media at all."""
    if not talk.source_file:
        return False
    if talk.status in PROBED_STATUSES:
        return True
    return (talk.media_info or {}).get("source_file") == talk.source_file.name


@require_http_methods(["GET", "HEAD"])
def talk_media(request, pk: int):
    talk = _visible_talk(request, pk)
    if not media_passed_probing(talk):
        raise Http404("no media")
    return serve_ranged(request, talk.source_file, talk.media_content_type)


@require_http_methods(["GET", "HEAD"])
def talk_poster(request, pk: int):
    talk = _visible_talk(request, pk)
    if not talk.poster:
        raise Http404("no poster")
    return serve_ranged(request, talk.poster, "image/jpeg")


@require_GET
def talk_captions(request, pk: int):
    talk = _visible_talk(request, pk)
    body = None
    if talk.captions:
        try:
            with talk.captions.storage.open(talk.captions.name, "rb") as fh:
                body = fh.read()
        except (FileNotFoundError, OSError):
            body = None
    if body is None:
        body = build_vtt(talk.segments.all()).encode()
    response = HttpResponse(body, content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    return response
