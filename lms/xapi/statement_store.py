"""Storing statements: completing them (id, stored, timestamp, authority, version), all-or-nothing batches,
conflicts with stored statements, voiding, related agents/activities and the canonical activity definitions."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from . import actors, forwarding, versions
from .errors import BadRequest, Conflict
from .models import Activity, AttachmentContent, Statement, StatementActivity, StatementAgent
from .models.statements import key_of
from .statement_compare import comparable
from .statement_keys import agent_key, defined_activities, mentioned
from .validation import VOIDED, check_statement
from .validation.primitives import format_timestamp, parse_timestamp

IGNORED_IN_COMPARISON = {"id", "stored", "authority", "version", "timestamp"}


def same_statement(stored: dict, incoming: dict) -> bool:
    """Whether ``incoming`` is the statement already stored under its id (the LRS's own additions aside)."""
    if "timestamp" in incoming:
        try:
            if parse_timestamp(incoming["timestamp"], "t") != parse_timestamp(stored.get("timestamp"), "t"):
                return False
        except BadRequest:
            return False
    return comparable(stored, IGNORED_IN_COMPARISON) == comparable(incoming, IGNORED_IN_COMPARISON)


def complete(st: dict, *, authority: dict | None, stored: datetime, version: str) -> dict:
    st.setdefault("id", str(uuid.uuid4()))
    st["id"] = st["id"].lower()
    st["stored"] = format_timestamp(stored)
    st.setdefault("timestamp", st["stored"])
    if authority is not None:
        st["authority"] = authority
    if "version" not in st:
        st["version"] = "2.0.0" if versions.is_v2(version) else "1.0.0"
    return st


def _row(st: dict, *, stored: datetime, client, attachments: set[str], v2: bool) -> Statement:
    obj = st["object"]
    kind = obj.get("objectType", "Activity")
    context = st.get("context") or {}
    return Statement(
        statement_id=uuid.UUID(st["id"]), data=st, stored=stored,
        timestamp=parse_timestamp(st["timestamp"], "timestamp", rfc3339=False),
        actor_key=agent_key(st["actor"]), verb_key=key_of(st["verb"]["id"]),
        object_activity_key=key_of(obj["id"]) if kind == "Activity" else "",
        object_agent_key=agent_key(obj) if kind in ("Agent", "Group") else "",
        object_ref=uuid.UUID(obj["id"]) if kind == "StatementRef" else None,
        registration=uuid.UUID(context["registration"]) if "registration" in context else None,
        is_voiding=st["verb"]["id"] == VOIDED,
        member_id=actors.member_id_for(st["actor"]),
        client=client,
        has_attachments=any(a.get("sha2") in attachments for a in st.get("attachments") or []),
    )


def validate_batch(statements, version: str) -> list[dict]:
    if not isinstance(statements, list):
        statements = [statements]
    if not statements:
        raise BadRequest("No statements were sent.")
    for i, st in enumerate(statements):
        check_statement(st, version, "statement" if len(statements) == 1 else f"statements[{i}]")
    ids = [st["id"].lower() for st in statements if "id" in st]
    if len(ids) != len(set(ids)):
        raise BadRequest("The batch has two statements with the same id.")
    return statements


def store(statements: list[dict], *, authority: dict | None, client=None, version: str = versions.V1,
          attachments: dict[str, tuple[str, bytes]] | None = None) -> list[str]:
    """Store validated statements all-or-nothing; returns their ids in order. Statements already stored with
    the same content are kept as they are; with different content the whole batch is a 409."""
    attachments = attachments or {}
    now = timezone.now()
    with transaction.atomic():
        given = [st["id"].lower() for st in statements if "id" in st]
        existing = {str(s.statement_id): s.data for s in Statement.objects.filter(
            statement_id__in=[uuid.UUID(i) for i in given])} if given else {}
        ids, new = [], []
        for st in statements:
            sid = st.get("id", "").lower()
            if sid and sid in existing:
                if not same_statement(existing[sid], st):
                    raise Conflict(f"Statement {sid} is already stored with different content.")
                ids.append(sid)
                continue
            complete(st, authority=authority, stored=now, version=version)
            ids.append(st["id"])
            new.append(st)
        if new:
            _insert(new, now=now, client=client, attachments=attachments, v2=versions.is_v2(version))
            forwarding.enqueue([st["id"] for st in new])  # from every path in: clients' and the platform's own
    return ids


def _insert(new: list[dict], *, now, client, attachments, v2: bool):
    rows = [_row(st, stored=now, client=client, attachments=set(attachments), v2=v2) for st in new]
    # A statement that arrives after a statement voiding it is voided from the start.
    voided_early = set(Statement.objects.filter(
        is_voiding=True, object_ref__in=[r.statement_id for r in rows]).values_list("object_ref", flat=True))
    for row in rows:
        row.voided = row.statement_id in voided_early and not row.is_voiding
    Statement.objects.bulk_create(rows)
    if any(r.seq is None for r in rows):  # a backend without RETURNING: read the sequence numbers back
        seqs = dict(Statement.objects.filter(statement_id__in=[r.statement_id for r in rows])
                    .values_list("statement_id", "seq"))
        for r in rows:
            r.seq = seqs[r.statement_id]
    agent_rows, activity_rows = [], []
    for row, st in zip(rows, new, strict=True):
        agents, activities = mentioned(st)
        for key in {agent_key(a) for a in agents} - {""}:
            agent_rows.append(StatementAgent(statement_id=row.seq, agent_key=key))
        for key in {key_of(a["id"]) for a in activities}:
            activity_rows.append(StatementActivity(statement_id=row.seq, activity_key=key))
    StatementAgent.objects.bulk_create(agent_rows)
    StatementActivity.objects.bulk_create(activity_rows)
    targets = [r.object_ref for r in rows if r.is_voiding]
    if targets:
        Statement.objects.filter(statement_id__in=targets, is_voiding=False).update(voided=True)
    if attachments:
        AttachmentContent.objects.bulk_create(
            [AttachmentContent(sha2=sha2, content_type=ctype, content=content)
             for sha2, (ctype, content) in attachments.items()], ignore_conflicts=True)
    update_activities(new)


def merge_definition(old: dict, new: dict) -> dict:
    """The canonical definition after a statement defines the activity again: language maps merge (the new
    text wins per language), everything else is replaced by the newer statement's."""
    merged = {**old, **new}
    for key in ("name", "description"):
        if isinstance(old.get(key), dict) and isinstance(new.get(key), dict):
            merged[key] = {**old[key], **new[key]}
    return merged


def update_activities(statements: list[dict]):
    seen: dict[str, tuple[str, dict]] = {}
    for st in statements:
        for activity in defined_activities(st):
            key = key_of(activity["id"])
            _id, definition = seen.get(key, (activity["id"], {}))
            seen[key] = (activity["id"], merge_definition(definition, activity.get("definition") or {}))
    if not seen:
        return
    stored = {a.activity_key: a for a in Activity.objects.filter(activity_key__in=list(seen))}
    missing = [Activity(activity_key=k, activity_id=i, definition=d) for k, (i, d) in seen.items()
               if k not in stored]
    Activity.objects.bulk_create(missing, ignore_conflicts=True)
    changed = []
    for key, (_id, definition) in seen.items():
        current = stored.get(key)
        if current is not None and definition:
            merged = merge_definition(current.definition or {}, definition)
            if merged != current.definition:
                current.definition = merged
                changed.append(current)
    for activity in changed:
        activity.save(update_fields=["definition", "updated_at"])
