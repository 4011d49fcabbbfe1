"""Forwarding stored statements to an upstream LRS (LMS_XAPI_UPSTREAM_URL, _KEY, _SECRET; empty URL: off).

Every stored statement's id goes into an outbox (``enqueue``); the ``xapi.forward`` task sends what is due in
batches and beat runs it every minute. Nothing is lost and nothing is sent twice:

- a batch is claimed by moving its ``next_attempt_at`` a lease ahead, so a second worker does not take it and a
  worker killed mid-send leaves it due again after the lease;
- an outage (no answer, a redirect, 5xx, 401/403, 408, 429) reschedules the batch with exponential backoff, for
  as long as it takes; only what the upstream accepted is marked sent;
- the upstream is idempotent by statement id: a batch it refuses (e.g. 409 because a send succeeded upstream
  while our marking failed) is sent again one statement at a time with PUT ``?statementId=``, which stores a new
  statement, accepts an identical one again (204) and answers 409 only for a *different* statement under the id;
  that one, and one the upstream finds invalid (400), is marked failed with the upstream's answer.
"""

from __future__ import annotations

import base64
import datetime
import json
import logging
import urllib.error
import urllib.request
from urllib.parse import urlencode

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import ForwardedStatement, Statement

log = logging.getLogger(__name__)
State = ForwardedStatement.State

# Answers that say "not now" rather than "not this" (with 3xx and 5xx): the batch waits and is sent again.
RETRY_STATUSES = {401, 403, 408, 425, 429}
# Set by the LRS that stores the statement: the upstream sets its own.
LRS_SET = ("stored", "authority")
MAX_ERROR = 2000
MISSING_ATTEMPTS = 10


def upstream_url() -> str:
    return (getattr(settings, "LMS_XAPI_UPSTREAM_URL", "") or "").strip()


def enabled() -> bool:
    return bool(upstream_url())


def _setting(name: str, default):
    return getattr(settings, name, default)


def batch_size() -> int:
    return int(_setting("LMS_XAPI_FORWARD_BATCH", 100))


def lease_seconds() -> float:
    return float(_setting("LMS_XAPI_FORWARD_LEASE_SECONDS", 300))


def backoff(attempts: int) -> datetime.timedelta:
    """30 s, 1 min, 2 min … at most an hour (LMS_XAPI_FORWARD_BACKOFF_SECONDS is the first wait)."""
    first = float(_setting("LMS_XAPI_FORWARD_BACKOFF_SECONDS", 30))
    cap = float(_setting("LMS_XAPI_FORWARD_BACKOFF_MAX_SECONDS", 3600))
    return datetime.timedelta(seconds=min(cap, first * 2 ** max(0, attempts - 1)))


def enqueue(statement_ids) -> int:
    """Put stored statements in the outbox (ids already there are left as they are) and, after the commit, start
    a send. Call it after storing statements, from any path; does nothing while forwarding is off."""
    if not enabled():
        return 0
    ids = [str(i) for i in dict.fromkeys(statement_ids)]
    if not ids:
        return 0
    now = timezone.now()
    ForwardedStatement.objects.bulk_create(
        [ForwardedStatement(statement_id=i, next_attempt_at=now, created_at=now) for i in ids],
        batch_size=1000, ignore_conflicts=True)
    transaction.on_commit(_start_send)
    return len(ids)


def _start_send() -> None:
    # By the task's registered name: tasks.py imports this module.
    try:
        current_app.tasks["xapi.forward"].delay()
    except Exception:  # the broker is down: beat sends the rows later
        log.warning("xAPI forwarding: could not start a send; beat will", exc_info=True)


# ------------------------------------------------------------------------------------------------- sending
class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as it came (urllib would follow a POST's 302 with a GET and call that success)."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _outage(status: int) -> bool:
    """Not now rather than not this: no answer, a redirect (misconfigured), 5xx, 401/403/408/425/429."""
    return status == 0 or 300 <= status < 400 or status >= 500 or status in RETRY_STATUSES


class Upstream:
    """The upstream LRS's statements resource over HTTP (the standard library: nothing to install)."""

    def __init__(self, url: str | None = None):
        url = (url or upstream_url()).rstrip("/")
        self.url = url if url.endswith("/statements") else url + "/statements"
        key, secret = _setting("LMS_XAPI_UPSTREAM_KEY", ""), _setting("LMS_XAPI_UPSTREAM_SECRET", "")
        self.headers = {"Content-Type": "application/json",
                        "X-Experience-API-Version": _setting("LMS_XAPI_UPSTREAM_VERSION", "1.0.3")}
        if key or secret:
            self.headers["Authorization"] = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.timeout = float(_setting("LMS_XAPI_UPSTREAM_TIMEOUT", 15))
        self.unavailable = False  # an outage answer this run: the rest waits for the next run

    def _call(self, method: str, url: str, body) -> tuple[int, str]:
        """(status, body text); status 0 when no answer came."""
        request = urllib.request.Request(url, data=json.dumps(body).encode(), method=method, headers=self.headers)
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                return response.status, response.read(4096).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(4096).decode("utf-8", "replace")
        except (OSError, ValueError) as exc:  # refused, reset, timed out, bad URL
            return 0, f"{type(exc).__name__}: {exc}"

    def post(self, statements: list[dict]) -> tuple[int, str]:
        return self._call("POST", self.url, statements)

    def put(self, statement: dict) -> tuple[int, str]:
        return self._call("PUT", f"{self.url}?{urlencode({'statementId': statement['id']})}", statement)


def claim(now: datetime.datetime | None = None, limit: int | None = None) -> list[ForwardedStatement]:
    """Take a batch of due rows: their next attempt moves a lease ahead, so no other worker takes them."""
    now = now or timezone.now()
    with transaction.atomic():
        due = ForwardedStatement.objects.filter(state=State.PENDING, next_attempt_at__lte=now)
        due = due.order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        rows = list(due[: limit or batch_size()])
        if rows:
            ForwardedStatement.objects.filter(pk__in=[r.pk for r in rows]).update(
                attempts=F("attempts") + 1, next_attempt_at=now + datetime.timedelta(seconds=lease_seconds()))
    for row in rows:
        row.attempts += 1
    return rows


def _payload(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in LRS_SET}


def _sent(rows, now) -> None:
    ForwardedStatement.objects.filter(pk__in=[r.pk for r in rows]).update(
        state=State.SENT, sent_at=now, last_error="")


def _later(rows, now, error: str) -> None:
    for row in rows:
        ForwardedStatement.objects.filter(pk=row.pk).update(next_attempt_at=now + backoff(row.attempts),
                                                            last_error=error[:MAX_ERROR])


def _failed(row, error: str) -> None:
    ForwardedStatement.objects.filter(pk=row.pk).update(state=State.FAILED, last_error=error[:MAX_ERROR])


def send(rows: list[ForwardedStatement], upstream: Upstream | None = None,
         now: datetime.datetime | None = None) -> int:
    """Send claimed rows; returns how many the upstream now holds."""
    now = now or timezone.now()
    upstream = upstream or Upstream()
    stored = dict(Statement.objects.filter(statement_id__in=[r.statement_id for r in rows])
                  .values_list("statement_id", "data"))
    missing = [r for r in rows if r.statement_id not in stored]
    for row in missing:  # enqueued by a transaction not visible yet: looked at again later, but not for ever
        if row.attempts >= MISSING_ATTEMPTS:
            _failed(row, "not stored in this LRS")
        else:
            _later([row], now, "not stored (yet)")
    rows = [r for r in rows if r.statement_id in stored]
    if not rows:
        return 0
    status, text = upstream.post([_payload(stored[r.statement_id]) for r in rows])
    if 200 <= status < 300:
        _sent(rows, now)
        return len(rows)
    if _outage(status):
        upstream.unavailable = True
        _later(rows, now, f"{status or 'no answer'}: {text}")
        return 0
    return _one_by_one(rows, stored, upstream, now)


def _one_by_one(rows, stored, upstream: Upstream, now) -> int:
    count = 0
    for row in rows:
        status, text = upstream.put(_payload(stored[row.statement_id]))
        if 200 <= status < 300:
            _sent([row], now)
            count += 1
        elif _outage(status):
            upstream.unavailable = True
            _later([row], now, f"{status or 'no answer'}: {text}")
        else:
            _failed(row, f"{status}: {text}")
    return count


def forward_due(*, now: datetime.datetime | None = None, max_batches: int = 50,
                upstream: Upstream | None = None) -> int:
    """Send due batches until none is left (or ``max_batches``); returns how many statements were sent."""
    if not enabled():
        return 0
    upstream = upstream or Upstream()
    sent = 0
    for _n in range(max_batches):
        rows = claim(now)
        if not rows:
            break
        sent += send(rows, upstream, now)
        if upstream.unavailable:
            break
    return sent
