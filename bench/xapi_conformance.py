"""The ADL LRS conformance suite against the platform's LRS (lms.xapi), on a fresh database each run.

    .venv/bin/python bench/xapi_conformance.py [--suite DIR] [--version 1.0.3|2.0.0|both] [--grep PATTERN]
        [--directory D1,D2] [--keep-server] [--port N] [--show-errors] [--timeout S]

The suite (github.com/adlnet/lrs-conformance-test-suite) is looked for in --suite, else $XAPI_SUITE_DIR, else
../shared/conformance/xapi-lrs beside the repository; it is copied into a scratch folder in the system's temporary
directory and its npm dependencies are installed there (kept for the next run), never into this repository.
For each run: a temporary folder becomes the platform's var folder (LMS_VAR_DIR: its
own SQLite database and media), ``manage.py migrate``, an LRS client that may write and read everything is
created, gunicorn (gthread, config.wsgi) serves on a free 127.0.0.1 port with DEBUG off, and the suite's
console runner tests http://127.0.0.1:PORT/xapi with that client's key and secret. The runner's log (a tree of
suites and tests) is read back for per-test results; the server is always stopped and the folder removed
(--keep-server keeps both and prints how to reach them, for poking at a failure by hand).

Prints passed/failed/total per version and the failing tests (suite path > test title; --show-errors adds the
suite's message), and ends with one JSON line: {"bench": "xapi_conformance", "version": …, "passed": …,
"failed": …, "total": …, "failing": [...]} — for both versions, a "runs" list of those.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
GUNICORN = str(Path(PY).parent / "gunicorn")
VERSIONS = {"1.0.3": "1.0.3", "2.0.0": "2.0.0", "2.0": "2.0.0"}


def log(msg: str) -> None:
    print(msg, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings_env(var_dir: Path, version: str) -> dict:
    # make run's settings with DEBUG off: no per-query SQL log kept in memory for thousands of requests.
    (var_dir / "xapi_bench_settings.py").write_text(
        "from config.settings.dev import *  # noqa: F403\nDEBUG = False\nALLOWED_HOSTS = ['*']\n")
    env = {**os.environ, "LMS_VAR_DIR": str(var_dir), "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
           "DJANGO_SETTINGS_MODULE": "xapi_bench_settings",
           # The version named in answers to requests that name none: the suites disagree (each wants its own),
           # so each version's run presents the LRS as that version.
           "LMS_XAPI_DEFAULT_VERSION": version}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(var_dir), str(ROOT), env.get("PYTHONPATH", "")]))
    return env


CREATE_CLIENT = """
import django, json
django.setup()
from lms.xapi.models import LrsClient
c = LrsClient(name="conformance", can_write=True, read="all")
secret = c.issue_secret()
c.save()
print(json.dumps({"key": c.key, "secret": secret}))
"""


def prepare(var_dir: Path, env: dict) -> tuple[str, str]:
    out = subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"migrate failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    out = subprocess.run([PY, "-c", CREATE_CLIENT], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"creating the LRS client failed:\n{out.stderr[-3000:]}")
    creds = json.loads(out.stdout.strip().splitlines()[-1])
    return creds["key"], creds["secret"]


def start_server(var_dir: Path, env: dict, port: int, threads: int) -> subprocess.Popen:
    cmd = [GUNICORN, "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
           "--workers", "1", "--threads", str(threads), "--timeout", "120",
           "--error-logfile", str(var_dir / "gunicorn.log")]
    err = open(var_dir / "gunicorn.out", "ab")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=err, stderr=err, start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited ({proc.returncode}):\n"
                             + (var_dir / "gunicorn.log").read_text(errors="replace")[-3000:])
        try:
            req = urllib.request.Request(f"http://127.0.0.1:{port}/xapi/about",
                                         headers={"X-Experience-API-Version": "1.0.3"})
            with urllib.request.urlopen(req, timeout=2):  # noqa: S310 - our own local server
                return proc
        except urllib.error.HTTPError:
            return proc  # it answers, whatever the status
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise SystemExit("gunicorn did not answer within 90 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: the master and its worker
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def leaves(node: dict, path: tuple = ()):
    """(path, test) for each test of the runner's log tree (a node without children)."""
    children = node.get("tests") or []
    if not children:
        yield path, node
        return
    for child in children:
        yield from leaves(child, (*path, node.get("title") or ""))


def run_suite(suite: Path, endpoint: str, key: str, secret: str, version: str, args) -> dict:
    # --name=value: a secret may start with "-", which the runner's option parser would read as a flag.
    cmd = ["node", "bin/console_runner.js", f"--endpoint={endpoint}", "--basicAuth", f"--authUser={key}",
           f"--authPassword={secret}", f"--xapiVersion={version}"]
    if args.grep:
        cmd += [f"--grep={args.grep}"]
    if args.directory:
        cmd += [f"--directory={args.directory}"]
    started = time.monotonic()
    try:
        out = subprocess.run(cmd, cwd=suite, capture_output=True, text=True, timeout=args.timeout)
        stdout = out.stdout
    except subprocess.TimeoutExpired as exc:
        stdout = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        log(f"the suite ran past {args.timeout} s")
    result = {"bench": "xapi_conformance", "version": version, "passed": 0, "failed": 0, "total": 0,
              "seconds": round(time.monotonic() - started, 1), "failing": []}
    match = re.search(r"Full run log written to (.+\.log)", stdout)
    if not match:
        result["error"] = "the suite wrote no log"
        log(stdout[-4000:])
        return result
    record_path = Path(match.group(1).strip())
    record = json.loads(record_path.read_text())
    record_path.unlink(missing_ok=True)  # the suite's folder is shared scratch space
    summary = record.get("summary") or {}
    result.update(passed=summary.get("passed") or 0, failed=summary.get("failed") or 0,
                  total=summary.get("total") or 0)
    errors = {}
    for path, test in leaves(record.get("log") or {}):
        if test.get("status") == "failed":
            name = " > ".join([p for p in path if p] + [test.get("title") or "(the suite's setup)"])
            result["failing"].append(name)
            errors[name] = (test.get("error") or "").strip()
    if args.show_errors:
        result["errors"] = errors
    return result


def one_version(suite: Path, version: str, args) -> dict:
    var_dir = Path(tempfile.mkdtemp(prefix="xapi-conformance-"))
    env = settings_env(var_dir, version)
    proc = None
    try:
        key, secret = prepare(var_dir, env)
        port = args.port or free_port()
        proc = start_server(var_dir, env, port, args.threads)
        endpoint = f"http://127.0.0.1:{port}/xapi"
        log(f"xAPI {version}: suite against {endpoint}")
        result = run_suite(suite, endpoint, key, secret, version, args)
        if args.keep_server:
            log(f"server kept: {endpoint} key={key} secret={secret} pid={proc.pid} folder={var_dir}")
            proc = None
        return result
    finally:
        if proc is not None:
            stop_server(proc)
        if not args.keep_server:
            shutil.rmtree(var_dir, ignore_errors=True)


def report(result: dict, show_errors: bool) -> None:
    log(f"xAPI {result['version']}: passed {result['passed']}, failed {result['failed']}, "
        f"total {result['total']} ({result['seconds']} s)")
    if result.get("error"):
        log(f"  ERROR {result['error']}")
    for name in result["failing"]:
        log(f"  FAIL {name}")
        if show_errors and result.get("errors", {}).get(name):
            log("       " + result["errors"][name][:600].replace("\n", "\n       "))


def scratch_copy(suite: Path) -> Path:
    """The suite with its npm dependencies, in a scratch folder outside the repository (reused while the suite's
    package.json is unchanged)."""
    if (suite / "node_modules").is_dir():
        return suite
    digest = hashlib.sha1((suite / "package.json").read_bytes()).hexdigest()[:12]
    scratch = Path(tempfile.gettempdir()) / f"lms-xapi-conformance-{digest}"
    if not (scratch / "node_modules" / ".installed").exists():
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.copytree(suite, scratch, ignore=shutil.ignore_patterns(".git", "node_modules"))
        log(f"installing the suite's npm dependencies into {scratch}")
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=scratch,
                       check=True, stdout=subprocess.DEVNULL)
        (scratch / "node_modules" / ".installed").touch()
    return scratch


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--suite", default=os.environ.get("XAPI_SUITE_DIR", ""), help="the conformance suite's folder")
    p.add_argument("--version", default="both", help="1.0.3, 2.0.0 or both (default)")
    p.add_argument("--grep", help="only tests matching this pattern (the runner's -g)")
    p.add_argument("--directory", help="only these test directories (the runner's -d)")
    p.add_argument("--keep-server", action="store_true", help="leave the server and its folder running")
    p.add_argument("--port", type=int, help="serve on this port (default: a free one)")
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--timeout", type=int, default=3600, help="seconds one version's suite may run")
    p.add_argument("--show-errors", action="store_true", help="print the suite's message for each failure")
    args = p.parse_args()
    suite = Path(args.suite) if args.suite else ROOT.parent / "shared" / "conformance" / "xapi-lrs"
    if not (suite / "bin" / "console_runner.js").exists():
        p.error(f"no conformance suite at {suite}: give its folder with --suite or XAPI_SUITE_DIR")
    suite = scratch_copy(suite)
    wanted = ["1.0.3", "2.0.0"] if args.version == "both" else [VERSIONS.get(args.version, args.version)]
    results = [one_version(suite, v, args) for v in wanted]
    for r in results:
        report(r, args.show_errors)
    slim = [{k: v for k, v in r.items() if k != "errors"} for r in results]
    print(json.dumps(slim[0] if len(slim) == 1 else {"bench": "xapi_conformance", "runs": slim},
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
