"""Speed and memory of the HR reports on 100,000 members, ~2,000 units and 2,000,000 ledger entries.

    .venv/bin/python bench/reports_bench.py [--members 100000] [--entries 2000000] [--keep DIR]

Builds, in a throw-away SQLite database (the embedded default), an organization of one committee,
40 general branches and 1,960 branches; members spread over the branches (85 % party members,
5 % activists without an hour requirement, 5 % branch secretaries, 5 % committee members); the
year's default training plan (32 h / 56 h); the ledger entries of the year (course, lesson, quiz,
live, offline; in date order with random members, as real crediting lays them out; 0.1 % of them
reversed); one assignment per member (10 % overdue). Then it times:

- the compliance report for the whole organization and for one branch (rows fully produced);
- the XLSX export (openpyxl write-only) and the streamed CSV export of the hours summary of the
  whole organization (one line per member), and the CSV of the training records of the whole
  organization (one line per ledger entry; its XLSX with --records-xlsx);

and measures each export's peak memory growth (peak RSS above the RSS before it, from
/proc/self/status VmHWM after resetting it; tracemalloc where that is not possible).
Targets (2-core machine): compliance report <= 2 s for the whole organization; exports with peak
memory growth <= 200 MB. Ends with one JSON line of figures and targets.
"""

import argparse
import datetime
import json
import os
import random
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_COMPLIANCE_S = 2.0
TARGET_EXPORT_MB = 200.0
TITLES = ["习近平新时代中国特色社会主义思想专题学习", "党章党规党纪学习", "主题党日活动", "廉洁从业警示教育",
          "安全生产专题培训", "党史学习教育", "三会一课", "组织生活会", "专题党课", "红色教育基地现场教学",
          "网络直播党课", "支部书记履职能力培训", "入党积极分子培训", "新发展理念专题", "纪律教育学习月"]
SOURCES = [("lesson", 0.40, ["0.25", "0.5", "0.75", "1"]), ("course", 0.30, ["1", "2", "3", "4"]),
           ("quiz", 0.10, ["0.5", "1"]), ("live", 0.10, ["1.5", "2", "3"]), ("offline", 0.10, ["2", "3", "4"])]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--members", type=int, default=100_000)
    p.add_argument("--entries", type=int, default=2_000_000)
    p.add_argument("--keep", help="build in (or reuse) this directory instead of a temporary one")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--build-only", action="store_true", help="build the database (with --keep) and stop")
    p.add_argument("--records-xlsx", action="store_true",
                   help="also time the XLSX of every ledger entry (2M rows: about 10 minutes)")
    return p.parse_args()


def setup_django(var_dir: Path):
    os.environ["LMS_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build_units():
    from lms.org.models import OrgUnit

    root = OrgUnit.add_root(name="集团党委", kind=OrgUnit.Kind.COMMITTEE)
    branches = []
    for g in range(40):
        general = root.add_child(name=f"第{g + 1:02d}党总支", kind=OrgUnit.Kind.GENERAL_BRANCH)
        for b in range(49):
            branches.append(general.add_child(name=f"第{g + 1:02d}-{b + 1:02d}党支部", kind=OrgUnit.Kind.BRANCH))
        root.refresh_from_db()
    return root, branches


def build(n_members: int, n_entries: int, rng: random.Random, year: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from lms.catalog.bootstrap import ensure_catalog_home
    from lms.catalog.models import CoursePage
    from lms.org.models import Member, MemberRole, Role
    from lms.training.models import Assignment
    from lms.training.plans import get_plan

    started = time.perf_counter()
    today = timezone.localdate()
    get_plan(year)  # the year's default plan, before any member exists (nothing to evaluate yet)
    root, branches = build_units()
    home = ensure_catalog_home()
    course = CoursePage(title="全员必修：党章学习", slug="bench-course", tier="elective")
    home.add_child(instance=course)
    roles = {r.code: r.pk for r in Role.objects.all()}
    User = get_user_model()
    last_year = datetime.date(year - 1, 6, 1)
    with transaction.atomic():
        User.objects.bulk_create([User(username=f"R{i:07d}", password="!") for i in range(n_members)],
                                 batch_size=5000)
        users = dict(User.objects.filter(username__startswith="R").values_list("username", "pk"))
        Member.objects.bulk_create(
            [Member(user_id=users[f"R{i:07d}"], employee_no=f"R{i:07d}", name=f"党员{i}",
                    org_unit_id=branches[i % len(branches)].pk) for i in range(n_members)], batch_size=5000)
        member_ids = list(Member.objects.filter(employee_no__startswith="R").order_by("pk")
                          .values_list("pk", flat=True))
        links = []
        for member_id in member_ids:
            kind = rng.random()
            if kind < 0.05:
                links.append(MemberRole(member_id=member_id, role_id=roles["activist"], gained_on=last_year))
                continue
            links.append(MemberRole(member_id=member_id, role_id=roles["member"], gained_on=last_year))
            if kind < 0.10:
                links.append(MemberRole(member_id=member_id, role_id=roles["branch_secretary"], gained_on=last_year))
            elif kind < 0.15:
                links.append(MemberRole(member_id=member_id, role_id=roles["committee_member"], gained_on=last_year))
        MemberRole.objects.bulk_create(links, batch_size=5000)
        assignments = []
        for i, member_id in enumerate(member_ids):
            due = datetime.date(year, 6, 30) if i % 10 else datetime.date(year, 12, 31)
            status = "completed" if i % 10 not in (1, 2) else "active"
            assignments.append(Assignment(member_id=member_id, course=course, source="manual", year=year,
                                          due_on=due, original_due_on=due, status=status))
        Assignment.objects.bulk_create(assignments, batch_size=5000)
    print(f"  units, members, roles, assignments: {time.perf_counter() - started:.1f}s", flush=True)

    # Ledger entries straight into the table in large batches (what credit() writes, without its checks).
    days = max(1, (min(today, datetime.date(year, 12, 31)) - datetime.date(year, 1, 1)).days + 1)
    weights = [w for _s, w, _h in SOURCES]
    now = timezone.now().strftime("%Y-%m-%d %H:%M:%S")
    sql = ("INSERT INTO records_studyhourentry (member_id, date, year, hours, source, reference, title, reason, "
           "created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, '', %s)")
    batch, written = [], 0
    first_day = datetime.date(year, 1, 1)
    with transaction.atomic(), connection.cursor() as cursor:
        # In date order with random members, as a year of real crediting lays the rows out.
        for i in range(n_entries):
            member_id = member_ids[rng.randrange(n_members)]
            source, _w, hours = rng.choices(SOURCES, weights)[0]
            day = first_day + datetime.timedelta(days=i * days // n_entries)
            batch.append((member_id, day.isoformat(), year, rng.choice(hours), source, f"bench:{i}",
                          rng.choice(TITLES), now))
            if len(batch) >= 50_000:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
        # 0.1 % of the entries reversed with a reason.
        cursor.execute("SELECT id, member_id, hours, year FROM records_studyhourentry ORDER BY id LIMIT %s",
                       [n_entries // 1000])
        reversals = [(m, today.isoformat(), y, str(-Decimal(str(h))), "correction", f"reverses:{pk}", "冲销",
                      pk, "重复录入", now) for pk, m, h, y in cursor.fetchall()]
        cursor.executemany(
            "INSERT INTO records_studyhourentry (member_id, date, year, hours, source, reference, title, "
            "reverses_id, reason, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", reversals)
        cursor.execute("ANALYZE")
    print(f"  ledger: {written + len(reversals)} entries in {time.perf_counter() - started:.1f}s total", flush=True)
    branch = branches[len(branches) // 2]
    return {"root": root, "branch": branch, "build_s": time.perf_counter() - started, "entries": written}


def reuse(saved: dict) -> dict:
    from lms.org.models import OrgUnit

    return {"root": OrgUnit.objects.get(pk=saved["root"]), "branch": OrgUnit.objects.get(pk=saved["branch"]),
            "entries": saved["entries"], "build_s": saved["build_s"]}


class PeakMemory:
    """Peak RSS growth of this process during a block (VmHWM reset through /proc/self/clear_refs)."""

    def __enter__(self):
        self.mode = "rss"
        try:
            with open("/proc/self/clear_refs", "w") as fh:
                fh.write("5")
            self.base = self._status("VmRSS")
        except OSError:
            import tracemalloc

            self.mode = "tracemalloc"
            tracemalloc.start()
        return self

    def __exit__(self, *exc):
        if self.mode == "rss":
            self.growth_mb = max(0.0, (self._status("VmHWM") - self.base) / 1024)
        else:
            import tracemalloc

            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            self.growth_mb = peak / 1024 / 1024
        return False

    @staticmethod
    def _status(key: str) -> int:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        raise OSError(key)


CPU = {}


def timed(fn, repeat=1):
    """Best wall time of ``repeat`` runs; CPU["last"] holds that run's CPU time (this process)."""
    best, result = None, None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = fn()
        elapsed = time.perf_counter() - started
        if best is None or elapsed < best:
            best, CPU["last"] = elapsed, time.process_time() - cpu
    return result, best


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    var_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="reports-bench-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        setup_django(var_dir)
        print(f"migrated in {time.perf_counter() - t0:.1f}s", flush=True)
        from django.utils import timezone

        year = timezone.localdate().year
        marker = var_dir / "built.json"
        if args.keep and marker.exists():
            data = reuse(json.loads(marker.read_text()))
            print(f"reusing the database in {var_dir}", flush=True)
        else:
            data = build(args.members, args.entries, rng, year)
            print(f"built {args.members} members / {data['entries']} entries in {data['build_s']:.1f}s", flush=True)
            if args.keep:
                marker.write_text(json.dumps({"root": data["root"].pk, "branch": data["branch"].pk,
                                              "entries": data["entries"], "build_s": data["build_s"]}))
        if args.build_only:
            return

        from lms.reports import exporting, services

        def run(name, org=None):
            params = {"year": str(year)}
            if org is not None:
                params["org"] = str(org.pk)
            return services.build_run(None, name, params, shell=True)

        def produce(name, org=None):
            return len(list(run(name, org).rows()))

        figures = {"members": args.members, "units": 2001, "entries": data["entries"]}
        rows, first = timed(lambda: produce("compliance"))
        _rows, best = timed(lambda: produce("compliance"), repeat=3)
        figures.update(compliance_org_rows=rows, compliance_org_first_s=round(first, 2),
                       compliance_org_s=round(best, 2), compliance_org_cpu_s=round(CPU["last"], 2))
        print(f"compliance, whole organization: {rows} rows, first {first:.2f}s, best {best:.2f}s "
              f"(cpu {CPU['last']:.2f}s)", flush=True)
        rows, best = timed(lambda: produce("compliance", data["branch"]), repeat=3)
        figures.update(compliance_branch_rows=rows, compliance_branch_s=round(best, 3))
        print(f"compliance, one branch: {rows} rows, {best * 1000:.0f} ms", flush=True)

        out_dir = var_dir / "exports"
        out_dir.mkdir(exist_ok=True)
        exports = [("hours_summary", "csv"), ("hours_summary", "xlsx"), ("training_records", "csv")]
        if args.records_xlsx:
            exports.append(("training_records", "xlsx"))
        for name, fmt in exports:
            path = out_dir / f"{name}.{fmt}"
            with PeakMemory() as mem, open(path, "wb") as fh:
                count, elapsed = timed(lambda fh=fh, name=name, fmt=fmt: exporting.write(run(name), fmt, "zh-hans",
                                                                                      fh))
            size_mb = path.stat().st_size / 1024 / 1024
            key = f"{name}_{fmt}"
            figures.update({f"{key}_rows": count, f"{key}_s": round(elapsed, 1), f"{key}_cpu_s": round(CPU["last"], 1),
                            f"{key}_peak_mb": round(mem.growth_mb, 1), f"{key}_file_mb": round(size_mb, 1)})
            print(f"{name}.{fmt}: {count} rows in {elapsed:.1f}s, peak memory growth {mem.growth_mb:.0f} MB "
                  f"({mem.mode}), file {size_mb:.0f} MB", flush=True)
            path.unlink()
        peak = max(v for k, v in figures.items() if k.endswith("_peak_mb"))
        figures.update(
            target_compliance_org_s=TARGET_COMPLIANCE_S, target_export_peak_mb=TARGET_EXPORT_MB,
            compliance_ok=figures["compliance_org_s"] <= TARGET_COMPLIANCE_S,
            exports_memory_ok=peak <= TARGET_EXPORT_MB, cores=os.cpu_count(),
        )
        print(json.dumps({"bench": "reports", **figures}, ensure_ascii=False))
    finally:
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
