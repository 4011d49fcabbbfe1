"""Page weight and first paint of the member's main pages on a phone, measured with Chromium (Lighthouse-style).

    .venv/bin/python bench/page_weight.py [--network slow4g|none] [--cpu-slowdown 1] [--static compressed|plain]
                                          [--keep DIR]

Builds (or with --keep reuses) the demo in a throw-away data folder (LMS_VAR_DIR), nothing in the checkout's var/:
``manage.py migrate``, ``seed_demo --once --no-talks`` (no transcription worker runs here), ``ensure_demo_admin``,
``collectstatic`` into that folder, and one video course on the repository's sample talk (recording, captions,
transcript segments in the search index, as the pipeline leaves a talk). It then starts gunicorn as ``make run``
does (config.settings.dev, 2 workers x 8 threads) with DEBUG off, so WhiteNoise serves the collected files, and by
default with production's static storage (``--static compressed``: CompressedManifestStaticFilesStorage, gzip
copies and far-future caching; ``--static plain`` keeps dev's plain storage).

Debian's Chromium (Playwright, never a downloaded browser) logs in as the demo member D1003 (password demo1234, or
DEMO_PASSWORD) through the login form, then opens each page in a fresh context (empty cache, cache disabled) at
390 x 844 (a phone: mobile, touch, device pixel ratio 1.75), by default over Lighthouse's "slow 4G" throttling
(562.5 ms round trip, 1.47 Mbit/s down, as DevTools applies it):

- home (/today/), the video course's page, its video lesson, search (/search/?q=三会一课).

Each page is opened twice unmeasured first (after the login), so no figure is a server process's first request.
For each: time to first byte, first contentful paint (``performance.getEntriesByName('first-contentful-paint')``),
DOMContentLoaded and load (navigation timing), requests and the bytes transferred (``encodedDataLength`` of CDP's
Network.loadingFinished: headers and the body as sent, compressed or not). The media requests of a <video> or
<audio> element (the recording's byte ranges) are left out of the page's total and reported on their own, as is
what the service worker fetches in the background to keep the app shell (its first install, once per version).
Prints a table, then one JSON line; the target is the home page's transfer at most 300 KB before any video.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
GUNICORN = str(Path(PY).parent / "gunicorn")

MEMBER = "D1003"
PASSWORD = os.environ.get("DEMO_PASSWORD", "demo1234")
QUERY = "三会一课"
COURSE_SLUG = "page-weight-video-course"
SAMPLE = "dev01_dangke"
TARGET_HOME_KB = 300
VIEWPORT = {"width": 390, "height": 844}
# Lighthouse's mobile "slow 4G" as DevTools applies it (rtt x 3.75, throughput x 0.9 of the simulated values).
NETWORKS = {
    "slow4g": {"offline": False, "latency": 562.5, "downloadThroughput": 1474.56 * 1024 / 8,
               "uploadThroughput": 675 * 1024 / 8},
    "none": None,
}
MEDIA_TYPES = {"Media"}  # CDP resource type of a <video>/<audio> element's requests
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--network", choices=sorted(NETWORKS), default="slow4g", help="network throttling of the page")
    p.add_argument("--cpu-slowdown", type=float, default=1.0, help="CPU throttling rate (Lighthouse mobile: 4)")
    p.add_argument("--static", choices=["compressed", "plain"], default="compressed",
                   help="static storage: production's compressed manifest storage, or dev's plain files")
    p.add_argument("--keep", help="build in (or reuse) this folder instead of a temporary one")
    return p.parse_args(argv)


def log(msg: str) -> None:
    print(msg, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------------------------- the data


def settings_env(args, var_dir: Path) -> dict:
    """make run's settings (config.settings.dev) with DEBUG off, and the chosen static storage."""
    lines = ["from config.settings.dev import *  # noqa: F403", "DEBUG = False"]
    if args.static == "compressed":
        lines.append('STORAGES = {**STORAGES, "staticfiles": '  # noqa: F405 in the written file
                     '{"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}  # noqa: F405')
    (var_dir / "page_weight_settings.py").write_text("\n".join(lines) + "\n")
    env = {**os.environ, "LMS_VAR_DIR": str(var_dir), "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
           "DJANGO_SETTINGS_MODULE": "page_weight_settings", "DEMO_PASSWORD": PASSWORD}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(var_dir), env.get("PYTHONPATH", "")]))
    return env


def manage(*args: str, env: dict) -> None:
    started = time.perf_counter()
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    log(f"  manage.py {' '.join(args)}: {time.perf_counter() - started:.1f}s")


def build_video_course() -> dict:
    """A required course with a video lesson on the sample talk, transcribed and indexed (Django set up)."""
    from decimal import Decimal

    from django.conf import settings
    from django.core.files import File
    from django.core.files.base import ContentFile

    from content_library.captions import build_vtt
    from content_library.models import Talk, TranscriptSegment
    from content_library.signals import transcript_ready
    from lms.catalog import completion
    from lms.catalog.models import CoursePage, LessonPage
    from lms.catalog.services import ensure_catalog_home

    course = CoursePage.objects.filter(slug=COURSE_SLUG).first()
    if course is None:
        folder = Path(settings.LMS_SAMPLE_TALKS_DIR)
        sample = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))[SAMPLE]
        lines = sample["sentences"]
        talk = Talk(title=sample["title"], speaker="王建国", language="zh", status=Talk.Status.READY, progress=100,
                    duration=sample["duration"], has_video=True)
        with (folder / f"{SAMPLE}.mp4").open("rb") as fh:
            talk.source_file.save(f"{SAMPLE}.mp4", File(fh), save=False)
        talk.captions.save(f"{SAMPLE}.vtt", ContentFile(build_vtt(lines).encode()), save=False)
        talk.save()
        TranscriptSegment.objects.bulk_create(
            TranscriptSegment(talk=talk, index=i, start=line["start"], end=line["end"], text=line["text"])
            for i, line in enumerate(lines))
        transcript_ready.send(sender=Talk, talk_id=talk.pk)  # indexes it now: no transaction is open
        course = CoursePage(title="三会一课专题党课（视频）", slug=COURSE_SLUG, tier="required_all",
                            credit_hours=Decimal("2"), summary="三会一课制度专题党课，视频与文字稿。")
        ensure_catalog_home().add_child(instance=course)
        course.save_revision().publish()
        lesson = LessonPage(title="专题党课视频", slug="video", completion_rule=completion.VIDEO, video=talk,
                            estimated_minutes=max(1, int(sample["duration"] // 60)))
        course.add_child(instance=lesson)
        lesson.save_revision().publish()
    course = CoursePage.objects.get(slug=COURSE_SLUG)
    lesson = LessonPage.objects.child_of(course).live().first()
    return {"course": course.url, "lesson": lesson.url}


def prepare(args, var_dir: Path, env: dict) -> dict:
    marker = var_dir / "page-weight.json"
    manage("migrate", "--noinput", "-v0", env=env)  # also on a kept folder: the checkout may have new migrations
    if marker.exists():
        log(f"reusing the data in {var_dir}")
        data = json.loads(marker.read_text())
    else:
        log(f"building the demo in {var_dir}")
        manage("seed_demo", "--once", "--no-talks", env=env)
        manage("ensure_demo_admin", env=env)
        os.environ.update(env)
        sys.path.insert(0, str(var_dir))
        import django

        django.setup()
        from django.db import connections

        data = build_video_course()
        connections.close_all()
        marker.write_text(json.dumps(data, ensure_ascii=False))
    # Each run: the static files of this checkout, collected as a deployment does.
    manage("collectstatic", "--noinput", "--clear", "-v0", env=env)
    return data


# --------------------------------------------------------------------------------------------- the server


def start_server(var_dir: Path, env: dict, port: int) -> subprocess.Popen:
    cmd = [GUNICORN, "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
           "--workers", "2", "--threads", "8", "--timeout", "120"]
    err = open(var_dir / "gunicorn.log", "ab")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=err, stderr=err, start_new_session=True)
    deadline = time.monotonic() + 90
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
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --------------------------------------------------------------------------------------------- the browser

TIMING_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {fcp: fcp ? fcp.startTime : null, ttfb: nav.responseStart, dcl: nav.domContentLoadedEventEnd,
          load: nav.loadEventEnd};
}"""


def context_options(storage_state=None) -> dict:
    return {"viewport": VIEWPORT, "device_scale_factor": 1.75, "is_mobile": True, "has_touch": True,
            "locale": "zh-CN", "timezone_id": "Asia/Shanghai", "storage_state": storage_state}


def login(browser, base: str, paths) -> dict:
    """Through the login form; then each page twice, unmeasured, so no figure pays a worker's first request
    (imports, the search dictionary) rather than the page."""
    context = browser.new_context(**context_options(), base_url=base, service_workers="block")
    page = context.new_page()
    page.goto("/accounts/login/")
    page.locator("main form input[name=username]").fill(MEMBER)
    page.locator("main form input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    if "/accounts/login/" in page.url:
        raise SystemExit(f"logging in as {MEMBER} failed (password {PASSWORD!r}): still on {page.url}")
    for path in [*paths, *paths]:
        page.goto(path)
    state = context.storage_state()
    context.close()
    return state


def measure(browser, base: str, state: dict, path: str, args) -> dict:
    """One page in a fresh context: timings, requests and bytes (page, media, the service worker's precache)."""
    from playwright.sync_api import Error as PlaywrightError

    context = browser.new_context(**context_options(state), base_url=base)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    requests: dict[str, dict] = {}
    cdp.on("Network.requestWillBeSent", lambda e: requests.setdefault(e["requestId"], {
        "url": e["request"]["url"], "type": e.get("type", "Other"), "bytes": 0, "done": False}))
    cdp.on("Network.responseReceived", lambda e: requests.get(e["requestId"], {}).update(
        type=e.get("type", "Other"), status=e["response"]["status"],
        sw=bool(e["response"].get("fromServiceWorker"))))
    cdp.on("Network.loadingFinished", lambda e: requests.get(e["requestId"], {}).update(
        bytes=e["encodedDataLength"], done=True))
    cdp.on("Network.dataReceived", lambda e: requests.get(e["requestId"], {}).update(
        streamed=requests.get(e["requestId"], {}).get("streamed", 0) + e.get("encodedDataLength", 0)))
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if NETWORKS[args.network]:
        cdp.send("Network.emulateNetworkConditions", NETWORKS[args.network])
    if args.cpu_slowdown > 1:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": args.cpu_slowdown})
    # What the service worker fetches to keep the app shell (in its own target; never the page's requests).
    worker: list = []
    context.on("requestfinished", lambda r: r.service_worker is not None and worker.append(r))

    response = page.goto(path, wait_until="load")
    with contextlib.suppress(PlaywrightError):  # a video may keep a range request open: the figures are in
        page.wait_for_load_state("networkidle", timeout=15_000)
    timing = page.evaluate(TIMING_JS)
    final_url = page.url
    worker_bytes = 0
    for r in worker:
        try:
            sizes = r.sizes()
            worker_bytes += sizes["responseHeadersSize"] + sizes["responseBodySize"]
        except PlaywrightError:  # a request the worker abandoned
            continue
    context.close()

    page_reqs = [r for r in requests.values() if r["type"] not in MEDIA_TYPES]
    media = [r for r in requests.values() if r["type"] in MEDIA_TYPES]
    by_type: dict[str, int] = {}
    for r in page_reqs:
        by_type[r["type"]] = by_type.get(r["type"], 0) + r["bytes"]
    return {
        "path": path, "url": final_url.removeprefix(base), "status": response.status if response else None,
        "fcp_ms": round(timing["fcp"]) if timing["fcp"] is not None else None, "ttfb_ms": round(timing["ttfb"]),
        "dcl_ms": round(timing["dcl"]), "load_ms": round(timing["load"]),
        "requests": len(page_reqs), "transfer_kb": round(sum(r["bytes"] for r in page_reqs) / 1024, 1),
        "by_type_kb": {k: round(v / 1024, 1) for k, v in sorted(by_type.items(), key=lambda kv: -kv[1])},
        "largest": sorted(({"url": r["url"].removeprefix(base), "kb": round(r["bytes"] / 1024, 1)}
                           for r in page_reqs), key=lambda r: -r["kb"])[:5],
        "media_requests": len(media),
        "media_kb": round(sum(r["bytes"] if r["done"] else r.get("streamed", 0) for r in media) / 1024, 1),
        "sw_precache_requests": len(worker), "sw_precache_kb": round(worker_bytes / 1024, 1),
    }


def run_browser(base: str, pages: dict[str, str], args) -> dict:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit("Chromium is not installed (apt-get install chromium); the bench never downloads one.")
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            state = login(browser, base, list(pages.values()))
            for name, path in pages.items():
                results[name] = measure(browser, base, state, path, args)
                log(f"  {name}: {results[name]['transfer_kb']} KB, FCP {results[name]['fcp_ms']} ms")
        finally:
            browser.close()
    return results


def main(argv=None) -> None:
    args = parse_args(argv)
    tmp = None
    if args.keep:
        var_dir = Path(args.keep).resolve()
        var_dir.mkdir(parents=True, exist_ok=True)
    else:
        var_dir = Path(tmp := tempfile.mkdtemp(prefix="page-weight-"))
    proc = None
    try:
        env = settings_env(args, var_dir)
        data = prepare(args, var_dir, env)
        port = free_port()
        proc = start_server(var_dir, env, port)
        base = f"http://127.0.0.1:{port}"
        pages = {"home": "/today/", "course": data["course"], "lesson": data["lesson"],
                 "search": f"/search/?q={urllib.parse.quote(QUERY)}"}
        log(f"measuring at {VIEWPORT['width']}x{VIEWPORT['height']}, network {args.network}, "
            f"CPU slowdown {args.cpu_slowdown}, static {args.static}")
        results = run_browser(base, pages, args)
    finally:
        if proc is not None:
            stop_server(proc)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    log("")
    log(f"{'page':8s} {'TTFB ms':>7s} {'FCP ms':>7s} {'DCL ms':>7s} {'load ms':>8s} {'reqs':>5s} {'KB':>8s} "
        f"{'media reqs':>10s} {'media KB':>9s} {'SW KB':>7s}  biggest")
    for name, r in results.items():
        biggest = ", ".join(f"{x['url'].split('?')[0]} {x['kb']}" for x in r["largest"][:3])
        log(f"{name:8s} {r['ttfb_ms']:>7} {r['fcp_ms'] or '-':>7} {r['dcl_ms']:>7} {r['load_ms']:>8} "
            f"{r['requests']:>5} {r['transfer_kb']:>8} {r['media_requests']:>10} {r['media_kb']:>9} "
            f"{r['sw_precache_kb']:>7}  {biggest}")
    home_kb = results["home"]["transfer_kb"]
    print(json.dumps({
        "bench": "page_weight", "viewport": f"{VIEWPORT['width']}x{VIEWPORT['height']}", "network": args.network,
        "cpu_slowdown": args.cpu_slowdown, "static": args.static,
        "pages": {name: {k: r[k] for k in ("url", "status", "ttfb_ms", "fcp_ms", "dcl_ms", "load_ms", "requests",
                                           "transfer_kb", "media_requests", "media_kb", "sw_precache_kb")}
                  for name, r in results.items()},
        "home_transfer_kb": home_kb, "target_home_kb": TARGET_HOME_KB, "home_ok": home_kb <= TARGET_HOME_KB,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
