"""The assignment engine: bring plan assignments in line with the rules, set-based and idempotent.

For a chunk of members it loads their facts (two queries), their live plan
assignments (one query) and computes the wanted (member, course) → due date
map in memory; the difference becomes one bulk insert, one bulk withdrawal
and one bulk due-date update. Running it twice changes nothing.

- A member under several rules gets the union of the courses; where two rules
  give the same course the earlier due date (and its rule) wins.
- A due date is never before the day the assignment was made.
- Completed assignments stay completed; active ones that no longer apply are
  withdrawn (kept with a timestamp and reason, hours already earned untouched).
- A course completed earlier in the plan year completes the new assignment at once.
"""

import datetime
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.org.models import Member
from lms.progress.models import Enrollment

from .models import Assignment, TrainingPlan
from .plans import current_plans
from .rules import CompiledRule, MemberFacts, compile_rules, facts_in_range, member_facts

CHUNK = 5000
ID_LIST_CHUNK = 2000
ACTIVE, COMPLETED, WITHDRAWN = Assignment.Status.ACTIVE, Assignment.Status.COMPLETED, Assignment.Status.WITHDRAWN


@dataclass
class EvalResult:
    members: int = 0
    created: int = 0
    completed_on_create: int = 0
    withdrawn: int = 0
    updated: int = 0
    seconds: float = 0.0
    plans: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"members": self.members, "created": self.created, "completed_on_create": self.completed_on_create,
                "withdrawn": self.withdrawn, "updated": self.updated, "seconds": round(self.seconds, 3),
                "plans": self.plans}

    @property
    def changed(self) -> int:
        return self.created + self.withdrawn + self.updated


def evaluate(*, plans: list[TrainingPlan] | None = None, member_ids=None, now: datetime.datetime | None = None,
             chunk: int = CHUNK) -> EvalResult:
    """Re-evaluate ``member_ids`` (default: every member) against ``plans`` (default: current plans)."""
    started = time.perf_counter()
    now = now or timezone.now()
    result = EvalResult()
    plans = current_plans() if plans is None else plans
    for plan in plans:
        result.plans.append(plan.pk)
        rules = compile_rules(plan) if plan.is_active else []
        for facts in _fact_chunks(member_ids, chunk):
            with transaction.atomic():
                _evaluate_chunk(plan, rules, facts, now, result)
            if len(result.plans) == 1:
                result.members += len(facts)
    result.seconds = time.perf_counter() - started
    return result


def _fact_chunks(member_ids, chunk: int):
    if member_ids is not None:
        ids = sorted({int(i) for i in member_ids})
        for start in range(0, len(ids), ID_LIST_CHUNK):
            yield member_facts(ids[start:start + ID_LIST_CHUNK])
        return
    all_ids = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(all_ids), chunk):
        part = all_ids[start:start + chunk]
        yield facts_in_range(part[0], part[-1])


def wanted_for(plan: TrainingPlan, rules: list[CompiledRule], facts: MemberFacts):
    """(course id → (due date, rule)) this member must take under the plan."""
    wanted: dict[int, tuple[datetime.date, CompiledRule]] = {}
    if not facts.is_active:
        return wanted
    start, end = plan.starts_on, plan.ends_on
    for rule in rules:
        if not rule.course_ids:
            continue
        role_dates = rule.matched_roles(facts, start, end)
        if role_dates is None:
            continue
        due = rule.due_for(facts, role_dates, start)
        for course_id in rule.course_ids:
            current = wanted.get(course_id)
            if current is None or due < current[0]:
                wanted[course_id] = (due, rule)
    return wanted


def _evaluate_chunk(plan, rules, facts: dict[int, MemberFacts], now, result: EvalResult) -> None:
    today = timezone.localdate(now)
    ids = list(facts)
    if not ids:
        return
    low, high = min(ids), max(ids)
    existing_qs = Assignment.objects.filter(plan=plan, source=Assignment.Source.RULE,
                                            status__in=[ACTIVE, COMPLETED])
    if len(ids) == high - low + 1 or len(ids) > ID_LIST_CHUNK:
        existing_qs = existing_qs.filter(member_id__gte=low, member_id__lte=high)
    else:
        existing_qs = existing_qs.filter(member_id__in=ids)
    existing = {}
    for row in existing_qs.values_list("pk", "member_id", "course_id", "status", "due_on", "rule_id"):
        if row[1] in facts:
            existing[(row[1], row[2])] = row

    to_create: list[tuple[int, int, datetime.date, CompiledRule]] = []
    changed: list[tuple[int, datetime.date, CompiledRule]] = []
    seen: set[tuple[int, int]] = set()
    for member_id, member in facts.items():
        for course_id, (due, rule) in wanted_for(plan, rules, member).items():
            key = (member_id, course_id)
            seen.add(key)
            row = existing.get(key)
            if row is None:
                to_create.append((member_id, course_id, max(due, today), rule))
            elif row[3] == ACTIVE and (row[4] != due or row[5] != rule.id):
                changed.append((row[0], due, rule))
    withdraw_ids = [row[0] for key, row in existing.items() if key not in seen and row[3] == ACTIVE]
    to_update = _due_updates(changed, {row[0]: row for row in existing.values()})

    if to_create:
        done = _completions(plan, {m for m, *_ in to_create})
        rows = []
        for member_id, course_id, due, rule in to_create:
            completed_at = done.get((member_id, course_id))
            rows.append((member_id, course_id, plan.pk, plan.version, rule.id, rule.name, due,
                         COMPLETED if completed_at else ACTIVE, completed_at))
            result.completed_on_create += bool(completed_at)
        _insert(rows, plan.year, now)
        result.created += len(rows)
    if to_update:
        Assignment.objects.bulk_update(to_update, ["due_on", "rule_id", "rule_name"], batch_size=500)
        result.updated += len(to_update)
    if withdraw_ids:
        reason = _("The training plan no longer requires this course for the member.")
        for start in range(0, len(withdraw_ids), ID_LIST_CHUNK):
            result.withdrawn += Assignment.objects.filter(
                pk__in=withdraw_ids[start:start + ID_LIST_CHUNK], status=ACTIVE
            ).update(status=WITHDRAWN, withdrawn_at=now, withdrawn_reason=reason)


def _due_updates(changed, rows_by_id) -> list[Assignment]:
    """Active assignments whose rule or due date changed. A due date never moves before the day
    the assignment was made, so that day is read for the (few) rows whose date would change."""
    if not changed:
        return []
    assigned_on = {}
    ids = [pk for pk, _due, _rule in changed]
    for start in range(0, len(ids), ID_LIST_CHUNK):
        for pk, assigned_at in Assignment.objects.filter(pk__in=ids[start:start + ID_LIST_CHUNK]).values_list(
                "pk", "assigned_at"):
            assigned_on[pk] = timezone.localdate(assigned_at)
    updates = []
    for pk, due, rule in changed:
        due = max(due, assigned_on.get(pk, due))
        row = rows_by_id[pk]
        if row[4] != due or row[5] != rule.id:
            updates.append(Assignment(pk=pk, due_on=due, rule_id=rule.id, rule_name=rule.name))
    return updates


INSERT_COLUMNS = ["member_id", "course_id", "plan_id", "plan_version", "rule_id", "rule_name", "due_on", "status",
                  "completed_at", "source", "year", "original_due_on", "assigned_at", "withdrawn_reason", "note"]


def _insert(rows, year: int, now: datetime.datetime) -> None:
    """Plain multi-row INSERT … (conflicts ignored): bulk_create's per-field preparation is the
    bottleneck for hundreds of thousands of rows, and these values are all simple.

    A concurrent evaluation of the same member may have inserted a row first: the partial
    unique constraint makes that a no-op instead of a duplicate."""
    from django.db import connection
    from django.db.models.constants import OnConflict

    ops = connection.ops
    table = ops.quote_name(Assignment._meta.db_table)
    columns = ", ".join(ops.quote_name(c) for c in INSERT_COLUMNS)
    suffix = ops.on_conflict_suffix_sql([], OnConflict.IGNORE, None, None)
    assigned_at = ops.adapt_datetimefield_value(now)
    sql = (f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} {table} ({columns}) "
           f"VALUES ({', '.join(['%s'] * len(INSERT_COLUMNS))}) {suffix}")
    params = []
    for member_id, course_id, plan_id, version, rule_id, rule_name, due, status, completed_at in rows:
        due_db = ops.adapt_datefield_value(due)
        params.append((member_id, course_id, plan_id, version, rule_id, rule_name, due_db, status,
                       ops.adapt_datetimefield_value(completed_at), Assignment.Source.RULE, year, due_db,
                       assigned_at, "", ""))
    with connection.cursor() as cursor:
        for start in range(0, len(params), 5000):
            cursor.executemany(sql, params[start:start + 5000])


def _completions(plan: TrainingPlan, member_ids: set[int]) -> dict[tuple[int, int], datetime.datetime]:
    """Courses the members completed within the plan year (these count for new assignments)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(plan.starts_on, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(plan.ends_on + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    done = {}
    ids = sorted(member_ids)
    for part in range(0, len(ids), ID_LIST_CHUNK):
        for member_id, course_id, completed_at in Enrollment.objects.filter(
            member_id__in=ids[part:part + ID_LIST_CHUNK], completed_at__gte=start, completed_at__lt=end,
        ).values_list("member_id", "course_id", "completed_at"):
            done[(member_id, course_id)] = completed_at
    return done


def complete_assignments(member_id: int, course_id: int, completed_at: datetime.datetime | None = None) -> int:
    """The member completed the course: every active assignment of it is done."""
    return Assignment.objects.filter(member_id=member_id, course_id=course_id, status=ACTIVE).update(
        status=COMPLETED, completed_at=completed_at or timezone.now()
    )
