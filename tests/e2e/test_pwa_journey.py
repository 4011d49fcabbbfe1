"""The installable app on the phone: a member logs in and opens “today”; the service worker takes control and
keeps the shell and the page; without a network a page never opened shows the offline page, “today” opens from
the kept copy, and the offline page lists the items of the last kept “today”. The manifest is linked and
parses, and Chromium finds the app installable."""

import datetime

import pytest
from django.utils import timezone

from lms.training import services as training
from tests.factories import make_course

pytestmark = pytest.mark.django_db(transaction=True)

# Until templates/base.html links the manifest and loads register.js on every page, the test adds them itself.
HEAD_JS = """() => {
  const added = [];
  if (!document.querySelector('link[rel="manifest"]')) {
    const link = document.createElement('link');
    link.rel = 'manifest';
    link.href = '/manifest.webmanifest';
    document.head.appendChild(link);
    added.push('manifest');
  }
  if (!Array.from(document.scripts).some((s) => s.src.includes('/pwa/register.js'))) {
    const script = document.createElement('script');
    script.src = '/static/pwa/register.js';
    document.head.appendChild(script);
    added.push('register.js');
  }
  return added;
}"""

MANIFEST_JS = """async () => {
  const link = document.querySelector('link[rel="manifest"]');
  const response = await fetch(link.href);
  return {type: response.headers.get('Content-Type'), manifest: await response.json()};
}"""

KEPT_TODAY_JS = """async () => {
  const response = await caches.match('/today/', {ignoreVary: true});
  return response ? (await response.text()).length : 0;
}"""

COURSE = "学习贯彻新修订的党章"


@pytest.mark.parametrize("viewport", ["phone"])
def test_installable_app_opens_offline(journey, make_member):
    unit = "公司党委/第一党支部/第一党小组"
    secretary = make_member("D2000", "王书记", unit, roles=("member", "branch_secretary"))
    member = make_member("D2001", "李娜", unit)
    course = make_course(COURSE, tier="elective")
    training.assign_manually(secretary.user, [member], course, timezone.localdate() + datetime.timedelta(days=3))
    page = journey.page
    journey.login("D2001")
    journey.goto("/today/", "today online")
    added = page.evaluate(HEAD_JS)
    print(f"added to the page's head by the test (base.html lacks them): {added or 'nothing'}")

    # The manifest is linked from the page and parses there.
    fetched = page.evaluate(MANIFEST_JS)
    assert fetched["type"].startswith("application/manifest+json")
    assert fetched["manifest"]["start_url"] == "/today/"
    assert fetched["manifest"]["display"] == "standalone"
    cdp = journey.context.new_cdp_session(page)
    app_manifest = cdp.send("Page.getAppManifest")
    assert app_manifest["url"].endswith("/manifest.webmanifest")
    assert not app_manifest["errors"], app_manifest["errors"]

    # The worker takes control (clients.claim on activate; a reload if it has not yet).
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("() => !!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    # Under control, “today” again: the worker keeps it (when it is a page, not a redirect to one).
    response = journey.goto("/today/", "today under the service worker")
    assert page.url.endswith("/today/") and response.request.redirected_from is None
    online_today = page.locator("main").inner_text()
    assert COURSE in online_today
    page.wait_for_function(KEPT_TODAY_JS)

    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    print(f"installability errors reported by Chromium: {errors}")
    # A Playwright context is off the record, which Chromium reports; everything else must be fine.
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == [], errors

    journey.context.set_offline(True)
    try:
        journey.goto("/search/?q=x", "offline: a page never opened")
        assert page.locator("#offline-notice").is_visible()
        assert page.url.endswith("/search/?q=x")
        assert page.evaluate("() => getComputedStyle(document.querySelector('.topbar')).backgroundColor") == \
            "rgb(200, 22, 29)", "the kept style sheet"

        journey.goto("/today/", "offline: today from the kept copy")
        assert page.locator("main").inner_text() == online_today
        assert page.locator("#offline-notice").count() == 0

        journey.goto("/search/?q=y", "offline: the offline page lists what was due")
        items = page.locator("#offline-today-items li")
        items.first.wait_for()
        assert COURSE in items.first.inner_text()
        assert items.first.locator("a").inner_text() == COURSE
        assert items.first.locator("a").get_attribute("href") == course.url
        assert page.locator("#offline-today-saved").inner_text().strip()
    finally:
        journey.context.set_offline(False)

    journey.goto("/search/?q=x", "online again")
    assert page.locator("#offline-notice").count() == 0


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_beat_lost_offline_is_sent_when_back_online_and_judged_by_the_server(journey, make_member):
    """Briefly offline: the page keeps the newest heartbeat the network lost and sends it when the browser is
    online again. The server judges it like any beat, so it credits no more than its own clock allows."""
    from lms.progress.models import LessonProgress
    from tests.factories import make_lesson

    member = make_member("D2002", "赵敏", "公司党委/第一党支部/第一党小组")
    course = make_course("图文学习课", tier="elective")
    lesson = make_lesson(course, "学习党章（图文）", rule="confirm", minutes=1)
    page = journey.page
    journey.login("D2002")
    # No periodic reading beat in this test: the only beat after the network returns is the one it lost.
    page.add_init_script("window.setInterval = function () { return 0; };")
    with page.expect_response(lambda r: "/heartbeat/" in r.url and r.request.method == "POST") as first:
        journey.goto(lesson.url, "text lesson: the first beat")
    assert first.value.ok
    started = timezone.now()
    before = LessonProgress.objects.get(member=member, lesson=lesson)

    journey.context.set_offline(True)
    # Coming back to the page reports at once: this beat is lost with the connection.
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_timeout(1500)
    assert LessonProgress.objects.get(pk=before.pk).last_beat_at == before.last_beat_at
    # Chromium reports the request the network refused; that, and only that, was expected.
    lost = [p for p in journey.problems if "ERR_INTERNET_DISCONNECTED" in p and "/heartbeat/" in p]
    assert lost, journey.problems
    journey.problems[:] = [p for p in journey.problems if p not in lost]
    with page.expect_request(lambda r: "/heartbeat/" in r.url and r.method == "POST") as resent:
        journey.context.set_offline(False)
    response = resent.value.response()
    assert response is not None and response.ok
    after = LessonProgress.objects.get(pk=before.pk)
    assert after.last_beat_at > before.last_beat_at
    # Credited: at most the seconds the server saw pass since the first beat, however long the page claims.
    assert after.time_spent_seconds <= (timezone.now() - started).total_seconds() + 1
    journey.check("online again: the lost beat arrived")
