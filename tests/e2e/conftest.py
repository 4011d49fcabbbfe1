"""Browser journeys: Debian's Chromium, driven by Playwright, against a real gunicorn server (tests/live.py) on
the test database, as members, branch secretaries, HR and trainers use the site.

Every step of every journey fails on a JavaScript console error, an uncaught page error, a response with a
status of 500 or more and, on the phone viewport, a page wider than the screen. Each step leaves a screenshot
under var/e2e/<test>/<NN>-<step>.png (and downloads beside them) to look at after a run: the artifact CI keeps.
A step checked with ``a11y=True`` (or ``journey.check_accessibility``) also runs axe-core (npm, node_modules/,
installed by ``make vendor``) in the page and fails on any serious or critical WCAG 2.1 A/AA violation.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from tests.live import wsgi_server

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
PASSWORD = "Xuexi-2026-lianxi"
SHOTS = Path(settings.VAR_DIR) / "e2e"
# axe-core from npm (package.json; `make vendor` runs `npm ci`), injected into the page under test: never fetched.
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_FAILING_IMPACTS = ("serious", "critical")

# axe over the document and, through axe's own frame messaging, the frames it could be injected into. Returns
# each violation with the first few elements it found, small enough to print.
AXE_RUN_JS = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
                                          frameWaitTime: 10000});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
    nodes: v.nodes.slice(0, 4).map((n) => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                             summary: (n.failureSummary || '').slice(0, 300)})),
  }));
}"""

# The elements sticking out on the right, for the failure message of the overflow check.
WIDEST_ELEMENTS_JS = """() => {
  const limit = window.innerWidth + 1, out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > limit && box.width > 0) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.classList.length ? '.' + Array.from(el.classList).join('.') : '');
      out.push(name + ' (right edge ' + Math.round(box.right) + ')');
    }
  }
  return out.slice(0, 8);
}"""


@pytest.fixture(scope="package", autouse=True)
def _orm_beside_playwright():
    """Playwright's sync API keeps an asyncio loop running in the test thread, and Django then refuses ORM calls
    from that thread (SynchronousOnlyOperation) although nothing here is asynchronous. Only for this package:
    the browser fixture below closes Playwright before any other tests run."""
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="package")
def browser(_orm_beside_playwright):
    """One Chromium for the package (each journey gets its own context): the system's browser, never a download."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed: the browser tests (tests/e2e) drive Debian's chromium package "
                    "(apt-get install chromium) and never download a browser.", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="package")
def server_var_dir(tmp_path_factory) -> Path:
    """The servers' data folder (LMS_VAR_DIR) with the static files collected, as a deployment has them: with
    DEBUG off only STATIC_ROOT is served. Links, not copies; database, media and broker have their own variables."""
    from django.core.management import call_command
    from django.test import override_settings

    var = tmp_path_factory.mktemp("server-var")
    with override_settings(STATIC_ROOT=str(var / "static")):
        call_command("collectstatic", interactive=False, verbosity=0, link=True)
    return var


@pytest.fixture
def server_env(tmp_path, server_var_dir) -> dict:
    """Extra environment of the web server: a private filesystem broker, so the tasks it queues (e-mails,
    recommendations) go nowhere shared. The worker journey replaces the broker with its worker's."""
    broker = tmp_path / "broker"
    for sub in ("queue", "control"):
        (broker / sub).mkdir(parents=True, exist_ok=True)
    return {"LMS_VAR_DIR": str(server_var_dir), "LMS_TEST_BROKER_DIR": str(broker)}


class Server:
    def __init__(self, url: str, log: Path):
        self.url = url
        self.log = log

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


@pytest.fixture
def server(django_db_setup, tmp_path, server_env):
    """gunicorn on the test database, one per test: a flushed database between tests leaves a long-lived server
    with stale per-process caches (Wagtail's site root paths). The worker boots while the test builds its data."""
    log = tmp_path / "server.log"
    with wsgi_server(log, threads=8, **server_env) as url:
        yield Server(url, log)


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request) -> str:
    return request.param


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


class Journey:
    """One browser context at one viewport, with the checks every step must pass."""

    def __init__(self, browser, server: Server, viewport: str, shots: Path):
        self.server = server
        self.viewport = viewport
        self.phone = viewport == "phone"
        self.shots = shots
        self.count = 0
        self.problems: list[str] = []
        self.violations: list[dict] = []  # everything axe-core reported (check_accessibility), any impact
        # zh-CN: the browser asks for Chinese, as the members' browsers do (Django picks zh-hans from it). Not
        # is_mobile: mobile emulation zooms out to fit a page that is too wide, hiding the overflow checked here.
        self.context = browser.new_context(
            base_url=server.url, viewport=VIEWPORTS[viewport], locale="zh-CN", timezone_id=settings.TIME_ZONE,
            accept_downloads=True, has_touch=self.phone,
        )
        self.context.set_default_timeout(30_000)
        self.context.on("page", self._watch)
        self.page = self.context.new_page()
        self.page.on("dialog", lambda dialog: dialog.accept())  # the quiz asks before it submits

    def _watch(self, page) -> None:
        page.on("console", lambda msg: msg.type == "error" and self.problems.append(
            f"console error on {page.url}: {msg.text} ({msg.location.get('url', '')}:"
            f"{msg.location.get('lineNumber', '')})"))
        page.on("pageerror", lambda error: self.problems.append(f"uncaught error on {page.url}: {error}"))
        page.on("response", lambda response: response.status >= 500 and self.problems.append(
            f"HTTP {response.status} for {response.request.method} {response.url}"))

    # ------------------------------------------------------------------------------------------------ steps
    def goto(self, path: str, step: str, *, a11y: bool = False):
        response = self.page.goto(path)
        if response is None or response.status >= 400:
            self.problems.append(f"{path} answered {response and response.status}")
        self.check(step, a11y=a11y)
        return response

    def check(self, step: str, *, a11y: bool = False) -> None:
        """The checks of a step on the page as it is now, after a screenshot of it; with ``a11y`` also axe-core's
        (check_accessibility)."""
        page = self.page
        page.wait_for_load_state("load")
        self.count += 1
        page.screenshot(path=self.shots / f"{self.count:02d}-{slug(step)}.png", full_page=True)
        if self.phone:
            scroll_width, inner_width = page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]")
            if scroll_width > inner_width + 1:
                wide = page.evaluate(WIDEST_ELEMENTS_JS)
                self.problems.append(f"{page.url} is {scroll_width}px wide on a {inner_width}px screen: {wide}")
        if a11y:
            self.check_accessibility(step, assert_clean=False)
        self.assert_clean(step)

    def check_accessibility(self, step: str, *, assert_clean: bool = True) -> list[dict]:
        """axe-core's WCAG 2.1 A and AA rules on the page as it is now: each serious or critical violation is a
        problem of the step (rule, help, the first elements with their HTML). Returns all violations found,
        the moderate and minor ones included, for a test that wants to look at them."""
        if not AXE_JS.exists():
            pytest.fail(f"{AXE_JS} is missing: `make vendor` (npm ci) installs axe-core for the accessibility "
                        "checks.", pytrace=False)
        page = self.page
        page.wait_for_load_state("load")
        for frame in page.frames:
            with contextlib.suppress(PlaywrightError):  # a sandboxed or detached frame: axe reports it as such
                if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
                    frame.add_script_tag(path=str(AXE_JS))
        violations = page.evaluate(AXE_RUN_JS, AXE_TAGS)
        self.violations.extend({**v, "url": page.url, "step": step} for v in violations)
        for v in violations:
            if v["impact"] in AXE_FAILING_IMPACTS:
                where = "; ".join(f"{n['target']} → {n['html']}" for n in v["nodes"])
                self.problems.append(f"axe {v['impact']} on {page.url}: {v['id']} ({v['help']}), "
                                     f"{v['count']} element(s): {where}")
        if assert_clean:
            self.assert_clean(step)
        return violations

    def assert_clean(self, step: str) -> None:
        if self.problems:
            problems = "\n  ".join(self.problems)
            pytest.fail(f"[{self.viewport}] step {self.count} “{step}”:\n  {problems}\n"
                        f"--- server log ---\n{self.server.log_tail()}", pytrace=False)

    def login(self, username: str, password: str = PASSWORD, *, next_path: str = "") -> None:
        """Through the real login form, as a person does."""
        self.goto("/accounts/login/" + (f"?next={next_path}" if next_path else ""), f"login form {username}")
        form = self.page.locator("main form")
        form.get_by_label("用户名").fill(username)
        form.get_by_label("密码").fill(password)
        with self.page.expect_navigation():
            form.get_by_role("button", name="登录").click()
        assert "/accounts/login/" not in self.page.url, f"login as {username} failed: {self.page.url}"
        self.check(f"logged in {username}")

    def follow(self, target, step: str, *, a11y: bool = False) -> None:
        """Click a link or button (a locator) that loads another page, then check that page."""
        with self.page.expect_navigation():
            target.click()
        self.check(step, a11y=a11y)

    def nav(self, name: str, step: str) -> None:
        """Follow a link of the site's main navigation."""
        self.follow(self.page.get_by_role("navigation").get_by_role("link", name=name, exact=True), step)

    def download(self, click: Callable[[], None], step: str) -> tuple[Path, str]:
        """Click something that downloads a file; returns where it was saved and the name the server suggested."""
        with self.page.expect_download() as info:
            click()
        download = info.value
        assert download.failure() is None, f"{step}: download failed: {download.failure()}"
        self.count += 1
        target = self.shots / f"{self.count:02d}-{slug(step)}{Path(download.suggested_filename).suffix}"
        download.save_as(target)
        self.assert_clean(step)
        return target, download.suggested_filename

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def journey(request, browser, server, viewport):
    shots = SHOTS / slug(request.node.name)
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    journey = Journey(browser, server, viewport, shots)
    yield journey
    try:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            with contextlib.suppress(PlaywrightError):  # a crashed page has no picture to give
                journey.page.screenshot(path=shots / f"{journey.count + 1:02d}-failed.png", full_page=True)
            print(f"--- server log ---\n{server.log_tail()}")  # shown with the failure
        elif report is not None:
            # Errors after the last step (late scripts, background requests) fail a journey that had passed.
            journey.assert_clean("end of the journey")
    finally:
        journey.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


@pytest.fixture
def make_member():
    """A member who logs in with their employee number and PASSWORD."""
    from tests.factories import MemberFactory, UserFactory, org_unit

    def make(employee_no: str, name: str, unit: str, roles=("member",)):
        user = UserFactory(username=employee_no, password=PASSWORD)
        return MemberFactory(employee_no=employee_no, name=name, user=user, org_unit=org_unit(unit), roles=list(roles))

    return make
