"""Points (积分): rules HR edits, an append-only points ledger credited once per source event, daily and yearly
caps, branch leaderboards.

The app's public surface for other apps (docs/architecture.md): ``credit`` and ``reverse_source`` (write the
ledger), ``set_hide_name`` (the privacy setting). Reads are in ``selectors``.

Every credit of a member runs under the lock of the member's ``PointAccount`` row, so the caps are checked one
credit at a time; the unique constraint ``points_credit_once`` (member, rule, source) makes a credit happen once
even if two workers race past the check. A credit that a cap cuts is still written, with the points left under
the cap (possibly 0): the event is spent and cannot earn again on a later day.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from lms.org.models import Member

from .models import Action, PointAccount, PointEntry, PointRule, PointTotal, StudyDay, StudySeen

__all__ = ["Action", "credit", "local_day", "rebuild_totals", "record_study", "reverse_source", "set_hide_name"]


def local_day(when: datetime.datetime | datetime.date | None = None) -> datetime.date:
    """The day of ``when`` in the configured time zone (TIME_ZONE, Asia/Shanghai)."""
    if when is None:
        return timezone.localdate()
    if isinstance(when, datetime.datetime):
        return timezone.localdate(when) if timezone.is_aware(when) else when.date()
    return when


def _lock(member_id: int) -> PointAccount:
    PointAccount.objects.get_or_create(member_id=member_id)
    return PointAccount.objects.select_for_update().get(pk=member_id)


def _bump_totals(member_id: int, day: datetime.date, points: int) -> None:
    if not points:
        return
    for month in (day.month, 0):
        updated = PointTotal.objects.filter(member_id=member_id, year=day.year, month=month).update(
            points=F("points") + points)
        if not updated:
            PointTotal.objects.create(member_id=member_id, year=day.year, month=month, points=points)


def _earned(member_id: int, rule: PointRule, **period) -> int:
    return PointEntry.objects.filter(member_id=member_id, rule=rule, **period).aggregate(
        s=Sum("points"))["s"] or 0


def _matching_rules(action: str, day: datetime.date, *, percent=None, minutes=None) -> list[PointRule]:
    rules = [r for r in PointRule.objects.filter(action=action, active=True) if r.applies_on(day)]
    if action == Action.EXAM:
        if percent is None:
            return []
        rules = [r for r in rules if r.min_percent <= percent <= r.max_percent]
    if action == Action.STUDY:
        if minutes is None:
            return []
        rules = [r for r in rules if r.min_minutes and minutes >= r.min_minutes]
    return rules


def credit(member_id: int, action: str, source_key: str, *, title: str = "",
           when: datetime.datetime | datetime.date | None = None, percent=None, minutes=None,
           ) -> list[tuple[PointEntry, bool]]:
    """Credit the event ``source_key`` (e.g. ``lesson:12``) under every active rule of ``action`` that applies
    on its day; once per (member, rule, source). ``percent``: an exam's score in percent (score bands);
    ``minutes``: the day's verified study minutes. Returns (entry, created) per rule that applies."""
    if not source_key:
        raise ValueError("a credit needs a source key so it is recorded exactly once")
    day = local_day(when)
    rules = _matching_rules(action, day, percent=percent, minutes=minutes)
    if not rules:
        return []
    out = []
    with transaction.atomic():
        _lock(member_id)
        if action == Action.EXAM and PointEntry.objects.filter(
                member_id=member_id, action=action, source_key=source_key, reverses__isnull=True,
                reversed_by__isnull=True).exists():
            # An exam earns its band once: the first graded attempt in a band counts.
            return []
        for rule in rules:
            existing = PointEntry.objects.filter(member_id=member_id, rule=rule, source_key=source_key,
                                                 reverses__isnull=True).first()
            if existing is not None:
                out.append((existing, False))
                continue
            points = rule.points
            if rule.daily_cap:
                points = min(points, max(0, rule.daily_cap - _earned(member_id, rule, date=day)))
            if rule.yearly_cap:
                points = min(points, max(0, rule.yearly_cap - _earned(member_id, rule, year=day.year)))
            try:
                with transaction.atomic():
                    entry = PointEntry.objects.create(
                        member_id=member_id, rule=rule, action=action, source_key=source_key[:120],
                        title=(title or "")[:200], points=points, rule_points=rule.points, date=day,
                        expires_on=rule.expires_on(day))
            except IntegrityError:
                # Another connection credited it first (the lock makes this rare: a member's first credit).
                out.append((PointEntry.objects.get(member_id=member_id, rule=rule, source_key=source_key,
                                                   reverses__isnull=True), False))
                continue
            _bump_totals(member_id, day, points)
            out.append((entry, True))
    return out


def _family(source_key: str) -> Q:
    """The key itself and its re-credits after a reversal (``activity:5#2``)."""
    return Q(source_key=source_key) | Q(source_key__startswith=source_key + "#")


def live_credits(member_id: int, action: str, source_key: str):
    return PointEntry.objects.filter(_family(source_key), member_id=member_id, action=action,
                                     reverses__isnull=True, reversed_by__isnull=True)


def reverse_source(member_id: int, action: str, source_key: str, *, reason: str,
                   when: datetime.datetime | datetime.date | None = None) -> list[PointEntry]:
    """The source event was undone (attendance corrected, the study-hour credit reversed): every credit of it that
    still stands gets one negative entry. The reversal is dated on the credit's day, so the month and year the
    points were earned in lose them; ``created_at`` says when. Safe to call again: nothing left to reverse."""
    out = []
    with transaction.atomic():
        _lock(member_id)
        for entry in live_credits(member_id, action, source_key).select_related("rule"):
            try:
                with transaction.atomic():
                    reversal = PointEntry.objects.create(
                        member_id=member_id, rule=entry.rule, action=entry.action, source_key=entry.source_key,
                        title=entry.title, points=-entry.points, rule_points=entry.rule_points, date=entry.date,
                        expires_on=entry.expires_on, reverses=entry, reason=(reason or "")[:300],
                        created_at=timezone.now() if when is None else _moment(when))
            except IntegrityError:
                continue  # reversed concurrently
            _bump_totals(member_id, entry.date, -entry.points)
            out.append(reversal)
    return out


def _moment(when) -> datetime.datetime:
    if isinstance(when, datetime.datetime):
        return when
    return timezone.make_aware(datetime.datetime.combine(when, datetime.time(12)))


def recredit_key(member_id: int, action: str, source_key: str) -> str:
    """The key for crediting ``source_key`` again after its earlier credits were reversed."""
    used = PointEntry.objects.filter(_family(source_key), member_id=member_id, action=action,
                                     reverses__isnull=True).values_list("source_key", flat=True).distinct()
    used = set(used)
    return source_key if not used else f"{source_key}#{len(used) + 1}"


def set_hide_name(member: Member, hide: bool) -> PointAccount:
    account, _created = PointAccount.objects.get_or_create(member=member)
    if account.hide_name != bool(hide):
        account.hide_name = bool(hide)
        account.save(update_fields=["hide_name", "updated_at"])
    return account


def record_study(progress_id: int, member_id: int, total_seconds: float, at: datetime.datetime) -> list:
    """A lesson progress row of the member now holds ``total_seconds`` of verified study time (counted by the
    server from heartbeats): the growth since we last saw it goes to the day of ``at``; crossing a daily-study
    rule's minutes credits it for that day."""
    day = local_day(at)
    with transaction.atomic():
        _lock(member_id)
        seen, _created = StudySeen.objects.get_or_create(progress_id=progress_id)
        delta = float(total_seconds) - seen.seconds
        if delta <= 0:
            return []
        StudySeen.objects.filter(pk=seen.pk).update(seconds=float(total_seconds))
        if not StudyDay.objects.filter(member_id=member_id, date=day).update(seconds=F("seconds") + delta):
            StudyDay.objects.create(member_id=member_id, date=day, seconds=delta)
        minutes = int(StudyDay.objects.get(member_id=member_id, date=day).seconds // 60)
        return credit(member_id, Action.STUDY, f"study:{day.isoformat()}", when=day, minutes=minutes)


def rebuild_totals(member_ids: Iterable[int] | None = None) -> int:
    """Recompute PointTotal from the ledger (all members, or those given). Returns the rows written."""
    entries = PointEntry.objects.all()
    totals = PointTotal.objects.all()
    if member_ids is not None:
        member_ids = list(member_ids)
        entries, totals = entries.filter(member_id__in=member_ids), totals.filter(member_id__in=member_ids)
    with transaction.atomic():
        totals.delete()
        rows = {}
        for r in entries.values("member_id", "year", "month").annotate(p=Sum("points")).order_by():
            rows[(r["member_id"], r["year"], r["month"])] = r["p"]
            key = (r["member_id"], r["year"], 0)
            rows[key] = rows.get(key, 0) + r["p"]
        PointTotal.objects.bulk_create(
            [PointTotal(member_id=m, year=y, month=mo, points=p) for (m, y, mo), p in rows.items()],
            batch_size=2000)
    return len(rows)
