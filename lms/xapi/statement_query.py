"""GET /statements: the filters, the read scope, ordering and ``more`` paging.

Paging keeps no server state: the ``more`` link carries the query and the last row's sequence number, signed
(django.core.signing), so a page link works on any web process and cannot be edited to widen the query.
"""

from __future__ import annotations

import json
import uuid

from django.core import signing
from django.db.models import Exists, OuterRef, Q

from lms.org import scope as org_scope

from . import conf
from .errors import BadRequest, NotFound
from .models import Statement, StatementActivity, StatementAgent
from .models.statements import key_of
from .statement_keys import agent_key
from .validation.agents import check_actor
from .validation.primitives import UUID_RE, check_iri, parse_timestamp

FILTERS = {"agent", "verb", "activity", "registration", "related_activities", "related_agents", "since", "until",
           "limit", "format", "attachments", "ascending"}
SINGLE = {"statementId", "voidedStatementId"}
ALLOWED = FILTERS | SINGLE | {"more"}
FORMATS = {"ids", "exact", "canonical"}
REF_DEPTH = 4  # how far a chain of StatementRefs is followed to the statement the filters matched
SIGNING_SALT = "lms.xapi.more"


def _bool(params: dict, name: str) -> bool:
    value = params.get(name, "false").lower()
    if value not in ("true", "false"):
        raise BadRequest(f"{name} must be true or false.")
    return value == "true"


def check_params(params: dict) -> None:
    unknown = set(params) - ALLOWED
    if unknown:
        raise BadRequest(f"Unknown parameters: {', '.join(sorted(unknown))}.")
    if params.get("format", "exact") not in FORMATS:
        raise BadRequest("format must be ids, exact or canonical.")
    _bool(params, "attachments")
    _bool(params, "ascending")
    _bool(params, "related_agents")
    _bool(params, "related_activities")
    single = SINGLE & set(params)
    if len(single) > 1:
        raise BadRequest("Use statementId or voidedStatementId, not both.")
    if single:
        other = set(params) - SINGLE - {"format", "attachments"}
        if other:
            raise BadRequest(f"With {single.pop()} only format and attachments may be given, not "
                             f"{', '.join(sorted(other))}.")


def scoped(queryset, credential):
    """The statements the credential may read."""
    read = credential.read
    if read == "all":
        return queryset
    if read == "authority":
        return queryset.filter(client=credential.client)
    if read == "member":
        return queryset.filter(member=credential.member)
    if read == "units":
        q = org_scope.units_q(credential.units, prefix="member__org_unit__")
        if credential.member is not None:
            q |= Q(member=credential.member)
        return queryset.filter(q)
    return queryset.none()


def single(params: dict, credential) -> Statement:
    """The statement a statementId / voidedStatementId names (404 when voided-ness does not match)."""
    voided = "voidedStatementId" in params
    sid = single_id(params.get("voidedStatementId" if voided else "statementId", ""))
    row = scoped(Statement.objects.filter(statement_id=sid, voided=voided), credential).first()
    if row is None:
        raise NotFound("No such statement." if not voided else "No such voided statement.")
    return row


def _filters(params: dict) -> Q:
    """The non-time filters (those a StatementRef's target may satisfy for the statement that refers to it)."""
    q = Q()
    if "agent" in params:
        try:
            agent = json.loads(params["agent"])
        except ValueError:
            raise BadRequest("agent must be an Agent or Group as JSON.") from None
        check_actor(agent, "agent")
        key = agent_key(agent)
        if not key:
            return Q(pk__in=[])  # an anonymous Group is nobody's identity: it matches no statement
        if params.get("related_agents", "false").lower() == "true":
            q &= Q(Exists(StatementAgent.objects.filter(statement=OuterRef("seq"), agent_key=key)))
        else:
            q &= Q(actor_key=key) | Q(object_agent_key=key)
    if "verb" in params:
        check_iri(params["verb"], "verb")
        q &= Q(verb_key=key_of(params["verb"]))
    if "activity" in params:
        check_iri(params["activity"], "activity")
        key = key_of(params["activity"])
        if params.get("related_activities", "false").lower() == "true":
            q &= Q(Exists(StatementActivity.objects.filter(statement=OuterRef("seq"), activity_key=key)))
        else:
            q &= Q(object_activity_key=key)
    if "registration" in params:
        try:
            q &= Q(registration=uuid.UUID(params["registration"]))
        except ValueError:
            raise BadRequest("registration must be a UUID.") from None
    return q


def _with_references(q: Q) -> Q:
    """Statements matching ``q``, plus those whose StatementRef leads (within REF_DEPTH hops) to one."""
    if not q:
        return q
    target = q
    for _ in range(REF_DEPTH):
        # object_ref IS NOT NULL lets the database OR in the (small, partial) index of referring statements.
        target = q | (Q(object_ref__isnull=False)
                      & Q(Exists(Statement.objects.filter(Q(statement_id=OuterRef("object_ref")) & target))))
    return target


def page_size(params: dict) -> int:
    raw = params.get("limit", "0")
    try:
        limit = int(raw)
    except ValueError:
        raise BadRequest("limit must be a non-negative integer.") from None
    if limit < 0:
        raise BadRequest("limit must be a non-negative integer.")
    maximum = conf.statements_page_size()
    return maximum if limit == 0 else min(limit, maximum)


def listing(params: dict, credential, *, after: int | None = None):
    """(rows of one page, whether more follow) for a list query; ``after`` is the cursor of a ``more`` link."""
    q = _with_references(_filters(params))
    qs = scoped(Statement.objects.filter(q, voided=False), credential)
    if "since" in params:
        qs = qs.filter(stored__gt=parse_timestamp(params["since"], "since"))
    if "until" in params:
        qs = qs.filter(stored__lte=parse_timestamp(params["until"], "until"))
    ascending = params.get("ascending", "false").lower() == "true"
    if after is not None:
        qs = qs.filter(seq__gt=after) if ascending else qs.filter(seq__lt=after)
    size = page_size(params)
    rows = list(qs.order_by("seq" if ascending else "-seq")[: size + 1])
    return rows[:size], len(rows) > size


def more_token(params: dict, last_seq: int, credential) -> str:
    who = credential.client.pk if credential.client else f"u{getattr(credential.user, 'pk', '')}"
    return signing.dumps({"p": params, "a": last_seq, "w": who}, salt=SIGNING_SALT, compress=True)


def read_more(token: str, credential) -> tuple[dict, int]:
    try:
        data = signing.loads(token, salt=SIGNING_SALT)
    except signing.BadSignature:
        raise BadRequest("This more link is not valid.") from None
    who = credential.client.pk if credential.client else f"u{getattr(credential.user, 'pk', '')}"
    if data.get("w") != who:
        raise BadRequest("This more link belongs to other credentials.")
    return data["p"], data["a"]


def single_id(raw: str) -> uuid.UUID:
    if not UUID_RE.match(raw or ""):
        raise BadRequest(f"{raw!r} is not a statement id.")
    return uuid.UUID(raw)
