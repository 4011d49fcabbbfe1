"""Organizational life (lms.activities) at scale on PostgreSQL: 20,000 branches, 100,000 members.

    .venv/bin/python bench/activities_bench.py [--branches 20000] [--members-per-branch 5] [--small]
        [--scans 2000] [--runs 3] [--profile] [--keep DIR]

Starts a private PostgreSQL (tools/local_services.py, as bench/pg_scale.py does: a throw-away folder, or DIR
with --keep), runs Django on it (config.settings.test), migrates (the activity kinds are seeded after migrate)
and builds, in SQL (INSERT … SELECT generate_series, COPY; secondary indexes and constraints dropped while a
table is filled, see pg_scale.bulk_load):

- an org tree: one committee → --committees committees (default one per 1,000 branches) → --branches
  branches, and a party group under --group-share of the branches (treebeard materialized paths, numchild
  and sibling order as ``add_child`` lays them out);
- --members-per-branch members per branch (users, members with unique employee numbers, the member role; the
  first two of each branch are its secretary and a committee member; in a branch with a party group the last
  two belong to the group).

Then it times, through the functions the tasks, pages and API call:

1. ``plans.generate_plans(year)`` for every branch and group (one run: it is idempotent, a second run has
   nothing to create) — target <= 60 s; the slots created are reported;
2. an organization-wide session (``services.schedule`` with audience "subtree" on the root: every member
   expected) and the import of a CSV of every member (employee_no, status, note: 90 % present, 4 % late,
   3 % excused leave, 3 % absent) through ``importer.import_attendance``, ledger credits included — target
   <= 60 s; then the same file again (nothing to change) and 2,000 sequential QR sign-ins of another session
   (``signin.check_token`` + ``services.sign_in``, each one committed; mean and p95 in ms, no target);
3. after ~30 % of the slots are made held (activities linked to their slots, attendance of the unit's
   members, minutes for most; in SQL), the organizational-life reports of the whole organization
   (``lms.reports.services.build_run(None, name, {"year": …}, shell=True)``, every row produced):
   ``org_life_completion`` (one line per branch) and ``org_life_ledger`` (one line per held activity) when
   registered, else ``selectors.plan_completion`` + ``held_activities`` as a stand-in — target <= 5 s each,
   best of --runs after a first run.

For each timed operation the SQL time and the slowest statements are listed (with a missed target the slowest
SELECTs are run again under EXPLAIN ANALYZE); --profile adds a cProfile of the timed Python (which slows it).
Prints a table and ends with one JSON line of figures, targets and whether all were met (exit 0 either way).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime
import io
import json
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pg_scale import (  # noqa: E402
    NAMES_FAMILY,
    NAMES_GIVEN,
    PG_SETTINGS,
    QueryLog,
    apply_pg_settings,
    bulk_load,
    check_tree,
    copy_line,
    copy_rows,
    print_top,
    scalar,
    setup_django,
    short,
    sql,
    start_postgres,
)

TARGETS = {"plan_seconds": 60.0, "import_seconds": 60.0, "report_seconds": 5.0}
REPORTS = ("org_life_completion", "org_life_ledger")
IMPORT_MIX = [("present", 90), ("late", 4), ("leave", 3), ("absent", 3)]  # percent of the CSV's rows


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--branches", type=int, default=20_000)
    p.add_argument("--members-per-branch", type=int, default=5)
    p.add_argument("--small", action="store_true", help="a quick smoke run: 1,000 branches, 500 scans")
    p.add_argument("--committees", type=int, default=0, help="committees under the root (0: one per 1,000 branches)")
    p.add_argument("--group-share", type=float, default=0.1, help="share of the branches with a party group")
    p.add_argument("--held-share", type=float, default=0.3, help="share of the plan slots made held before step 3")
    p.add_argument("--scans", type=int, default=2000, help="sequential QR sign-ins timed")
    p.add_argument("--runs", type=int, default=3, help="timed runs of each report after the first")
    p.add_argument("--profile", action="store_true", help="cProfile the timed steps (slower figures)")
    p.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest statements always")
    p.add_argument("--keep", help="keep the database folder here instead of a throw-away one")
    p.add_argument("--pg-settings", default=",".join(f"{k}={v}" for k, v in PG_SETTINGS.items()),
                   help="ALTER SYSTEM settings (k=v,…; empty: PostgreSQL's defaults)")
    args = p.parse_args()
    if args.small:
        args.branches = 1_000
        args.scans = min(args.scans, 500)
    if args.branches < 1 or args.members_per_branch < 1:
        p.error("--branches and --members-per-branch must be positive")
    args.committees = args.committees or max(2, round(args.branches / 1000))
    return args


def log(msg: str = "") -> None:
    print(msg, flush=True)


@contextlib.contextmanager
def profiled(enabled: bool, label: str, lines: int = 22):
    """cProfile the block (when enabled) and print where the time went, by own and by cumulative time."""
    if not enabled:
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order).print_stats(lines)
            text = out.getvalue()
            start = text.find("   ncalls")
            log(f"  profile of {label} by {order}:")
            for line in text[start:].rstrip().splitlines():
                log(f"    {line}")


def explain(statement: str, params, lines: int = 40, width: int = 300) -> None:
    """pg_scale.explain with each plan line cut to ``width`` (an IN list of 200,000 ids is one line)."""
    from django.db import connection

    if not statement.lstrip().upper().startswith("SELECT"):
        return
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
        plan = [row[0] for row in cursor.fetchall()]
    log(f"    EXPLAIN ANALYZE {short(statement, 150)}")
    for line in plan[:lines]:
        log(f"      {line if len(line) <= width else line[:width - 1] + '…'}")
    if len(plan) > lines:
        log(f"      … {len(plan) - lines} more lines")


def pct(sorted_values: list[float], p: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, round(p / 100 * (len(sorted_values) - 1)))]


def insert_select(model, exprs: dict, tail: str, params: list | None = None) -> int:
    """INSERT INTO model's table every concrete column: ``exprs`` (column → SQL over ``tail``, or (SQL, params)),
    else NULL for nullable columns, else the field's default: fields added to the model later do not break it."""
    from django.db import connection

    columns, selects, select_params = [], [], []
    for f in model._meta.concrete_fields:
        if f.column in exprs:
            expr = exprs[f.column]
            expr, expr_params = (expr, []) if isinstance(expr, str) else expr
            selects.append(expr)
            select_params += expr_params
        elif f.primary_key:
            continue
        elif f.null:
            selects.append("NULL")
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            selects.append("now()")
        else:
            value = f.get_default()
            if value is None:
                raise SystemExit(f"{model.__name__}.{f.name}: no value for a NOT NULL column (update the bench)")
            selects.append("%s")
            select_params.append(f.get_db_prep_save(value, connection))
        columns.append(connection.ops.quote_name(f.column))
    statement = (f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(selects)} {tail}")
    with connection.cursor() as cursor:
        cursor.execute(statement, select_params + list(params or []))
        return cursor.rowcount


# --------------------------------------------------------------------------- the world
def build_units(args) -> dict:
    """Root committee → committees → branches (→ one party group under some), by COPY, paths as treebeard's
    add_child lays them out (siblings in name order: the zero-padded names sort like their numbers)."""
    from lms.org.models import OrgUnit

    if OrgUnit.objects.exists():
        raise SystemExit("the database already has org units: build into an empty one")
    n, c = args.branches, args.committees
    per_committee = [n // c + (1 if i < n % c else 0) for i in range(c)]
    every = round(1 / args.group_share) if args.group_share > 0 else 0
    lines, branch_paths, group_paths = [], [], {}
    root = OrgUnit._get_path(None, 1, 1)
    lines.append(copy_line(root, 1, c, "集团党委", OrgUnit.Kind.COMMITTEE, "HQ"))
    number = 0
    for ci in range(c):
        cpath = OrgUnit._get_path(root, 2, ci + 1)
        lines.append(copy_line(cpath, 2, per_committee[ci], f"第{ci + 1:03d}分党委", OrgUnit.Kind.COMMITTEE,
                               f"C{ci + 1:03d}"))
        for b in range(per_committee[ci]):
            path = OrgUnit._get_path(cpath, 3, b + 1)
            has_group = bool(every) and number % every == 0
            lines.append(copy_line(path, 3, 1 if has_group else 0, f"第{ci + 1:03d}-{b + 1:05d}党支部",
                                   OrgUnit.Kind.BRANCH, f"C{ci + 1:03d}B{b + 1:05d}"))
            if has_group:
                gpath = OrgUnit._get_path(path, 4, 1)
                lines.append(copy_line(gpath, 4, 0, "第一党小组", OrgUnit.Kind.GROUP,
                                       f"C{ci + 1:03d}B{b + 1:05d}G1"))
                group_paths[len(branch_paths)] = gpath
            branch_paths.append(path)
            number += 1
    copy_rows("org_orgunit", ["path", "depth", "numchild", "name", "kind", "code"], "".join(lines).encode())
    sql("ANALYZE org_orgunit")
    ids = dict(sql("SELECT path, id FROM org_orgunit"))
    return {"root": ids[root], "committees": [ids[OrgUnit._get_path(root, 2, i + 1)] for i in range(c)],
            "branches": [ids[p] for p in branch_paths],
            "groups": [ids[group_paths[i]] if i in group_paths else 0 for i in range(len(branch_paths))],
            "per_committee": per_committee}


def build_members(args, units: dict) -> int:
    """Users and members in blocks per branch (the last two of a branch with a group in the group), the member
    role for all, branch secretary for the first of each branch, committee member for the second."""
    m, n = args.members_per_branch, args.branches * args.members_per_branch
    joined = datetime.datetime(2020, 1, 1, 9, tzinfo=datetime.UTC)
    with bulk_load("auth_user"):
        sql("INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined) SELECT '!', false, 'A' || lpad(g::text, 7, '0'), '', '', '', false, true, %s "
            "FROM generate_series(1, %s) g", [joined, n])
    in_group = "(x.i >= %s - 2 AND %s >= 3 AND (%s::bigint[])[1 + x.b] <> 0)"
    with bulk_load("org_member"):
        sql("INSERT INTO org_member (employee_no, name, email, phone, joined_on, is_active, created_at, updated_at, "
            "user_id, org_unit_id) "
            "SELECT u.username, (%s::text[])[1 + x.g %% %s] || (%s::text[])[1 + (x.g / 7) %% %s], '', '', NULL, "
            f"true, %s, %s, u.id, CASE WHEN {in_group} THEN (%s::bigint[])[1 + x.b] "
            "ELSE (%s::bigint[])[1 + x.b] END "
            "FROM auth_user u, LATERAL (SELECT substr(u.username, 2)::int AS g) g0, "
            "LATERAL (SELECT g0.g, (g0.g - 1) / %s AS b, (g0.g - 1) %% %s AS i) x "
            "WHERE u.username ~ '^A[0-9]+$' ORDER BY x.g",
            [NAMES_FAMILY, len(NAMES_FAMILY), NAMES_GIVEN, len(NAMES_GIVEN), joined, joined, m, m, units["groups"],
             units["groups"], units["branches"], m, m])
    roles = dict(sql("SELECT code, id FROM org_role"))
    with bulk_load("org_memberrole"):
        sql("INSERT INTO org_memberrole (member_id, role_id, gained_on) SELECT id, %s, %s FROM org_member "
            "WHERE employee_no ~ '^A[0-9]+$'", [roles["member"], joined.date()])
        sql("INSERT INTO org_memberrole (member_id, role_id, gained_on) "
            "SELECT id, CASE WHEN (substr(employee_no, 2)::int - 1) %% %s = 0 THEN %s ELSE %s END, %s "
            "FROM org_member WHERE employee_no ~ '^A[0-9]+$' AND (substr(employee_no, 2)::int - 1) %% %s < 2 "
            "AND %s >= 2", [m, roles["branch_secretary"], roles["committee_member"], joined.date(), m, m])
    sql("VACUUM ANALYZE auth_user")
    sql("VACUUM ANALYZE org_member")
    sql("VACUUM ANALYZE org_memberrole")
    return scalar("SELECT count(*) FROM org_member")


def make_held(args, year: int, today: datetime.date) -> dict:
    """~held_share of the year's slots held (windows already open), in SQL: an activity per slot on a day of its
    window (linked to the slot), attendance of the unit's members (committee-only kinds: the branch committee;
    85 % present, 5 % late, 5 % leave, 5 % absent), submitted minutes for 80 % of them."""
    from django.conf import settings

    from lms.activities.models import Activity, Attendance, Minutes

    tz = settings.TIME_ZONE
    total = scalar("SELECT count(*) FROM activities_planslot WHERE year = %s", [year])
    eligible = scalar("SELECT count(*) FROM activities_planslot WHERE year = %s AND activity_id IS NULL "
                      "AND window_start < %s", [year, today])
    threshold = min(10_000, round(args.held_share * total / max(eligible, 1) * 10_000))
    base = scalar("SELECT coalesce(max(id), 0) FROM activities_activity") + 1
    sql("DROP TABLE IF EXISTS bench_held, bench_member")
    sql("CREATE UNLOGGED TABLE bench_held AS "
        "SELECT s.id AS slot_id, %s + s.id AS activity_id, s.unit_id, s.kind_id, k.code AS kind_code, "
        "k.name AS kind_name, k.committee_only, u.kind AS unit_kind, "
        "((s.window_start + ((hashint4(s.id::int) & 2147483647) %% "
        "  (LEAST(s.window_end, %s::date - 1) - s.window_start + 1))) + time '14:30') AT TIME ZONE %s AS starts_at "
        "FROM activities_planslot s JOIN activities_activitykind k ON k.id = s.kind_id "
        "JOIN org_orgunit u ON u.id = s.unit_id "
        "WHERE s.year = %s AND s.activity_id IS NULL AND s.window_start < %s "
        "AND (hashint4(s.id::int + 7) & 2147483647) %% 10000 < %s",
        [base, today, tz, year, today, threshold])
    # Members with their branch (a group member's branch is the group's parent) and whether on its committee.
    sql("CREATE UNLOGGED TABLE bench_member AS "
        "SELECT m.id AS member_id, m.org_unit_id AS unit_id, "
        "CASE WHEN u.kind = 'group' THEN p.id ELSE u.id END AS branch_id, "
        "EXISTS (SELECT 1 FROM org_memberrole r JOIN org_role ro ON ro.id = r.role_id "
        "WHERE r.member_id = m.id AND ro.code IN ('branch_secretary', 'committee_member')) AS committee "
        "FROM org_member m JOIN org_orgunit u ON u.id = m.org_unit_id "
        "LEFT JOIN org_orgunit p ON p.path = substr(u.path, 1, length(u.path) - %s) AND u.kind = 'group' "
        "WHERE m.is_active", [4])
    sql("ANALYZE bench_held")
    sql("ANALYZE bench_member")
    with bulk_load("activities_activity"):
        activities = insert_select(Activity, {
            "id": "h.activity_id", "kind_id": "h.kind_id", "unit_id": "h.unit_id",
            "title": ("h.kind_name || '（' || to_char(h.starts_at AT TIME ZONE %s, 'YYYY-MM-DD') || '）'", [tz]),
            "starts_at": "h.starts_at", "ends_at": "h.starts_at + interval '2 hours'", "place": "'党员活动室'",
            "lecturer": "CASE WHEN h.kind_code = 'party_lecture' THEN '支部书记' ELSE '' END",
            "audience": "'unit'", "status": "'held'", "held_at": "h.starts_at + interval '2 hours'",
            "signin_secret": "md5(h.activity_id::text)", "created_at": "h.starts_at - interval '7 days'",
            "updated_at": "h.starts_at + interval '2 hours'"},
            "FROM bench_held h ORDER BY h.starts_at, h.activity_id")
    sql("SELECT setval(pg_get_serial_sequence('activities_activity', 'id'), "
        "(SELECT max(id) FROM activities_activity))")
    sql("UPDATE activities_planslot s SET activity_id = h.activity_id FROM bench_held h WHERE s.id = h.slot_id")
    r = "((hashint4((h.activity_id * 31 + bm.member_id)::int) & 2147483647) % 100)"
    exprs = {
        "activity_id": "h.activity_id", "member_id": "bm.member_id",
        "status": f"CASE WHEN {r} < 85 THEN 'present' WHEN {r} < 90 THEN 'late' WHEN {r} < 95 THEN 'leave' "
                  "ELSE 'absent' END",
        "method": f"CASE WHEN {r} < 90 THEN 'qr' ELSE '' END",
        "signed_in_at": f"CASE WHEN {r} < 85 THEN h.starts_at - interval '5 minutes' "
                        f"WHEN {r} < 90 THEN h.starts_at + interval '15 minutes' END",
        "is_guest": "false", "note": f"CASE WHEN {r} >= 90 AND {r} < 95 THEN '因公出差' ELSE '' END",
        "updated_at": "h.starts_at + interval '2 hours'"}
    exprs = {k: v.replace("%", "%%") for k, v in exprs.items()}
    with bulk_load("activities_attendance"):
        attendance = insert_select(
            Attendance, exprs,
            "FROM bench_held h JOIN bench_member bm ON bm.branch_id = h.unit_id "
            "WHERE h.unit_kind <> 'group' AND (NOT h.committee_only OR bm.committee) ORDER BY h.activity_id")
        attendance += insert_select(
            Attendance, exprs,
            "FROM bench_held h JOIN bench_member bm ON bm.unit_id = h.unit_id "
            "WHERE h.unit_kind = 'group' AND (NOT h.committee_only OR bm.committee) ORDER BY h.activity_id")
    with bulk_load("activities_minutes"):
        minutes = insert_select(Minutes, {
            "activity_id": "h.activity_id", "content": "'会议由支部书记主持，传达学习了上级精神，讨论了支部工作。'",
            "resolutions": "'一致通过。'", "submitted_at": "h.starts_at + interval '1 day'",
            "updated_at": "h.starts_at + interval '1 day'"},
            "FROM bench_held h WHERE (hashint4(h.activity_id::int + 3) & 2147483647) %% 10 < 8")
    sql("DROP TABLE bench_held, bench_member")
    for table in ("activities_activity", "activities_planslot", "activities_attendance", "activities_minutes"):
        sql(f"VACUUM ANALYZE {table}")
    return {"held_activities": activities, "attendance_rows": attendance, "minutes": minutes,
            "held_share": round(activities / max(total, 1), 3)}


# --------------------------------------------------------------------------- what is timed
def time_plans(args, year: int) -> dict:
    from django.db import connection

    from lms.activities.models import PlanSlot
    from lms.activities.plans import generate_plans

    qlog = QueryLog()
    with profiled(args.profile, "generate_plans"), connection.execute_wrapper(qlog):
        started = time.perf_counter()
        created = generate_plans(year)
        seconds = time.perf_counter() - started
    slots = PlanSlot.objects.filter(year=year).count()
    log(f"1. generate_plans({year}): {created:,} slots created in {seconds:.2f}s "
        f"({created / max(seconds, 1e-9):,.0f}/s; target ≤ {TARGETS['plan_seconds']:.0f}s)")
    print_top(qlog, seconds, "generate_plans", n=3)
    for total, count, shape in qlog.by_shape(3):
        log(f"    {total:8.2f} s over {count:5d} × {shape[:150]}")
    sql("VACUUM ANALYZE activities_planslot")
    return {"plan_seconds": round(seconds, 2), "slots": created, "slots_total": slots}


def session_kind():
    from lms.activities.models import ActivityKind, Period

    return (ActivityKind.objects.filter(code="central_training").first()
            or ActivityKind.objects.filter(period=Period.NONE).first() or ActivityKind.objects.first())


def attendance_csv(numbers: list[str]) -> tuple[bytes, dict[str, int]]:
    """employee_no,status,note for every member: the statuses in IMPORT_MIX, in English and Chinese words."""
    words = {"present": ["present", "出席", "签到"], "late": ["late", "迟到"], "leave": ["请假", "leave"],
             "absent": ["absent", "缺席"]}
    cycle = [status for status, share in IMPORT_MIX for _ in range(share)]
    counts: dict[str, int] = {}
    lines = ["employee_no,status,note"]
    for i, number in enumerate(numbers):
        status = cycle[(i * 37) % len(cycle)]
        counts[status] = counts.get(status, 0) + 1
        word = words[status][i % len(words[status])]
        note = "因公出差" if status == "leave" else ""
        lines.append(f"{number},{word},{note}")
    return ("\n".join(lines) + "\n").encode(), counts


def time_import(args, units: dict) -> dict:
    from django.db import connection
    from django.utils import timezone

    from lms.activities import services
    from lms.activities.attendance import reference
    from lms.activities.models import Activity, Attendance
    from lms.org.models import Member, OrgUnit
    from lms.records.models import StudyHourEntry

    root = OrgUnit.objects.get(pk=units["root"])
    kind = session_kind()
    now = timezone.now()
    started = time.perf_counter()
    activity = services.schedule(user=None, kind=kind, unit=root, title="全集团集中培训：党的二十届全会精神宣讲",
                                 starts_at=now - datetime.timedelta(hours=3), ends_at=now - datetime.timedelta(hours=1),
                                 audience=Activity.Audience.SUBTREE, place="主会场＋各分会场")
    schedule_s = time.perf_counter() - started
    expected = Attendance.objects.filter(activity=activity).count()
    log(f"2. schedule(audience=subtree on the root, kind {kind.code}): {expected:,} expected attendees in "
        f"{schedule_s:.2f}s")
    services.mark_held(activity)
    numbers = list(Member.objects.filter(is_active=True).order_by("org_unit__path", "employee_no")
                   .values_list("employee_no", flat=True))
    data, counts = attendance_csv(numbers)
    qlog = QueryLog()
    with profiled(args.profile, "import_attendance"), connection.execute_wrapper(qlog):
        started = time.perf_counter()
        report = services.import_attendance(activity, data, "attendance.csv")
        seconds = time.perf_counter() - started
    if report.errors:
        log(f"  IMPORT ERRORS ({len(report.errors)}): {[str(e) for e in report.errors[:5]]}")
    attended = counts.get("present", 0) + counts.get("late", 0)
    credits = StudyHourEntry.objects.filter(source="activity", reference=reference(activity.pk)).count()
    linked = Attendance.objects.filter(activity=activity, credit_entry_id__isnull=False).count()
    log(f"   import_attendance: {len(numbers):,} rows ({counts}) in {seconds:.2f}s "
        f"({len(numbers) / max(seconds, 1e-9):,.0f} rows/s; target ≤ {TARGETS['import_seconds']:.0f}s): "
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}; "
        f"{credits:,} ledger credits, {linked:,} attendance rows linked to them (expected {attended:,})"
        f"{'' if credits == linked == attended else ' MISMATCH'}")
    print_top(qlog, seconds, "import", n=4)
    for total, count, shape in qlog.by_shape(4):
        log(f"    {total:8.2f} s over {count:5d} × {shape[:150]}")
    if args.explain or seconds > TARGETS["import_seconds"]:
        for _s, statement, params, _many in qlog.top(2):
            explain(statement, params)
    started = time.perf_counter()
    again = services.import_attendance(activity, data, "attendance.csv")
    reimport_s = time.perf_counter() - started
    log(f"   the same file again: {reimport_s:.2f}s (unchanged {again.unchanged:,}, created {again.created}, "
        f"updated {again.updated})")
    return {"schedule_seconds": round(schedule_s, 2), "import_seconds": round(seconds, 2),
            "import_rows": len(numbers), "import_created": report.created, "import_updated": report.updated,
            "import_errors": len(report.errors), "import_credits": credits, "reimport_seconds": round(reimport_s, 2)}


def time_scans(args, units: dict) -> dict:
    """Sequential sign-ins of one session, as the API's sign-in does: the token checked, then sign_in
    (lock, credit, save; committed). The member is loaded beforehand (the request has request.user.member)."""
    from django.db import connection
    from django.utils import timezone

    from lms.activities import services, signin
    from lms.activities.models import Activity, Attendance
    from lms.org.models import Member, OrgUnit

    per = args.members_per_branch
    candidates = [(n * per, pk) for n, pk in zip(units["per_committee"], units["committees"], strict=True)]
    enough = sorted(c for c in candidates if c[0] >= args.scans + 20)
    unit = OrgUnit.objects.get(pk=enough[0][1] if enough else units["root"])
    now = timezone.now()
    activity = services.schedule(user=None, kind=session_kind(), unit=unit, title="专题党课（扫码签到）",
                                 starts_at=now - datetime.timedelta(minutes=5),
                                 ends_at=now + datetime.timedelta(hours=3), audience=Activity.Audience.SUBTREE)
    ids = list(Attendance.objects.filter(activity=activity).order_by("?").values_list("member_id", flat=True)
               [:args.scans + 20])
    members = {m.pk: m for m in Member.objects.filter(pk__in=ids).select_related("user")}
    if len(ids) < args.scans + 20:
        raise SystemExit(f"only {len(ids)} members expected at the sign-in session: fewer than --scans")
    log(f"   sign-in session of {unit.name}: {Attendance.objects.filter(activity=activity).count():,} expected")

    def scan(member_id: int) -> float:
        at = timezone.now()
        token = signin.token_for(activity, at)  # what the organizer's screen shows (not the member's work)
        started = time.perf_counter()
        signin.check_token(activity, token, at)
        services.sign_in(activity, members[member_id], method=Attendance.Method.QR, now=at)
        return time.perf_counter() - started

    for member_id in ids[:20]:  # warm-up, not counted
        scan(member_id)
    times = []
    qlog = QueryLog()
    with profiled(args.profile, "sign-ins"), connection.execute_wrapper(qlog):
        for member_id in ids[20:]:
            times.append(scan(member_id))
    statements = len(qlog.entries) / max(len(times), 1)
    ms = sorted(t * 1000 for t in times)
    mean, p50, p95 = statistics.fmean(ms), pct(ms, 50), pct(ms, 95)
    signed = Attendance.objects.filter(activity=activity, status__in=("present", "late")).count()
    log(f"   {len(ms):,} sequential QR sign-ins: mean {mean:.2f} ms, p50 {p50:.2f}, p95 {p95:.2f}, "
        f"max {ms[-1]:.2f} ms; {statements:.1f} statements per scan; {signed:,} signed in (incl. warm-up)")
    for total, count, shape in qlog.by_shape(4):
        log(f"    {total:8.2f} s over {count:5d} × {shape[:150]}")
    return {"scan_mean_ms": round(mean, 2), "scan_p50_ms": round(p50, 2), "scan_p95_ms": round(p95, 2),
            "scan_max_ms": round(ms[-1], 2), "scans": len(ms), "scan_statements": round(statements, 1)}


def time_reports(args, year: int, today: datetime.date) -> dict:
    from django.db import connection
    from django.db.models import Q

    from lms.activities import selectors
    from lms.reports import services
    from lms.reports.registry import get_report

    names = [n for n in REPORTS if get_report(n) is not None]
    jobs = []
    for name in names:
        def produce(name=name) -> int:
            run = services.build_run(None, name, {"year": str(year)}, shell=True)
            return sum(1 for _row in run.rows())
        jobs.append((name, produce))
    if not jobs:
        log("3. no org_life_* report is registered: timing selectors.plan_completion + held_activities over every "
            "unit as the stand-in")

        def stand_in() -> int:
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            return len(selectors.plan_completion(Q(), start, end, today)) + len(selectors.held_activities(Q(), start,
                                                                                                        end))
        jobs.append(("selectors.plan_completion+held_activities", stand_in))
    out = {}
    for name, produce in jobs:
        qlog = QueryLog()
        with profiled(args.profile, name), connection.execute_wrapper(qlog):
            started = time.perf_counter()
            rows = produce()
            first = time.perf_counter() - started
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            produce()
            times.append(time.perf_counter() - started)
        best = min(times) if times else first
        out[name] = {"seconds": round(best, 2), "rows": rows, "first_seconds": round(first, 2)}
        log(f"3. report {name}, whole organization: {rows:,} rows; first {first:.2f}s, then "
            f"{', '.join(f'{t:.2f}' for t in times)} s → best {best:.2f}s (target ≤ {TARGETS['report_seconds']:.0f}s)")
        print_top(qlog, first, "first run", n=4)
        if args.explain or best > TARGETS["report_seconds"]:
            for _s, statement, params, _many in qlog.top(2):
                explain(statement, params)
    return out


# --------------------------------------------------------------------------- main
def main():
    args = parse_args()
    folder = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="activities-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise SystemExit(f"{folder} is not empty: give an empty or new folder to --keep")
    folder.chmod(0o755)  # PostgreSQL runs as its own user (when this runs as root) and must reach its folder
    t0 = time.perf_counter()
    services = start_postgres(folder / "services")
    log(f"PostgreSQL at {services.database_url} in {services.pg_data} ({time.perf_counter() - t0:.1f}s)")
    try:
        setup_django(services.database_url, folder / "var")
        from django.core.management import call_command
        from django.utils import timezone

        sql("ALTER SYSTEM RESET ALL")
        pg = apply_pg_settings(args.pg_settings)
        log(f"server settings: {pg or 'defaults'}; PostgreSQL {scalar('SHOW server_version')}; "
            f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
        today = timezone.localdate()
        year = today.year
        build_s: dict[str, float] = {}

        def phase(name, fn, *a):
            started = time.perf_counter()
            result = fn(*a)
            build_s[name] = round(time.perf_counter() - started, 1)
            log(f"  build {name}: {build_s[name]:.1f}s")
            return result

        log(f"building {args.branches:,} branches under {args.committees} committees ({args.group_share:.0%} with a "
            f"party group), {args.members_per_branch} members per branch")
        phase("migrate", lambda: call_command("migrate", verbosity=0, interactive=False))
        units = phase("org_units", build_units, args)
        members = phase("members", build_members, args, units)
        check_tree()
        n_units = scalar("SELECT count(*) FROM org_orgunit")
        groups = sum(1 for g in units["groups"] if g)
        log(f"world: {n_units:,} units ({len(units['branches']):,} branches, {groups:,} party groups), "
            f"{members:,} members; {scalar('SELECT count(*) FROM activities_activitykind')} activity kinds")

        figures: dict = {}
        load: dict[str, float] = {"start": round(os.getloadavg()[0], 1)}
        figures.update(time_plans(args, year))
        load["plans"] = round(os.getloadavg()[0], 1)
        figures.update(time_import(args, units))
        figures.update(time_scans(args, units))
        load["attendance"] = round(os.getloadavg()[0], 1)
        held = phase("held_slots", make_held, args, year, today)
        log(f"made held: {held}")
        reports = time_reports(args, year, today)
        load["reports"] = round(os.getloadavg()[0], 1)
        primary = next(iter(reports))
        figures.update(report=primary, report_seconds=reports[primary]["seconds"],
                       report_rows=reports[primary]["rows"])
        db_mb = round(scalar("SELECT pg_database_size(current_database())") / 2**20)

        met = {"plan_seconds": figures["plan_seconds"] <= TARGETS["plan_seconds"],
               "import_seconds": figures["import_seconds"] <= TARGETS["import_seconds"]
               and figures["import_errors"] == 0,
               **{f"report:{name}": r["seconds"] <= TARGETS["report_seconds"] for name, r in reports.items()}}
        log()
        log(f"{'measure':<40} {'value':>14} {'target':>10}  met")
        rows = [("generate_plans, all branches (s)", figures["plan_seconds"], TARGETS["plan_seconds"],
                 met["plan_seconds"]),
                ("  slots created", figures["slots"], None, None),
                ("schedule, org-wide session (s)", figures["schedule_seconds"], None, None),
                (f"import_attendance, {figures['import_rows']:,} rows (s)", figures["import_seconds"],
                 TARGETS["import_seconds"], met["import_seconds"]),
                ("  same file again (s)", figures["reimport_seconds"], None, None),
                (f"QR sign-in x{figures['scans']}: mean (ms)", figures["scan_mean_ms"], None, None),
                ("  p95 (ms)", figures["scan_p95_ms"], None, None)]
        for name, r in reports.items():
            rows.append((f"report {name} (s)", r["seconds"], TARGETS["report_seconds"], met[f"report:{name}"]))
            rows.append(("  rows", r["rows"], None, None))
        for label, value, target, ok in rows:
            shown = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
            log(f"{label:<40} {shown:>14} {'' if target is None else f'≤ {target:g}':>10}  "
                f"{'' if ok is None else ('yes' if ok else 'NO')}")
        log(f"database {db_mb:,} MB; build {build_s}; load average {load} on {os.cpu_count()} cores")
        print(json.dumps({
            "bench": "activities", "branches": len(units["branches"]), "members": members,
            "plan_seconds": figures["plan_seconds"], "slots": figures["slots"],
            "import_seconds": figures["import_seconds"], "import_rows": figures["import_rows"],
            "scan_mean_ms": figures["scan_mean_ms"], "scan_p95_ms": figures["scan_p95_ms"],
            "report": figures["report"], "report_seconds": figures["report_seconds"],
            "report_rows": figures["report_rows"], "targets": TARGETS, "all_targets_met": all(met.values()),
            "met": met, "reports": reports, "units": n_units, "party_groups": groups,
            "slots_total": figures["slots_total"], "schedule_seconds": figures["schedule_seconds"],
            "reimport_seconds": figures["reimport_seconds"], "import_errors": figures["import_errors"],
            "import_credits": figures["import_credits"], "scans": figures["scans"],
            "scan_p50_ms": figures["scan_p50_ms"], "scan_statements": figures["scan_statements"],
            "held": held, "build_s": build_s, "db_size_mb": db_mb, "profiled": args.profile,
            "load_avg_1m": load, "cores": os.cpu_count(), "pg_settings": pg,
        }, ensure_ascii=False), flush=True)
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        services.stop()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
