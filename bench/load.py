"""Simulated members against the live server: latency, throughput, errors and server CPU per request.

    .venv/bin/python bench/load.py [--profile embedded|production] [--members 500] [--duration 120]
                                   [--ramp S] [--workers W] [--threads T] [--keep DIR]

Builds (or with --keep reuses) a demo organization in a throw-away data folder (LMS_VAR_DIR), nothing in the
checkout's var/: ``manage.py migrate``, ``manage.py seed_demo --once --no-talks`` (no transcription worker
runs here) and, for the bench, N extra members with a known password (bulk-created with one precomputed hash
of the site's own password hasher), a course of video lessons on ready talks (with transcript segments in the
search index, so searches find talks as well as courses) and an unlimited-attempt quiz on the question bank.
Then it starts gunicorn (gthread, ``config.wsgi:application``) on a free 127.0.0.1 port:

- ``--profile embedded`` (default): SQLite, the filesystem broker, per-process cache; ``config.settings.dev``
  with DEBUG off (a settings module written into the data folder; ``--settings config.settings.dev`` runs
  exactly what ``make run`` does), 2 workers x 8 threads as in Procfile.
- ``--profile production``: re-runs itself under ``tools/local_services.py run --production`` (a private
  PostgreSQL and Redis) with an env file from ``tools/prod_env.py``: ``config.settings.production``, DEBUG
  off, collectstatic (manifest storage), the API throttle cache in that Redis (CACHE_URL), 3 workers x 8
  threads as in Procfile.prod.

Simulated members (asyncio + aiohttp, one cookie jar each; a new connection per request as a reverse proxy
makes them, or a shared keep-alive pool with --keepalive) start over ``--ramp``
seconds (default 0.5 s a member: 250 s for 500); each logs in through the real login form (GET for the CSRF
token, POST credentials; the 1M-round PBKDF2 check makes a login cost ~0.25 CPU-s, which is why the ramp is
long; django-axes only counts failures, and the API throttle's 1200/min per user is far above a member's
rate, so nothing is raised or disabled for the bench) and then, until the end, behaves
like a member at a video course: opens a lesson page and plays it with the player's heartbeat (POST
/api/v1/lessons/<id>/heartbeat/ every --beat-interval s, the dominant request), and between videos opens the
catalog, a course, "my learning", searches (/search/?q= with the suggest API as they type, sometimes the
search API; 三会一课, 党课, 安全生产 …) or takes the quiz (start form, attempt page, autosaved answers over
the API, submit form, result page).

The measured window is ``--duration`` seconds of steady state, from when every member has logged in. Per
endpoint it prints requests, throughput, p50/p95/p99 latency and errors (a status other than the expected one,
timeouts, connection errors; errors are counted over the whole run, ramp included), and the server's CPU
seconds per request (utime+stime of the gunicorn master and workers from /proc/<pid>/stat, before/after the
window, over the window's requests). It also reports the CPU of the database servers (production), of this
load generator, and of everything else on the machine (other users of the shared cores).

Targets (2-core machine, production profile): 500 concurrent members with zero errors, heartbeat p95 <= 100 ms,
page p95 <= 300 ms, search p95 <= 150 ms (the embedded default: 100 members with zero errors). Login is
reported but not held to the page target (its cost is the password hash, by design). Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
GUNICORN = str(Path(PY).parent / "gunicorn")

BENCH_PASSWORD = "Bench-Member-Pass-2024"  # noqa: S105 - throw-away database
MEMBER_PREFIX = "L"
BENCH_COURSE_SLUG = "bench-video-course"
# Video lengths of the bench course (s): the short ones complete during a run (ledger credit, course progress).
VIDEO_SECONDS = [60, 180, 600, 900, 1200, 1800]
QUERIES = ["三会一课", "党课", "安全生产", "廉洁从业", "八项规定", "主题党日", "党章", "隐患排查", "组织生活会",
           "党史学习", "支部书记", "警示教育", "安全生产月", "入党积极分子", "高质量发展", "民主评议"]
TERMS = ["三会一课", "支部书记", "八项规定", "主题党日", "党章党规", "隐患排查", "第一责任人", "三级安全教育",
         "高质量发展", "廉洁从业", "警示教育", "组织生活会", "民主评议", "谈心谈话", "入党积极分子", "预备党员",
         "安全生产", "党课", "党史学习教育", "理想信念", "为人民服务", "群众路线", "基层党组织", "标准化建设"]
PHRASES = ["同志们，今天我们重点学习{a}。", "{a}是{b}的重要内容，必须认真落实。", "各支部要把{a}和{b}结合起来。",
           "下面结合案例讲一讲{a}。", "我们要坚持{a}，推动{b}落到实处。", "关于{a}，大家在{b}中要注意三点。",
           "{a}不是走过场，要和{b}一起抓。", "请大家会后对照{a}开展自查。"]

# Targets (2-core machine).
TARGET_MEMBERS = {"production": 500, "embedded": 100}
TARGET_HEARTBEAT_P95_MS = 100.0
TARGET_PAGE_P95_MS = 300.0
TARGET_SEARCH_P95_MS = 150.0
PAGE_ENDPOINTS = ["catalog", "course", "lesson", "my_learning", "quiz_page"]
SEARCH_ENDPOINTS = ["search_page", "search_suggest", "search_api"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--profile", choices=["embedded", "production"], default="embedded")
    p.add_argument("--members", type=int, default=500, help="simulated members (each logs in once)")
    p.add_argument("--duration", type=float, default=120, help="seconds of steady state measured")
    p.add_argument("--ramp", type=float, help="seconds over which members log in (default 0.5 s a member, >= 10)")
    p.add_argument("--workers", type=int, help="gunicorn workers (embedded 2, production 3)")
    p.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    p.add_argument("--worker-connections", type=int,
                   help="gunicorn's per-worker connection limit (its default: 1000; accepted connections queue "
                        "inside one worker, the rest wait in the listen backlog for any worker)")
    p.add_argument("--settings", help="settings module for the embedded profile (default: dev with DEBUG off)")
    p.add_argument("--beat-interval", type=float, default=10.0, help="seconds between a player's heartbeats")
    p.add_argument("--timeout", type=float, default=30.0, help="client timeout of one request (s)")
    p.add_argument("--keepalive", action="store_true",
                   help="reuse connections (browsers straight at gunicorn) instead of one per request (a proxy)")
    p.add_argument("--keep", help="build in (or reuse) this folder instead of a temporary one")
    p.add_argument("--access-log", action="store_true", help="gunicorn access log into the data folder")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)  # under tools/local_services.py
    return p.parse_args(argv)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(msg: str) -> None:
    print(msg, flush=True)


# --------------------------------------------------------------------------------------------- the data


def manage(*args: str, env: dict) -> None:
    started = time.perf_counter()
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    log(f"  manage.py {' '.join(args)}: {time.perf_counter() - started:.1f}s")


def segments_for(rng: random.Random, n: int) -> list[tuple]:
    rows, clock = [], 0.0
    for i in range(n):
        text = "".join(rng.choice(PHRASES).format(a=rng.choice(TERMS), b=rng.choice(TERMS))
                       for _ in range(rng.randint(1, 2)))
        dur = len(text) * 0.22
        rows.append((i, round(clock, 2), round(clock + dur, 2), text))
        clock += dur + 0.3
    return rows


def build_extras(n_members: int, rng: random.Random) -> dict:
    """The bench's members, video course, talks in the search index and quiz (in this process, Django set up)."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from content_library.models import Talk
    from lms.catalog import completion
    from lms.catalog.models import CoursePage, LessonPage
    from lms.org.models import Member, MemberRole, OrgUnit, Role
    from lms.quizzes.models import Question, Quiz, QuizQuestion
    from search import indexing
    from search.backends import get_backend

    try:
        from lms.catalog.bootstrap import ensure_catalog_home
    except ImportError:  # where it lived before lms.catalog.bootstrap
        from lms.site.bootstrap import ensure_catalog_home

    started = time.perf_counter()
    User = get_user_model()
    branches = [OrgUnit.ensure_path(f"公司党委/基准第{i + 1}党支部") for i in range(10)]
    password = make_password(BENCH_PASSWORD)  # once: the same hasher and rounds as a real account
    role = Role.objects.get(code="member")
    names = [f"{MEMBER_PREFIX}{i:05d}" for i in range(n_members)]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    missing = [u for u in names if u not in existing]
    with transaction.atomic():
        User.objects.bulk_create([User(username=u, password=password) for u in missing], batch_size=2000)
        ids = dict(User.objects.filter(username__in=missing).values_list("username", "pk"))
        Member.objects.bulk_create(
            [Member(user_id=ids[u], employee_no=u, name=f"基准党员{u[1:]}", org_unit=branches[i % len(branches)],
                    joined_on="2018-07-01") for i, u in enumerate(missing)], batch_size=2000)
        member_ids = Member.objects.filter(employee_no__in=missing).values_list("pk", flat=True)
        MemberRole.objects.bulk_create([MemberRole(member_id=m, role=role, gained_on="2018-07-01")
                                        for m in member_ids], batch_size=2000)
    log(f"  {len(missing)} bench members: {time.perf_counter() - started:.1f}s")

    course = CoursePage.objects.filter(slug=BENCH_COURSE_SLUG).first()
    if course is None:
        t0 = time.perf_counter()
        home = ensure_catalog_home()
        course = CoursePage(title="安全生产与三会一课专题（视频课）", slug=BENCH_COURSE_SLUG, tier="required_all",
                            credit_hours=Decimal("3"), summary="安全生产、三会一课、廉洁从业专题视频党课。")
        home.add_child(instance=course)
        course.save_revision().publish()
        root = OrgUnit.ensure_path("公司党委")
        for n, seconds in enumerate(VIDEO_SECONDS, start=1):
            title = f"{rng.choice(TERMS)}专题党课（第{n}讲）"
            talk = Talk.objects.create(title=title, speaker=f"讲师{n}", duration=float(seconds),
                                       status=Talk.Status.READY, org_unit=root, language="zh",
                                       recorded_on=timezone.localdate(), has_video=True)
            rows = segments_for(rng, 300)
            indexing.index_documents(talk.pk, talk.title, talk.speaker, rows, fresh=True)
            lesson = LessonPage(title=title, slug=f"video-{n}", completion_rule=completion.VIDEO,
                                video=talk, estimated_minutes=max(1, seconds // 60),
                                credit_minutes=max(1, seconds // 60), required=True)
            course.add_child(instance=lesson)
            lesson.save_revision().publish()
        get_backend().finish_rebuild()
        quiz_lesson = LessonPage(title="专题随堂测验", slug="bench-quiz", completion_rule=completion.QUIZ,
                                 estimated_minutes=10, credit_minutes=0, required=False)
        course.add_child(instance=quiz_lesson)
        quiz_lesson.save_revision().publish()
        quiz = Quiz.objects.create(title="专题随堂测验", kind=Quiz.Kind.QUIZ, lesson=quiz_lesson,
                                   time_limit_minutes=20, max_attempts=0, pass_percent=60,
                                   credit_hours=Decimal("0"), show_answers=Quiz.ShowAnswers.AFTER_SUBMIT)
        for i, q in enumerate(Question.objects.filter(category__name="党章学习").order_by("pk")[:6]):
            QuizQuestion.objects.create(quiz=quiz, question=q, sort_order=i)
        log(f"  video course, talks, transcript index, quiz: {time.perf_counter() - t0:.1f}s")
    course = CoursePage.objects.get(slug=BENCH_COURSE_SLUG)
    videos = [lp for lp in LessonPage.objects.child_of(course).live().select_related("video")
              if lp.completion_rule == completion.VIDEO]
    quiz = Quiz.objects.get(lesson__in=LessonPage.objects.child_of(course))
    reading = [lp for lp in LessonPage.objects.live().exclude(path__startswith=course.path)
               if lp.completion_rule == completion.CONFIRM]
    courses = [c.url for c in CoursePage.objects.live().order_by("path")]
    key = {}
    for qq in QuizQuestion.objects.filter(quiz=quiz).select_related("question"):
        q = qq.question
        choices = list(q.choices.all())
        right = [c.pk for c in choices if c.is_correct]
        wrong = [c.pk for c in choices if not c.is_correct][:1]
        key[str(q.pk)] = {"type": q.qtype, "right": right, "wrong": wrong, "true": q.correct_true,
                          "blanks": [alts[0] for alts in q.blanks()] if q.qtype == "fill_blank" else []}
    return {
        "members": names, "courses": courses, "course": course.url,
        "quiz": quiz.pk, "quiz_url": quiz.get_absolute_url(),
        "videos": [{"id": lp.pk, "url": lp.url, "seconds": float(lp.video.duration)} for lp in videos],
        "reading": [{"id": lp.pk, "url": lp.url} for lp in reading],
        "answers": key,
    }


def prepare(args, var_dir: Path, env: dict) -> dict:
    """migrate, seed_demo, collectstatic (production) and the bench's extras; reused with --keep."""
    marker = var_dir / "load-bench.json"
    if marker.exists():
        data = json.loads(marker.read_text())
        if len(data["members"]) >= args.members:
            log(f"reusing the data in {var_dir}")
            data["members"] = data["members"][:args.members]
            return data
    log(f"building the demo organization in {var_dir}")
    manage("migrate", "--noinput", "-v0", env=env)
    manage("seed_demo", "--once", "--no-talks", env=env)
    if args.profile == "production":
        manage("collectstatic", "--noinput", "-v0", env=env)
    os.environ.update(env)
    sys.path.insert(0, str(var_dir))  # the embedded profile's settings module
    import django

    django.setup()
    from django.db import connections

    data = build_extras(args.members, random.Random(args.seed))
    connections.close_all()
    marker.write_text(json.dumps(data, ensure_ascii=False))
    return data


# --------------------------------------------------------------------------------------------- CPU from /proc


def _stat(pid: int) -> tuple[int, int] | None:
    """(ppid, utime+stime+cutime+cstime ticks) of a process."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), sum(int(f) for f in fields[11:15])


def tree_cpu(roots: list[int]) -> float:
    """CPU seconds of processes and all their descendants (live ones, plus what exited children left in their
    parents' cutime/cstime)."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(int(entry))
            if st:
                table[int(entry)] = st
    children: dict[int, list[int]] = {}
    for pid, (ppid, _t) in table.items():
        children.setdefault(ppid, []).append(pid)
    seen, stack, ticks = set(), [r for r in roots if r in table], 0
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        ticks += table[pid][1]
        stack.extend(children.get(pid, []))
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy() -> float:
    """CPU seconds the whole machine spent busy (all cores; not idle or iowait)."""
    with open("/proc/stat") as fh:
        parts = [int(x) for x in fh.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (parts + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def service_pids(var_dir: Path) -> list[int]:
    """PostgreSQL's postmaster and the Redis server of tools/local_services.py (production profile)."""
    pids = []
    pidfile = var_dir / "services" / "pg" / "postmaster.pid"
    if pidfile.exists():
        pids.append(int(pidfile.read_text().split()[0]))
    port = os.environ.get("LMS_TEST_REDIS_URL", "").rsplit(":", 1)[-1].split("/")[0]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmd = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if cmd and cmd[0].endswith(b"redis-server") and port.encode() in cmd:
                pids.append(int(entry))
    return pids


# --------------------------------------------------------------------------------------------- the server


def settings_env(args, var_dir: Path) -> dict:
    env = {**os.environ, "LMS_VAR_DIR": str(var_dir), "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1"}
    if args.profile == "embedded":
        module = args.settings
        if not module:
            # make run's settings (config.settings.dev) with DEBUG off: no per-query SQL log, no debug pages.
            (var_dir / "load_bench_settings.py").write_text(
                "from config.settings.dev import *  # noqa: F403\nDEBUG = False\n")
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(var_dir), env.get("PYTHONPATH", "")]))
            module = "load_bench_settings"
        env["DJANGO_SETTINGS_MODULE"] = module
    else:
        # The production profile's web processes share their API throttle counters through Redis (CACHE_URL),
        # as docs/deployment.md deploys them.
        env.setdefault("CACHE_URL", os.environ.get("LMS_TEST_REDIS_URL", ""))
        if not env["CACHE_URL"]:
            env.pop("CACHE_URL")
    return env


def start_server(args, var_dir: Path, env: dict, port: int) -> subprocess.Popen:
    cmd = [GUNICORN, "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
           "--workers", str(args.workers), "--threads", str(args.threads), "--timeout", "120"]
    if args.worker_connections:
        cmd += ["--worker-connections", str(args.worker_connections)]
    if args.access_log:
        cmd += ["--access-logfile", str(var_dir / "access.log"),
                "--access-logformat", '%(t)s "%(r)s" %(s)s %(b)s %(M)sms']
    err = open(var_dir / "gunicorn.log", "ab")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=err, stderr=err, start_new_session=True)
    deadline = time.monotonic() + 90
    import urllib.request

    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited ({proc.returncode}); see {var_dir / 'gunicorn.log'}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz within 90 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


# --------------------------------------------------------------------------------------------- the members

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FIELDSET = re.compile(r'data-question-id="(\d+)" data-type="(\w+)"')


class Stats:
    def __init__(self):
        self.records: dict[str, list[tuple[float, float]]] = {}  # endpoint -> (start, seconds) of good requests
        self.errors: dict[str, list[tuple[float, str]]] = {}  # endpoint -> (start, what)
        self.window = (float("inf"), float("inf"))

    def ok(self, name, start, seconds):
        self.records.setdefault(name, []).append((start, seconds))

    def error(self, name, start, what):
        self.errors.setdefault(name, []).append((start, what))


class SimMember:
    def __init__(self, sim: Simulation, username: str, rng: random.Random):
        self.sim, self.username, self.rng = sim, username, rng
        self.http = None
        self.position: dict[int, float] = {}
        self.logged_in = False
        self.last_location = ""

    # -- HTTP ----------------------------------------------------------------------------------------------
    def csrf(self) -> str:
        for cookie in self.http.cookie_jar:
            if cookie.key == "csrftoken":
                return cookie.value
        return ""

    async def call(self, name, method, path, *, expect=(200,), data=None, json_body=None, referer=None,
                   text=False):
        """One request; returns (status, body text or None). Timing covers the whole response body."""
        sim = self.sim
        headers = {}
        if method != "GET":
            headers.update({"X-CSRFToken": self.csrf(), "Origin": sim.base})
        if referer:
            headers["Referer"] = sim.base + referer
        start = time.monotonic()
        try:
            async with self.http.request(method, sim.base + path, data=data, json=json_body, headers=headers,
                                         allow_redirects=False) as resp:
                body = await resp.text() if text else await resp.read()
                status = resp.status
                self.last_location = resp.headers.get("Location", "")
        except TimeoutError:
            sim.stats.error(name, start, "timeout")
            return None, None
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - connection errors of any kind are counted, not raised
            sim.stats.error(name, start, f"{type(exc).__name__}: {str(exc)[:80]}")
            return None, None
        elapsed = time.monotonic() - start
        if status in expect:
            sim.stats.ok(name, start, elapsed)
        else:
            where = f" -> {self.last_location}" if self.last_location else ""
            sim.stats.error(name, start, f"HTTP {status} {method} {path.split('?')[0]}{where}")
        return status, body

    async def pause(self, seconds: float) -> bool:
        """Sleep (think time); False when the run is over."""
        left = self.sim.stop_at - time.monotonic()
        if left <= 0:
            return False
        await asyncio.sleep(min(seconds, left))
        return time.monotonic() < self.sim.stop_at

    # -- behaviour -----------------------------------------------------------------------------------------
    async def login(self) -> bool:
        for _attempt in range(3):
            status, page = await self.call("login_page", "GET", "/accounts/login/", text=True)
            match = CSRF_INPUT.search(page or "")
            if match:
                status, _ = await self.call(
                    "login", "POST", "/accounts/login/", expect=(302,), referer="/accounts/login/",
                    data={"csrfmiddlewaretoken": match.group(1), "username": self.username,
                          "password": BENCH_PASSWORD})
                if status == 302:
                    return True
            if not await self.pause(3 + self.rng.random() * 3):
                return False
        return False

    async def run(self):
        import aiohttp

        sim = self.sim
        self.http = aiohttp.ClientSession(connector=sim.connector, connector_owner=False,
                                          cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=sim.client_timeout,
                                          headers={"Accept-Language": "zh-CN,zh;q=0.9"})
        try:
            ok = await self.login()
            self.logged_in = ok
            sim.member_ready()
            if not ok:
                return
            await self.call("catalog", "GET", "/")  # the redirect after login
            while await self.pause(self.rng.uniform(2, 6)):
                await self.activity()
        finally:
            await self.http.close()

    async def activity(self):
        r = self.rng.random()
        if r < 0.47:
            await self.watch()
        elif r < 0.57:
            await self.read()
        elif r < 0.72:
            await self.search()
        elif r < 0.81:
            await self.call("catalog", "GET", "/")
            if await self.pause(self.rng.uniform(2, 5)):
                await self.call("course", "GET", self.rng.choice(self.sim.data["courses"]), referer="/")
        elif r < 0.89:
            await self.call("my_learning", "GET", "/my/")
        elif r < 0.95:
            await self.call("course", "GET", self.sim.data["course"])
        else:
            await self.quiz()

    async def watch(self):
        """A lesson page, then the player: a "seek" beat on play, "progress" beats, "pause" or "ended"."""
        sim, rng = self.sim, self.rng
        video = rng.choice(sim.data["videos"])
        url = f"/api/v1/lessons/{video['id']}/heartbeat/"
        await self.call("lesson", "GET", video["url"], referer=sim.data["course"])
        if not await self.pause(rng.uniform(1, 3)):
            return
        pos = self.position.get(video["id"], 0.0)
        if pos >= video["seconds"]:
            pos = 0.0
        await self.call("heartbeat", "POST", url, json_body={"position": pos, "event": "seek"}, referer=video["url"])
        for _ in range(rng.randint(4, 18)):
            interval = sim.beat_interval * rng.uniform(0.95, 1.05)
            if not await self.pause(interval):
                return
            pos = min(video["seconds"], pos + interval)
            event = "ended" if pos >= video["seconds"] else "progress"
            await self.call("heartbeat", "POST", url, json_body={"position": round(pos, 2), "event": event},
                            referer=video["url"])
            self.position[video["id"]] = pos
            if event == "ended":
                return
        await self.call("heartbeat", "POST", url, json_body={"position": round(pos, 2), "event": "pause"},
                        referer=video["url"])

    async def read(self):
        """A text lesson: the page counts reading time with a "time" beat every 15 s."""
        lessons = self.sim.data["reading"]
        if not lessons:
            return await self.watch()
        lesson = self.rng.choice(lessons)
        url = f"/api/v1/lessons/{lesson['id']}/heartbeat/"
        await self.call("lesson", "GET", lesson["url"])
        await self.call("heartbeat", "POST", url, json_body={"position": 0, "event": "time"}, referer=lesson["url"])
        for _ in range(self.rng.randint(2, 6)):
            if not await self.pause(15 * self.rng.uniform(0.95, 1.05)):
                return
            await self.call("heartbeat", "POST", url, json_body={"position": 0, "event": "time"},
                            referer=lesson["url"])

    async def search(self):
        rng = self.rng
        q = rng.choice(QUERIES)
        r = rng.random()
        if r < 0.5:  # typing in the search box: the suggest API on prefixes, then the results page
            for end in sorted({min(len(q), 2), len(q)}):
                await self.call("search_suggest", "GET", f"/api/v1/search/suggest/?q={quote(q[:end])}",
                                referer="/search/")
                if not await self.pause(rng.uniform(0.3, 1.0)):
                    return
            await self.call("search_page", "GET", f"/search/?q={quote(q)}", referer="/search/")
        elif r < 0.8:
            await self.call("search_page", "GET", f"/search/?q={quote(q)}", referer="/")
        else:  # the API (mobile app)
            await self.call("search_api", "GET", f"/api/v1/search/?q={quote(q)}")
        if rng.random() < 0.25 and await self.pause(rng.uniform(2, 5)):
            await self.call("search_page", "GET", f"/search/?q={quote(q)}&page=2", referer=f"/search/?q={quote(q)}")

    async def quiz(self):
        """Quiz lesson page, start form, attempt page, autosaved answers (API PUT), submit form, result page."""
        sim, rng = self.sim, self.rng
        quiz, lesson_url = sim.data["quiz"], sim.data["quiz_url"]
        await self.call("quiz_page", "GET", lesson_url)
        if not await self.pause(rng.uniform(2, 5)):
            return
        status, _ = await self.call("quiz_start", "POST", f"/quizzes/{quiz}/start/", expect=(302,),
                                    referer=lesson_url, data={"csrfmiddlewaretoken": self.csrf()})
        if status != 302:
            return
        # The redirect names the attempt: /quizzes/attempts/<id>/
        location = self.last_location
        match = re.search(r"/quizzes/attempts/(\d+)/", location or "")
        if not match:
            sim.stats.error("quiz_start", time.monotonic(), f"no attempt in redirect {location!r}")
            return
        attempt = match.group(1)
        page_url = f"/quizzes/attempts/{attempt}/"
        _status, html = await self.call("quiz_page", "GET", page_url, referer=lesson_url, text=True)
        questions = FIELDSET.findall(html or "")
        form = {"csrfmiddlewaretoken": self.csrf(), "from_form": "1"}
        good = rng.random() < 0.7
        for qid, qtype in questions:
            if not await self.pause(rng.uniform(3, 8)):
                return
            key = sim.data["answers"].get(qid)
            if key is None:
                continue
            right = good or rng.random() < 0.5
            if qtype in ("single", "multiple"):
                choices = key["right"] if right else key["wrong"]
                body = {"choices": choices}
                form[f"q{qid}"] = [str(c) for c in choices]
            elif qtype == "true_false":
                value = key["true"] if right else not key["true"]
                body = {"value": value}
                form[f"q{qid}"] = "true" if value else "false"
            elif qtype == "fill_blank":
                blanks = key["blanks"] if right else ["不知道"] * len(key["blanks"])
                body = {"blanks": blanks}
                for i, v in enumerate(blanks):
                    form[f"q{qid}_{i}"] = v
            else:
                body = {"text": "认真学习，按时参加组织生活。"}
                form[f"q{qid}"] = body["text"]
            await self.call("quiz_answer", "PUT", f"/api/v1/quiz-attempts/{attempt}/answers/{qid}/",
                            json_body=body, referer=page_url)
        if not await self.pause(rng.uniform(2, 5)):
            return
        fields = [(k, v) for k, vs in form.items() for v in (vs if isinstance(vs, list) else [vs])]
        status, _ = await self.call("quiz_submit", "POST", f"/quizzes/attempts/{attempt}/submit/", expect=(302,),
                                    referer=page_url, data=fields)
        if status == 302:
            await self.call("quiz_page", "GET", page_url, referer=page_url)


class Simulation:
    def __init__(self, args, data: dict, port: int):
        import aiohttp

        self.args, self.data = args, data
        self.base = f"http://127.0.0.1:{port}"
        self.beat_interval = args.beat_interval
        self.stats = Stats()
        self.stop_at = float("inf")
        self.ready = 0
        self.all_ready = asyncio.Event()
        # A new connection per request, as the reverse proxy in front of gunicorn (docs/deployment.md) opens
        # them by default; --keepalive reuses connections as browsers talking to gunicorn directly do (one pool
        # for all members, their cookies their own; idle ones dropped before gunicorn's 2 s keep-alive ends).
        self.connector = (aiohttp.TCPConnector(limit=0, keepalive_timeout=1.0) if args.keepalive
                          else aiohttp.TCPConnector(limit=0, force_close=True))
        self.client_timeout = aiohttp.ClientTimeout(total=args.timeout)

    def member_ready(self):
        self.ready += 1
        if self.ready >= len(self.data["members"]):
            self.all_ready.set()


def percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    k = (len(sorted_values) - 1) * pct / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def summarize(records: list[tuple[float, float]], seconds: float) -> dict:
    lat = sorted(s * 1000 for _start, s in records)
    return {"n": len(lat), "rps": round(len(lat) / seconds, 2) if seconds > 0 else 0.0,
            "p50_ms": round(percentile(lat, 50), 1), "p95_ms": round(percentile(lat, 95), 1),
            "p99_ms": round(percentile(lat, 99), 1)}


async def warm_up(sim: Simulation, workers: int):
    """Each worker loads its lazy state (templates, URL resolvers, jieba's dictionary, pinyin tables) before the
    run, as a server that has been up for a while has: a few bench members go through every kind of request
    at once, several times over. Not counted."""
    real, sim.stats = sim.stats, Stats()
    names = sim.data["members"][: max(2, workers * 2)]

    async def one(i, name):
        m = SimMember(sim, name, random.Random(i))
        import aiohttp

        m.http = aiohttp.ClientSession(connector=sim.connector, connector_owner=False,
                                       cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=sim.client_timeout)
        try:
            if not await m.login():
                return
            for q in QUERIES[i % 3::3]:
                await m.call("w", "GET", f"/search/?q={quote(q)}")
                await m.call("w", "GET", f"/api/v1/search/suggest/?q={quote(q[:2])}")
            video = sim.data["videos"][i % len(sim.data["videos"])]
            for path in ["/", "/my/", sim.data["course"], video["url"], sim.data["quiz_url"],
                         f"/api/v1/search/?q={quote(QUERIES[i % len(QUERIES)])}"]:
                await m.call("w", "GET", path)
            await m.call("w", "POST", f"/api/v1/lessons/{video['id']}/heartbeat/",
                         json_body={"position": 0, "event": "seek"})
        finally:
            await m.http.close()

    sim.stop_at = float("inf")
    await asyncio.gather(*(one(i, n) for i, n in enumerate(names)))
    warm, sim.stats = sim.stats, real
    return sum(len(v) for v in warm.records.values()), sum(len(v) for v in warm.errors.values())


async def run_load(sim: Simulation, args, snapshot) -> dict:
    members = [SimMember(sim, u, random.Random(args.seed * 100_003 + i)) for i, u in enumerate(sim.data["members"])]
    n = len(members)
    started = time.monotonic()

    async def start(member, delay):
        await asyncio.sleep(delay)
        await member.run()

    tasks = [asyncio.create_task(start(m, args.ramp * i / n)) for i, m in enumerate(members)]
    try:
        await asyncio.wait_for(sim.all_ready.wait(), timeout=args.ramp + 600)
    except TimeoutError:
        pass
    ramp_s = time.monotonic() - started
    log(f"  {sum(m.logged_in for m in members)}/{n} members logged in after {ramp_s:.1f}s; "
        f"measuring {args.duration:.0f}s of steady state")
    before = snapshot()
    w0 = time.monotonic()
    await asyncio.sleep(args.duration)
    w1 = time.monotonic()
    after = snapshot()
    sim.stop_at = w1
    done, pending = await asyncio.wait(tasks, timeout=args.timeout + 10)
    for t in pending:
        t.cancel()
    for t in done:
        if t.exception() is not None:
            sim.stats.error("member", w1, f"crashed: {t.exception()!r}")
    return {"ramp_s": ramp_s, "window": (w0, w1), "before": before, "after": after,
            "logged_in": sum(m.logged_in for m in members), "started": started}


def report(args, sim: Simulation, run: dict, warm: tuple) -> dict:
    stats = sim.stats
    w0, w1 = run["window"]
    seconds = w1 - w0
    endpoints = {}
    names = sorted(set(stats.records) | set(stats.errors), key=lambda k: (k not in ("login_page", "login"), k))
    for name in names:
        recs = stats.records.get(name, [])
        if name in ("login_page", "login"):  # happen during the ramp
            fig = summarize(recs, run["ramp_s"])
        else:
            fig = summarize([r for r in recs if w0 <= r[0] < w1], seconds)
        fig["errors"] = len(stats.errors.get(name, []))
        endpoints[name] = fig
    b, a = run["before"], run["after"]
    window_requests = sum(v["n"] for k, v in endpoints.items() if k not in ("login_page", "login"))
    cpu = {k: a[k] - b[k] for k in a}
    server_cpu = cpu["server"]
    total_errors = sum(len(v) for v in stats.errors.values())
    others = max(0.0, cpu["machine"] - cpu["server"] - cpu["db"] - cpu["loadgen"])

    log("")
    log(f"profile {args.profile}: {args.members} members ({run['logged_in']} logged in), gunicorn "
        f"{args.workers} workers x {args.threads} threads; ramp {run['ramp_s']:.0f}s, window {seconds:.0f}s; "
        f"warm-up {warm[0]} requests ({warm[1]} errors)")
    log(f"{'endpoint':16s} {'requests':>8s} {'req/s':>7s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} {'errors':>6s}")
    for name, f in endpoints.items():
        log(f"{name:16s} {f['n']:8d} {f['rps']:7.2f} {f['p50_ms']:8.1f} {f['p95_ms']:8.1f} {f['p99_ms']:8.1f} "
            f"{f['errors']:6d}" + ("   (over the ramp)" if name in ("login_page", "login") else ""))
    log(f"{'all (window)':16s} {window_requests:8d} {window_requests / seconds:7.2f}")
    samples: dict[str, int] = {}
    for name, errs in stats.errors.items():
        for _t, what in errs:
            samples[f"{name}: {what}"] = samples.get(f"{name}: {what}", 0) + 1
    for what, count in sorted(samples.items(), key=lambda kv: -kv[1])[:12]:
        log(f"  error x{count}: {what}")
    per_req = server_cpu / window_requests if window_requests else None
    log(f"CPU over the window ({os.cpu_count()} cores = {os.cpu_count() * seconds:.0f} core-s): gunicorn "
        f"{server_cpu:.1f}s ({per_req * 1000 if per_req else 0:.1f} ms a request), database servers "
        f"{cpu['db']:.1f}s, this load generator {cpu['loadgen']:.1f}s, everything else on the machine "
        f"{others:.1f}s (other users of the shared cores)")

    pages = [endpoints[k] for k in PAGE_ENDPOINTS if k in endpoints and endpoints[k]["n"]]
    searches = [endpoints[k] for k in SEARCH_ENDPOINTS if k in endpoints and endpoints[k]["n"]]
    hb = endpoints.get("heartbeat", {"p95_ms": None, "n": 0})
    page_p95 = max((p["p95_ms"] for p in pages), default=None)
    search_p95 = max((p["p95_ms"] for p in searches), default=None)
    target_members = TARGET_MEMBERS[args.profile]
    targets = {"members": target_members, "errors": 0}
    met = {"members": run["logged_in"] >= target_members and args.members >= target_members,
           "zero_errors": total_errors == 0}
    if args.profile == "production":
        targets.update(heartbeat_p95_ms=TARGET_HEARTBEAT_P95_MS, page_p95_ms=TARGET_PAGE_P95_MS,
                       search_p95_ms=TARGET_SEARCH_P95_MS)
        met.update(heartbeat_p95=hb["n"] > 0 and hb["p95_ms"] <= TARGET_HEARTBEAT_P95_MS,
                   page_p95=page_p95 is not None and page_p95 <= TARGET_PAGE_P95_MS,
                   search_p95=search_p95 is not None and search_p95 <= TARGET_SEARCH_P95_MS)
    return {
        "bench": "load", "profile": args.profile, "members": args.members, "logged_in": run["logged_in"],
        "duration_s": round(seconds, 1), "ramp_s": round(run["ramp_s"], 1),
        "workers": args.workers, "threads": args.threads, "endpoints": endpoints, "errors": total_errors,
        "requests": window_requests, "rps": round(window_requests / seconds, 2),
        "heartbeat_p95_ms": hb["p95_ms"], "page_p95_ms": page_p95, "search_p95_ms": search_p95,
        "cpu_s_per_request": round(per_req, 4) if per_req else None,
        "server_cpu_s": round(server_cpu, 1), "db_cpu_s": round(cpu["db"], 1),
        "loadgen_cpu_s": round(cpu["loadgen"], 1), "other_cpu_s": round(others, 1),
        "machine_busy_pct": round(100 * cpu["machine"] / (seconds * os.cpu_count()), 1),
        "cpus": os.cpu_count(), "targets": targets, "met": met,
    }


def bench(args, var_dir: Path) -> dict:
    env = settings_env(args, var_dir)
    data = prepare(args, var_dir, env)
    port = free_port()
    server = start_server(args, var_dir, env, port)
    log(f"gunicorn on 127.0.0.1:{port} ({args.workers} workers x {args.threads} threads, "
        f"{env['DJANGO_SETTINGS_MODULE']})")
    try:
        services = service_pids(var_dir)

        def snapshot():
            return {"server": tree_cpu([server.pid]), "db": tree_cpu(services) if services else 0.0,
                    "loadgen": time.process_time(), "machine": machine_busy()}

        async def main():
            sim = Simulation(args, data, port)
            try:
                warm = await warm_up(sim, args.workers)
                run = await run_load(sim, args, snapshot)
            finally:
                await sim.connector.close()
            return sim, run, warm

        sim, run, warm = asyncio.run(main())
        figures = report(args, sim, run, warm)
    finally:
        stop_server(server)
    if figures["errors"]:  # what the server said about it
        lines = (var_dir / "gunicorn.log").read_text(errors="replace").splitlines()
        notable = [ln for ln in lines if re.search(r"Error|Exception|CRITICAL|WORKER|Traceback|locked", ln)]
        for line in notable[-10:]:
            log(f"  gunicorn.log: {line[:200]}")
    return figures


def main(argv=None):
    args = parse_args(argv)
    args.workers = args.workers or (3 if args.profile == "production" else 2)
    if args.ramp is None:
        args.ramp = max(10.0, 0.5 * args.members)
    if args.inside:  # under tools/local_services.py: the folder is the parent's
        figures = bench(args, Path(args.keep))
        print(json.dumps(figures, ensure_ascii=False), flush=True)
        return 0
    var_dir = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="load-bench-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        if args.profile == "embedded":
            figures = bench(args, var_dir)
            print(json.dumps(figures, ensure_ascii=False), flush=True)
            return 0
        # Production: the private PostgreSQL and Redis of tools/local_services.py, variables from
        # tools/prod_env.py's file; this script again inside, with the same arguments.
        var_dir.chmod(0o755)  # the servers run as the postgres user when this runs as root
        env_file = var_dir / "prod.env"
        subprocess.run([PY, str(ROOT / "tools" / "prod_env.py"), str(env_file)], check=True,
                       stdout=subprocess.DEVNULL)
        inner = [a for a in (argv if argv is not None else sys.argv[1:])]
        inner = strip_option(inner, "--keep")
        cmd = [PY, str(ROOT / "tools" / "local_services.py"), "run", "--production", "--dir",
               str(var_dir / "services"), "--env-file", str(env_file), "--",
               PY, str(Path(__file__).resolve()), *inner, "--inside", "--keep", str(var_dir)]
        return subprocess.call(cmd, cwd=ROOT, env={**os.environ, "LMS_VAR_DIR": str(var_dir)})
    finally:
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)


def strip_option(argv: list[str], name: str) -> list[str]:
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        if a == name:
            skip = True
            continue
        if a.startswith(name + "="):
            continue
        out.append(a)
    return out


if __name__ == "__main__":
    sys.exit(main())
