"""One request shape for every LRS resource, whatever syntax it arrived in.

xAPI 1.0.3 allows the "alternate request syntax" (a form POST with ``?method=`` that carries headers and
content in the form) for browsers that cannot send custom headers; 2.0.0 dropped it. Both arrive here as an
``XapiRequest``, so resources only handle method, params, headers and body. HEAD is answered like GET without a
body. Errors raised as ``XapiError`` become their status with a JSON message.
"""

from __future__ import annotations

import functools
import json
import logging
import math
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from . import conf, versions
from .auth import Credential, authenticate
from .errors import BadRequest, PayloadTooLarge, XapiError

log = logging.getLogger(__name__)

ALTERNATE_HEADERS = {"authorization", "x-experience-api-version", "content-type", "content-length", "if-match",
                     "if-none-match"}
METHODS = {"GET", "PUT", "POST", "DELETE"}


@dataclass
class XapiRequest:
    method: str
    params: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    content_type: str  # media type only, lower-case, without parameters
    content_type_header: str  # as sent (multipart needs its boundary)
    version: str = versions.V1
    credential: Credential | None = None
    alternate: bool = False
    django: object = field(default=None, repr=False)

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def json(self):
        """The body as JSON, or a 400 saying why not."""
        return loads(self.body)


def _no_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def _finite(text):
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text} is out of range")
    return value


def loads(raw: bytes):
    """JSON as the LRS accepts it: UTF-8, no NaN/Infinity, no NUL characters (PostgreSQL's jsonb refuses
    them), not absurdly deep; anything else is a 400."""
    try:
        text = raw.decode("utf-8")
        data = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except UnicodeDecodeError:
        raise BadRequest("The body is not UTF-8.") from None
    except RecursionError:
        raise BadRequest("The JSON is nested too deeply.") from None
    except ValueError as exc:
        raise BadRequest(f"The body is not valid JSON: {exc}") from None
    if "\\u0000" in text or "\x00" in text:
        _check_nul(data)
    return data


def _check_nul(value):
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise BadRequest("The JSON holds a NUL character.")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _read_body(request) -> bytes:
    limit = conf.max_body_bytes()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise PayloadTooLarge(f"The body is larger than the {limit // (1024 * 1024)} MB allowed.")
    body = request.read(limit + 1)  # not request.body: its DATA_UPLOAD_MAX_MEMORY_SIZE cap is for forms
    if len(body) > limit:
        raise PayloadTooLarge(f"The body is larger than the {limit // (1024 * 1024)} MB allowed.")
    return body


def _media_type(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def parse(request) -> XapiRequest:
    body = _read_body(request)
    headers = {name.lower(): value for name, value in request.headers.items()}
    method = request.method.upper()
    if method == "HEAD":
        method = "GET"
    query = dict(parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True))
    if request.method.upper() == "POST" and "method" in query:
        return _alternate(request, query, headers, body)
    content_type_header = headers.get("content-type", "")
    return XapiRequest(method=method, params=query, headers=headers, body=body,
                       content_type=_media_type(content_type_header), content_type_header=content_type_header,
                       django=request)


def _alternate(request, query, headers, body) -> XapiRequest:
    extra = set(query) - {"method"}
    if extra:
        raise BadRequest("With the alternate request syntax only 'method' may be in the query string; "
                         f"move {', '.join(sorted(extra))} into the form.")
    method = query["method"].upper()
    if method not in METHODS:
        raise BadRequest(f"Unknown method {query['method']!r}.")
    if _media_type(headers.get("content-type", "")) != "application/x-www-form-urlencoded":
        raise BadRequest("The alternate request syntax needs an application/x-www-form-urlencoded body.")
    try:
        form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        raise BadRequest("The form is not UTF-8.") from None
    moved_headers, params = {}, {}
    content = form.pop("content", "")
    for name, value in form.items():
        if name.lower() in ALTERNATE_HEADERS:
            moved_headers[name.lower()] = value
        else:
            params[name] = value
    # Headers the client could send for real (cookies, the form's own) stay; the form's win.
    merged = {k: v for k, v in headers.items() if k not in ("content-type", "content-length")}
    merged.update(moved_headers)
    content_type_header = moved_headers.get("content-type", "application/json" if content else "")
    return XapiRequest(method=method, params=params, headers=merged, body=content.encode("utf-8"),
                       content_type=_media_type(content_type_header), content_type_header=content_type_header,
                       alternate=True, django=request)


def error_response(exc: XapiError) -> JsonResponse:
    return JsonResponse({"error": True, "success": False, "message": exc.message}, status=exc.status)


def endpoint(*, methods: set[str], auth: bool = True, version_required: bool = True):
    """Wrap a resource handler ``handler(xreq) -> HttpResponse``: parse, negotiate the version, authenticate,
    and turn ``XapiError`` into its status."""

    def decorate(handler):
        @csrf_exempt
        @functools.wraps(handler)
        def view(request, *args, **kwargs):
            version = conf.default_version()
            head = request.method.upper() == "HEAD"
            try:
                if request.method.upper() == "OPTIONS":
                    return _with_headers(HttpResponse(status=204), version, methods)
                xreq = parse(request)
                if xreq.method not in methods:
                    response = error_response(XapiError(f"{xreq.method} is not allowed here.", 405))
                    response["Allow"] = ", ".join(sorted(methods | {"HEAD"} if "GET" in methods else methods))
                    return _with_headers(response, version, methods)
                header = xreq.header(versions.HEADER)
                if version_required or header:
                    version = versions.negotiate(header)
                xreq.version = version
                if xreq.alternate and versions.is_v2(version):
                    raise BadRequest("xAPI 2.0 has no alternate request syntax.")
                if auth:
                    xreq.credential = authenticate(request, xreq.header("authorization"))
                response = handler(xreq, *args, **kwargs)
            except XapiError as exc:
                response = error_response(exc)
            if head:
                response.content = b""
            return _with_headers(response, version, methods)

        return view

    return decorate


def _with_headers(response, version: str, methods: set[str]):
    response[versions.HEADER] = version
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = ", ".join(sorted(methods | {"HEAD", "OPTIONS"}))
    response["Access-Control-Allow-Headers"] = (
        "Content-Type, Content-Length, Authorization, If-Match, If-None-Match, X-Experience-API-Version")
    response["Access-Control-Expose-Headers"] = (
        "ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through")
    return response
