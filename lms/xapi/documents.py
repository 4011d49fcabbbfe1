"""The document resources: State, Activity Profile and Agent Profile, one set of rules for the three.

Documents are shared by every credential that may write (the spec scopes them to an activity and/or agent, not
to a client). Reading needs write permission or any reading scope; a member's own session reads the documents
about the member only. Concurrency follows the spec: If-Match / If-None-Match on every write (412 when they
fail); a PUT without either header on a profile (1.0.3) or any document (2.0) that exists is a 409, and in
1.0.3 a PUT of a new profile without either header is a 400 (the header is required there).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.http import http_date

from . import versions
from .actors import member_id_for
from .agents import ifi_key, is_iri, parse_agent_param
from .errors import BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, PreconditionFailed
from .models import XapiDocument

Kind = XapiDocument.Kind
JSON = "application/json"
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


@dataclass(frozen=True)
class Resource:
    kind: str
    scope_params: tuple[str, ...]  # required on every request
    id_param: str
    extra: tuple[str, ...] = ()  # optional on every request
    delete_all: bool = False  # DELETE without the id removes every document in scope


STATE = Resource(Kind.STATE, ("activityId", "agent"), "stateId", ("registration",), delete_all=True)
ACTIVITY_PROFILE = Resource(Kind.ACTIVITY_PROFILE, ("activityId",), "profileId")
AGENT_PROFILE = Resource(Kind.AGENT_PROFILE, ("agent",), "profileId")


@dataclass
class Target:
    resource: Resource
    activity_id: str = ""
    agent: dict | None = None
    agent_ifi: str = ""
    registration: uuid.UUID | None = None
    document_id: str | None = None
    since: datetime.datetime | None = None

    @property
    def scope(self) -> str:
        return _digest([self.resource.kind, self.activity_id, self.agent_ifi])

    @property
    def key(self) -> str:
        return _digest([self.resource.kind, self.activity_id, self.agent_ifi,
                        str(self.registration or ""), self.document_id])


def _digest(parts) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def max_document_bytes() -> int:
    return int(getattr(settings, "LMS_XAPI_MAX_DOCUMENT_MB", 8)) * 1024 * 1024


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


# --- parameters ---------------------------------------------------------------------------------------------

def parse_since(value: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise BadRequest(f"since is not an ISO 8601 timestamp: {value!r}.") from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def parse_target(xreq, resource: Resource) -> Target:
    params = xreq.params
    allowed = {*resource.scope_params, resource.id_param, *resource.extra}
    if xreq.method == "GET":
        allowed.add("since")
    unknown = set(params) - allowed
    if unknown:
        raise BadRequest(f"Unknown parameters: {', '.join(sorted(unknown))}.")
    target = Target(resource)
    if "activityId" in resource.scope_params:
        activity_id = params.get("activityId")
        if not activity_id:
            raise BadRequest("The 'activityId' parameter is required.")
        if not is_iri(activity_id):
            raise BadRequest("activityId must be an IRI.")
        target.activity_id = activity_id
    if "agent" in resource.scope_params:
        target.agent = parse_agent_param(params.get("agent"))
        target.agent_ifi = ifi_key(target.agent)
    if "registration" in params:
        if not _UUID.match(params["registration"]):
            raise BadRequest("registration must be a UUID.")
        target.registration = uuid.UUID(params["registration"])
    document_id = params.get(resource.id_param)
    if document_id == "":
        raise BadRequest(f"{resource.id_param} must not be empty.")
    target.document_id = document_id
    if document_id is None and (xreq.method in ("PUT", "POST") or (xreq.method == "DELETE"
                                                                      and not resource.delete_all)):
        raise BadRequest(f"The {resource.id_param!r} parameter is required.")
    if "since" in params:
        target.since = parse_since(params["since"])
    return target


# --- access -------------------------------------------------------------------------------------------------

def require_read(credential, agent: dict | None = None) -> None:
    if credential.can_write:
        return
    credential.require_read()
    if credential.read == "member" and agent is not None:
        if credential.member is None or member_id_for(agent) != credential.member.pk:
            raise Forbidden("A member's session reads only the documents about that member.")


# --- the resource -------------------------------------------------------------------------------------------

def handle(xreq, resource: Resource):
    target = parse_target(xreq, resource)
    if xreq.method == "GET":
        require_read(xreq.credential, target.agent)
        return get_one(target) if target.document_id is not None else list_ids(target)
    xreq.credential.require_write()
    if xreq.method == "DELETE":
        return delete(xreq, target)
    return write(xreq, target)


def _lookup(target: Target):
    query = XapiDocument.objects.filter(key=target.key)
    if transaction.get_connection().in_atomic_block:
        query = query.select_for_update()
    return query.first()


def get_one(target: Target) -> HttpResponse:
    document = _lookup(target)
    if document is None:
        raise NotFound("No such document.")
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["ETag"] = f'"{document.etag}"'
    response["Last-Modified"] = http_date(document.updated_at.timestamp())
    return response


def list_ids(target: Target) -> JsonResponse:
    query = XapiDocument.objects.filter(scope=target.scope)
    if target.registration is not None:
        query = query.filter(registration=target.registration)
    if target.since is not None:
        query = query.filter(updated_at__gt=target.since)
    ids = list(query.order_by("updated_at", "pk").values_list("document_id", flat=True))
    return JsonResponse(ids, safe=False)


def _etags(value: str) -> set[str]:
    tags = set()
    for part in value.split(","):
        part = part.strip()
        if part.startswith("W/"):
            part = part[2:]
        tags.add(part.strip('"'))
    return tags


def check_preconditions(xreq, target: Target, existing) -> None:
    if_match, if_none_match = xreq.header("if-match"), xreq.header("if-none-match")
    current = existing.etag if existing is not None else None
    if if_match is not None:
        tags = _etags(if_match)
        if current is None or not ("*" in tags or current in tags):
            raise PreconditionFailed("If-Match does not match the document's current ETag.")
    if if_none_match is not None:
        tags = _etags(if_none_match)
        if current is not None and ("*" in tags or current in tags):
            raise PreconditionFailed("If-None-Match: the document exists (or has that ETag).")
    if xreq.method != "PUT" or if_match is not None or if_none_match is not None:
        return
    guarded = target.resource.kind != Kind.STATE or versions.is_v2(xreq.version)
    if not guarded:
        return
    if existing is not None:
        raise Conflict("The document exists: send If-Match with its ETag to replace it (or POST to merge into "
                       "it). Nothing was changed.")
    if not versions.is_v2(xreq.version):
        raise BadRequest("A PUT of a profile document needs If-Match or If-None-Match (If-None-Match: * for a "
                         "new document).")


def _json_object(content: bytes, what: str) -> dict:
    try:
        value = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        value = None
    if not isinstance(value, dict):
        raise BadRequest(f"{what} is not a JSON object.")
    return value


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def write(xreq, target: Target) -> HttpResponse:
    body = xreq.body
    if len(body) > max_document_bytes():
        raise PayloadTooLarge(f"A document may be at most {max_document_bytes() // (1024 * 1024)} MB.")
    content_type = xreq.content_type_header or "application/octet-stream"
    posted_json = xreq.content_type == JSON
    posted = _json_object(body, "The posted document") if xreq.method == "POST" and posted_json else None

    def apply(existing):
        check_preconditions(xreq, target, existing)
        content, ctype = body, content_type
        if xreq.method == "POST" and existing is not None:
            if not posted_json or _media_type(existing.content_type) != JSON:
                raise BadRequest("POST merges JSON documents only: both the stored and the posted document must "
                                 "be application/json. Nothing was changed.")
            merged = _json_object(bytes(existing.content), "The stored document")
            merged.update(posted)
            content, ctype = json.dumps(merged, ensure_ascii=False).encode("utf-8"), JSON
        document = existing or XapiDocument(
            kind=target.resource.kind, key=target.key, scope=target.scope, activity_id=target.activity_id,
            agent=target.agent, agent_ifi=target.agent_ifi, registration=target.registration,
            document_id=target.document_id)
        document.content, document.content_type = content, ctype[:255]
        document.etag, document.updated_at = etag_of(content), timezone.now()
        document.save()

    _atomically(apply, target)
    return HttpResponse(status=204)


def delete(xreq, target: Target) -> HttpResponse:
    if target.document_id is None:  # State: every document of the activity and agent (and registration)
        query = XapiDocument.objects.filter(scope=target.scope)
        if target.registration is not None:
            query = query.filter(registration=target.registration)
        query.delete()
        return HttpResponse(status=204)

    def apply(existing):
        check_preconditions(xreq, target, existing)
        if existing is not None:
            existing.delete()

    _atomically(apply, target)
    return HttpResponse(status=204)


def _atomically(apply, target: Target) -> None:
    """Run ``apply(existing_or_None)`` in a transaction holding the document's row; two first writes of the same
    new document race on the unique key, and the loser runs again and sees the winner's row."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                apply(_lookup(target))
            return
        except IntegrityError:
            if attempt == 2:
                raise Conflict("The document was changed concurrently; try again.") from None
