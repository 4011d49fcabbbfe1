"""The Statements resource: PUT (one statement by id), POST (one or a batch), GET (one by id, or a filtered,
paged list), in JSON or multipart/mixed with attachments."""

from __future__ import annotations

import json

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.http import http_date

from . import statement_query, statement_store
from .attachments import collect, multipart_response, parse_multipart, require_file_urls
from .errors import BadRequest, XapiError
from .models import AttachmentContent
from .statement_format import render
from .validation.primitives import format_timestamp
from .wire import endpoint, error_response, loads

CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"


@endpoint(methods={"GET", "PUT", "POST"})
def statements(xreq):
    if xreq.method == "GET":
        return get(xreq)
    xreq.credential.require_write()
    if xreq.method == "PUT":
        return put(xreq)
    return post(xreq)


def _body(xreq) -> tuple[object, dict]:
    """The statement(s) of a PUT/POST and the attachment contents that came with them."""
    if xreq.content_type == "multipart/mixed":
        first, parts = parse_multipart(xreq.body, xreq.content_type_header)
        data = loads(first)
        batch = statement_store.validate_batch(data, xreq.version)
        return data, collect(batch, parts, xreq.version)
    if xreq.content_type != "application/json":
        raise BadRequest("Statements must be sent as application/json or multipart/mixed.")
    data = xreq.json()
    batch = statement_store.validate_batch(data, xreq.version)
    require_file_urls(batch)
    return data, {}


def put(xreq):
    sid = xreq.params.get("statementId")
    if not sid:
        raise BadRequest("PUT needs the statementId parameter.")
    if set(xreq.params) - {"statementId"}:
        raise BadRequest("PUT takes only the statementId parameter.")
    data, contents = _body(xreq)
    if not isinstance(data, dict):
        raise BadRequest("PUT takes a single statement.")
    if "id" in data and str(data["id"]).lower() != sid.lower():
        raise BadRequest("The statement's id differs from the statementId parameter.")
    statement_query.single_id(sid)
    data["id"] = sid.lower()
    statement_store.store([data], authority=xreq.credential.authority, client=xreq.credential.client,
                          version=xreq.version, attachments=contents)
    return HttpResponse(status=204)


def post(xreq):
    if xreq.params:
        raise BadRequest(f"POST takes no parameters, not {', '.join(sorted(xreq.params))}.")
    data, contents = _body(xreq)
    batch = data if isinstance(data, list) else [data]
    ids = statement_store.store(batch, authority=xreq.credential.authority, client=xreq.credential.client,
                                version=xreq.version, attachments=contents)
    return JsonResponse(ids, safe=False)


def get(xreq):
    consistent = format_timestamp(timezone.now())
    try:
        response = _get(xreq)
    except XapiError as exc:
        response = error_response(exc)
    response[CONSISTENT_THROUGH] = consistent  # on every answer, errors too
    return response


def _get(xreq):
    credential = xreq.credential
    credential.require_read()
    params = dict(xreq.params)
    after = None
    if "more" in params:
        if len(params) > 1:
            raise BadRequest("A more link carries its whole query; add no other parameters.")
        params, after = statement_query.read_more(params["more"], credential)
    statement_query.check_params(params)
    fmt = params.get("format", "exact")
    with_attachments = params.get("attachments", "false").lower() == "true"
    if statement_query.SINGLE & set(params):
        row = statement_query.single(params, credential)
        document = render([row.data], fmt, xreq.header("accept-language"))[0]
        response = _answer(document, [row.data] if with_attachments else [])
        response["Last-Modified"] = http_date(row.stored.timestamp())
    else:
        rows, has_more = statement_query.listing(params, credential, after=after)
        document = {"statements": render([r.data for r in rows], fmt, xreq.header("accept-language")),
                    "more": ""}
        if has_more:
            token = statement_query.more_token(params, rows[-1].seq, credential)
            document["more"] = f"{xreq.django.path}?more={token}"
        response = _answer(document, [r.data for r in rows] if with_attachments else [])
        newest = max((r.stored for r in rows), default=timezone.now())
        response["Last-Modified"] = http_date(newest.timestamp())
    return response


def _answer(document, with_attachments: list[dict]):
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    if not with_attachments:
        return HttpResponse(body, content_type="application/json")
    wanted = []
    for st in with_attachments:
        wanted += st.get("attachments") or []
        obj = st.get("object") or {}
        if obj.get("objectType") == "SubStatement":
            wanted += obj.get("attachments") or []
    hashes = {a["sha2"].lower() for a in wanted}
    stored = {a.sha2: a for a in AttachmentContent.objects.filter(sha2__in=hashes)}
    parts = [(h, stored[h].content_type, bytes(stored[h].content)) for h in sorted(hashes) if h in stored]
    body, content_type = multipart_response(body, parts)
    return HttpResponse(body, content_type=content_type)
