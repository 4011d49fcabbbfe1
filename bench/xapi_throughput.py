"""LRS statement throughput and query latency on PostgreSQL (lms.xapi).

    .venv/bin/python bench/xapi_throughput.py [--statements 5000000] [--agents 100000] [--activities 20000]
        [--batches 300] [--writers 4] [--queries 300] [--workers 2] [--threads 8] [--keep DIR]

Starts a private PostgreSQL (tools/local_services.py, as bench/pg_scale.py does), migrates, and loads
--statements statements straight into the LRS's tables in SQL (INSERT … SELECT generate_series, indexes dropped
while the tables fill: pg_scale.bulk_load): each by one of --agents members (pseudonymous accounts), one of eight
ADL verbs and one of --activities activities, with the rows the related_agents / related_activities filters read.
The keys the store files statements under (lms.xapi.statement_keys) are computed here for the populations and
handed to SQL as arrays, so the rows are exactly what the store would have written.

Then gunicorn (gthread, config.wsgi) serves the platform on a free port and the bench, as an LRS client over
HTTP with HTTP Basic:
- writes --batches batches of 100 new statements (POST /xapi/statements) from --writers threads: statements/s
  (target >= 1,000);
- asks --queries times GET /xapi/statements?agent=…&verb=…&activity=… for triples that exist: p50/p95/max
  (target p95 <= 50 ms).
Ends with one JSON line: {"bench": "xapi_throughput", ..., "ok": true|false}.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pg_scale import apply_pg_settings, bulk_load, scalar, setup_django, sql, start_postgres  # noqa: E402

HOME = "https://bench.lms.invalid"
VERBS = [f"http://adlnet.gov/expapi/verbs/{v}" for v in
         ("completed", "attempted", "answered", "passed", "failed", "experienced", "attended", "progressed")]
WRITE_TARGET, P95_TARGET_MS = 1000.0, 50.0
BATCH = 100


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--statements", type=int, default=5_000_000, help="statements stored before measuring")
    p.add_argument("--agents", type=int, default=100_000)
    p.add_argument("--activities", type=int, default=20_000)
    p.add_argument("--chunk", type=int, default=500_000, help="statements per INSERT while loading")
    p.add_argument("--batches", type=int, default=300, help="POST batches of 100 to time")
    p.add_argument("--writers", type=int, default=4, help="client threads posting at once")
    p.add_argument("--queries", type=int, default=300)
    p.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    p.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    p.add_argument("--keep", help="keep the database in DIR (default: a throw-away folder)")
    p.add_argument("--pg-settings", default="work_mem=64MB,effective_cache_size=8GB,random_page_cost=1.1")
    return p.parse_args()


def log(msg: str) -> None:
    print(msg, flush=True)


def actor(i: int) -> dict:
    return {"objectType": "Agent", "account": {"homePage": HOME, "name": f"m{i:07d}"}}


def activity_id(i: int) -> str:
    return f"{HOME}/xapi/activities/lesson/{i}"


# ------------------------------------------------------------------------------------------------ loading
def load(n: int, agents: int, activities: int, chunk: int, client_id: int, authority: dict) -> float:
    from lms.xapi.models.statements import key_of
    from lms.xapi.statement_keys import agent_key

    started = time.perf_counter()
    names = [actor(i)["account"]["name"] for i in range(agents)]
    agent_keys = [agent_key(actor(i)) for i in range(agents)]
    verb_keys = [key_of(v) for v in VERBS]
    activity_ids = [activity_id(i) for i in range(activities)]
    activity_keys = [key_of(a) for a in activity_ids]
    authority_key = agent_key(authority)
    authority_json = json.dumps(authority)
    # Arrival order: the newest statements are the last rows, as when they came one batch after another.
    with bulk_load("xapi_statement", "xapi_statementagent", "xapi_statementactivity"):
        for low in range(0, n, chunk):
            high = min(n, low + chunk)
            sql("""
                INSERT INTO xapi_statement (statement_id, data, stored, timestamp, actor_key, verb_key,
                    object_activity_key, object_agent_key, object_ref, registration, voided, is_voiding,
                    member_id, client_id, has_attachments)
                SELECT sid, jsonb_build_object(
                        'id', sid::text,
                        'actor', jsonb_build_object('objectType', 'Agent', 'account',
                            jsonb_build_object('homePage', %(home)s, 'name', (%(names)s::text[])[1 + a])),
                        'verb', jsonb_build_object('id', (%(verbs)s::text[])[1 + v]),
                        'object', jsonb_build_object('objectType', 'Activity', 'id', (%(acts)s::text[])[1 + o]),
                        'timestamp', to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                        'stored', to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                        'authority', %(authority)s::jsonb, 'version', '1.0.0'),
                    t, t, (%(akeys)s::text[])[1 + a], (%(vkeys)s::text[])[1 + v], (%(okeys)s::text[])[1 + o],
                    '', NULL, NULL, false, false, NULL, %(client)s, false
                FROM generate_series(%(low)s, %(high)s - 1) g,
                LATERAL (SELECT gen_random_uuid() AS sid,
                                (hashint4(g) & 2147483647) %% %(na)s AS a,
                                (hashint4(g + 7) & 2147483647) %% %(nv)s AS v,
                                (hashint4(g + 13) & 2147483647) %% %(no)s AS o,
                                now() - make_interval(secs => (%(n)s - g) * 0.01) AS t) x
                ORDER BY g
            """, {"home": HOME, "names": names, "verbs": VERBS, "acts": activity_ids, "authority": authority_json,
                  "akeys": agent_keys, "vkeys": verb_keys, "okeys": activity_keys, "client": client_id,
                  "low": low, "high": high, "na": agents, "nv": len(VERBS), "no": activities, "n": n})
            log(f"  loaded {high:,} of {n:,} statements ({time.perf_counter() - started:.0f} s)")
        # What store() files beside each statement: its actor and authority, its object.
        sql("INSERT INTO xapi_statementagent (statement_id, agent_key) "
            "SELECT seq, actor_key FROM xapi_statement UNION ALL "
            "SELECT seq, %s FROM xapi_statement", [authority_key])
        sql("INSERT INTO xapi_statementactivity (statement_id, activity_key) "
            "SELECT seq, object_activity_key FROM xapi_statement")
    sql("VACUUM ANALYZE xapi_statement")
    return time.perf_counter() - started


# ------------------------------------------------------------------------------------------------ server
def start_server(env: dict, port: int, workers: int, threads: int, log_path: Path) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    cmd = [gunicorn, "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
           "--workers", str(workers), "--threads", str(threads), "--timeout", "120",
           "--error-logfile", str(log_path)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited ({proc.returncode}):\n{log_path.read_text(errors='replace')[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/xapi/about", headers={"X-Experience-API-Version": "1.0.3"})
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise SystemExit("gunicorn did not answer within 120 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


class Lrs:
    """One keep-alive connection to the LRS (one per client thread)."""

    def __init__(self, port: int, key: str, secret: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode(),
                        "X-Experience-API-Version": "1.0.3"}

    def call(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        return response.status, response.read()


# ------------------------------------------------------------------------------------------------ timing
def time_writes(port: int, key: str, secret: str, batches: int, writers: int, agents: int,
                activities: int) -> dict:
    counter = iter(range(batches))
    lock = threading.Lock()
    errors: list[str] = []
    latencies: list[float] = []

    def batch(rng: random.Random) -> bytes:
        return json.dumps([{"id": str(uuid.uuid4()), "actor": actor(rng.randrange(agents)),
                            "verb": {"id": rng.choice(VERBS), "display": {"en-US": "did"}},
                            "object": {"objectType": "Activity", "id": activity_id(rng.randrange(activities))},
                            "result": {"completion": True}} for _ in range(BATCH)]).encode()

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        lrs = Lrs(port, key, secret)
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            body = batch(rng)
            started = time.perf_counter()
            status, text = lrs.call("POST", "/xapi/statements", body)
            with lock:
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    errors.append(f"{status} {text[:200]!r}")

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    done = batches - len(errors)
    return {"batches": batches, "failed_batches": len(errors), "seconds": round(wall, 2),
            "statements_per_s": round(done * BATCH / wall, 1) if wall else 0.0,
            "batch_p95_ms": round(percentile(latencies, 95) * 1000, 1), "errors": errors[:3]}


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def time_queries(port: int, key: str, secret: str, queries: int) -> dict:
    low, high = sql("SELECT min(seq), max(seq) FROM xapi_statement")[0]
    rng = random.Random(7)
    picks = [rng.randint(low, high) for _ in range(queries)]
    triples = sql("SELECT data->'actor', data->'verb'->>'id', data->'object'->>'id' FROM xapi_statement "
                  "WHERE seq = ANY(%s)", [picks])
    lrs = Lrs(port, key, secret)

    def path(t) -> str:
        agent = t[0] if isinstance(t[0], dict) else json.loads(t[0])
        return "/xapi/statements?" + urllib.parse.urlencode(
            {"agent": json.dumps(agent, separators=(",", ":")), "verb": t[1], "activity": t[2]})

    for t in triples[:10]:  # warm: connections, caches
        lrs.call("GET", path(t))
    times, found, errors = [], 0, []
    for t in triples:
        started = time.perf_counter()
        status, body = lrs.call("GET", path(t))
        times.append(time.perf_counter() - started)
        if status == 200:
            found += bool(json.loads(body).get("statements"))
        else:
            errors.append(f"{status} {body[:200]!r}")
    return {"queries": len(times), "with_results": found, "failed": len(errors), "errors": errors[:3],
            "p50_ms": round(statistics.median(times) * 1000, 1) if times else 0.0,
            "p95_ms": round(percentile(times, 95) * 1000, 1), "max_ms": round(max(times, default=0) * 1000, 1)}


def main():
    args = parse_args()
    folder = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="xapi-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)
    services = start_postgres(folder / "services")
    server = None
    try:
        setup_django(services.database_url, folder / "var")
        from django.core.management import call_command
        from django.db import connection

        from lms.xapi.models import LrsClient
        from lms.xapi.services import platform_authority

        sql("ALTER SYSTEM RESET ALL")
        apply_pg_settings(args.pg_settings)
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        migrate_s = time.perf_counter() - started
        client = LrsClient(name="throughput bench", can_write=True, read="all")
        secret = client.issue_secret()
        client.save()
        authority = platform_authority()  # any agent: what the store files beside every statement
        load_s = load(args.statements, args.agents, args.activities, args.chunk, client.pk, authority)
        stored = scalar("SELECT count(*) FROM xapi_statement")
        size = scalar("SELECT pg_size_pretty(pg_total_relation_size('xapi_statement'))")
        log(f"stored {stored:,} statements ({size} with indexes): migrate {migrate_s:.0f} s, load {load_s:.0f} s; "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
        connection.close()

        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "LOG_LEVEL": "WARNING",
               "LMS_TEST_DATABASE_URL": services.database_url, "LMS_VAR_DIR": str(folder / "var")}
        from tools.local_services import free_port

        port = free_port()
        server = start_server(env, port, args.workers, args.threads, folder / "gunicorn.log")
        queries = time_queries(port, client.key, secret, args.queries)
        log(f"GET agent+verb+activity at {stored:,} statements: p50 {queries['p50_ms']} ms, "
            f"p95 {queries['p95_ms']} ms, max {queries['max_ms']} ms ({queries['with_results']}/{queries['queries']} "
            f"with results, {queries['failed']} failed) — target p95 <= {P95_TARGET_MS:.0f} ms")
        writes = time_writes(port, client.key, secret, args.batches, args.writers, args.agents, args.activities)
        log(f"POST batches of {BATCH}: {writes['statements_per_s']:,} statements/s over {writes['seconds']} s "
            f"({args.writers} writers; batch p95 {writes['batch_p95_ms']} ms; {writes['failed_batches']} failed) "
            f"— target >= {WRITE_TARGET:,.0f}/s")
        for error in writes["errors"] + queries["errors"]:
            log(f"  error: {error}")
        ok = (writes["statements_per_s"] >= WRITE_TARGET and queries["p95_ms"] <= P95_TARGET_MS
              and not writes["failed_batches"] and not queries["failed"])
        print(json.dumps({"bench": "xapi_throughput", "statements": stored, "agents": args.agents,
                          "activities": args.activities, "write_statements_per_s": writes["statements_per_s"],
                          "write_batches": args.batches, "writers": args.writers,
                          "batch_p95_ms": writes["batch_p95_ms"], "get_p50_ms": queries["p50_ms"],
                          "get_p95_ms": queries["p95_ms"], "get_max_ms": queries["max_ms"],
                          "targets": {"write_statements_per_s": WRITE_TARGET, "get_p95_ms": P95_TARGET_MS},
                          "load_s": round(load_s, 1), "cores": os.cpu_count(), "ok": ok}), flush=True)
    finally:
        if server is not None:
            stop_server(server)
        services.stop()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
