"""The installable app: the web app manifest, the service worker (/sw.js) and the offline page.

The service worker keeps an "app shell" (the style sheet, the offline page, the icons and the scripts they load)
in a cache named after a hash of those files, so a deploy that changes any of them installs a new worker and drops
the old cache. Pages are network-first; what it may keep and what it never touches is listed in SERVICE_WORKER.
"""

import functools
import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import HashedFilesMixin
from django.core.files.storage import storages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control

NAME = "党员教育培训平台"
SHORT_NAME = "党员学习"
THEME_COLOR = "#c8161d"  # --red of static/css/site.css (the top bar)
START_URL = "/today/"
ICONS = [  # static path, size, purpose
    ("pwa/icon-192.png", 192, "any"),
    ("pwa/icon-512.png", 512, "any"),
    ("pwa/icon-maskable-512.png", 512, "maskable"),
]
# Static files of the app shell: what the offline page needs to render (base.html loads the style sheet, the
# favicon, register.js and site.js; the offline page adds offline.js) and the icons.
SHELL_STATIC = ["css/site.css", "img/favicon.svg", "pwa/register.js", "js/site.js", "pwa/offline.js",
                *(path for path, _size, _purpose in ICONS)]
SHELL_TEMPLATES = ["site/offline.html", "base.html"]
MANIFEST_MAX_AGE = 3600
NAVIGATION_TIMEOUT_MS = 4000  # then a saved copy of the page, if there is one, while the network goes on


def manifest(request):
    data = {
        "id": START_URL,
        "name": NAME,
        "short_name": SHORT_NAME,
        "description": "党员学习教育、培训任务与学时档案",
        "lang": "zh-Hans",
        "dir": "ltr",
        "start_url": START_URL,
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": THEME_COLOR,
        "categories": ["education"],
        "prefer_related_applications": False,
        "icons": [{"src": static(path), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
                  for path, size, purpose in ICONS],
    }
    response = JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, max_age=MANIFEST_MAX_AGE)
    return response


def _static_bytes(path: str) -> bytes:
    """A static file's content: from the source folders (development, tests) or the collected files."""
    found = finders.find(path)
    if found:
        with open(found, "rb") as fh:
            return fh.read()
    storage = storages["staticfiles"]
    if storage.exists(path):
        with storage.open(path) as fh:
            return fh.read()
    return b""


def _build_shell() -> dict:
    digest = hashlib.sha256()
    for path in SHELL_STATIC:
        digest.update(path.encode() + b"\0" + _static_bytes(path) + b"\0")
    for name in SHELL_TEMPLATES:
        digest.update(get_template(name).template.source.encode())
    return {
        "version": digest.hexdigest()[:16],
        "offline": reverse("site:offline"),
        "shell": [reverse("site:offline"), *(static(path) for path in SHELL_STATIC)],
    }


_shell_cached = functools.cache(_build_shell)


def shell() -> dict:
    """The shell's URLs and version; computed once per process, except in development where files change."""
    return _build_shell() if settings.DEBUG else _shell_cached()


def worker_config() -> dict:
    static_url = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    return {
        **shell(),
        "staticUrl": static_url,
        # Content-hashed static names (the manifest storage of production): a cached file never goes stale, so
        # static files are cache-first. Plain names: the cached copy is served and refreshed behind it.
        "hashedStatic": isinstance(storages["staticfiles"], HashedFilesMixin),
        # Not intercepted at all: the browser handles them as if there were no worker.
        "bypass": sorted({"/admin/", "/django-admin/", "/api/", "/documents/", settings.MEDIA_URL,
                          reverse("site:service-worker"), reverse("site:manifest")}),
        # Pages that may open offline from the network-first fallback but are never stored.
        "noStore": sorted({"/accounts/", "/i18n/", reverse("site:offline")}),
        # A POST here (log in, log out) forgets the saved pages: they belong to the member who was logged in.
        "forgetOn": sorted({reverse("login"), reverse("logout")}),
        "timeoutMs": NAVIGATION_TIMEOUT_MS,
        "maxPages": 40,
        "maxStatic": 150,
    }


# The worker itself; CONFIG is filled in by service_worker() (worker_config()).
SERVICE_WORKER = r"""'use strict';
/* The member education platform's service worker (served by lms/site/pwa.py at the root, scope /).

   - install: precache the app shell (style sheet, scripts, icons, the offline page) in a cache named after
     the shell's version, a hash of its files, so a deploy that changes them refreshes it.
   - static files (CONFIG.staticUrl): cache-first (with content-hashed names), else the cached copy refreshed
     behind it.
   - page navigations: network-first. A successful HTML page is kept (the last /today/ among them, which the
     offline page lists); without the network, or after CONFIG.timeoutMs with a kept copy, the kept copy is shown,
     else the offline page.
   - never touched: anything not GET, other origins, CONFIG.bypass (API, admin, media, documents), range requests,
     video and audio. Downloads, non-HTML answers and answers marked no-store are never kept.
   - Heartbeats, quiz answers and forms are POSTs and are never queued to be sent later: the server credits study
     time only from beats it checks as they arrive (the interval since the previous beat, one lesson at a time),
     and a beat replayed later could not be verified; so offline a POST simply fails and the page says so.
   - activate: delete the caches of older versions. Logging in or out forgets the kept pages. */
const CONFIG = __CONFIG__;
const PREFIX = 'lms-';
const SHELL_CACHE = PREFIX + 'shell-' + CONFIG.version;
const PAGES_CACHE = PREFIX + 'pages-v1';
const MATCH = {ignoreVary: true};

function startsWithAny(path, prefixes) {
  return prefixes.some((prefix) => path.startsWith(prefix));
}

async function trim(cacheName, max, keep) {
  const cache = await caches.open(cacheName);
  const keys = (await cache.keys()).filter((request) => !keep.has(new URL(request.url).pathname));
  await Promise.all(keys.slice(0, Math.max(0, keys.length - max)).map((request) => cache.delete(request)));
}

self.addEventListener('install', (event) => {
  // credentials omitted: the offline page is kept as anyone sees it, with no member's name in it.
  const requests = CONFIG.shell.map((url) => new Request(url, {credentials: 'omit', cache: 'reload'}));
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(requests)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(
    names.filter((name) => name.startsWith(PREFIX) && name !== SHELL_CACHE && name !== PAGES_CACHE)
      .map((name) => caches.delete(name)))).then(() => self.clients.claim()));
});

function keepablePage(url, response) {
  if (response.status !== 200 || response.type !== 'basic' || startsWithAny(url.pathname, CONFIG.noStore)) {
    return false;
  }
  const type = response.headers.get('Content-Type') || '';
  const control = response.headers.get('Cache-Control') || '';
  const disposition = response.headers.get('Content-Disposition') || '';
  return type.startsWith('text/html') && !/no-store/i.test(control) && !/attachment/i.test(disposition);
}

async function offlinePage() {
  const cached = await caches.match(CONFIG.offline, {...MATCH, cacheName: SHELL_CACHE});
  return cached || new Response('Offline', {status: 503, headers: {'Content-Type': 'text/plain; charset=utf-8'}});
}

async function page(event, url) {
  let saving = Promise.resolve();
  const network = fetch(event.request).then((response) => {
    if (keepablePage(url, response)) {
      const copy = response.clone();
      saving = caches.open(PAGES_CACHE).then((cache) => cache.put(url.href, copy))
        .then(() => trim(PAGES_CACHE, CONFIG.maxPages, new Set()));
    }
    return response;
  });
  event.waitUntil(network.then(() => saving).catch(() => undefined));
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(() => resolve('late'), CONFIG.timeoutMs); });
  const first = await Promise.race([network.catch(() => 'failed'), late]);
  clearTimeout(timer);
  if (first !== 'late' && first !== 'failed') return first;
  const kept = await caches.match(url.href, {...MATCH, cacheName: PAGES_CACHE});
  if (kept) return kept;
  if (first === 'late') {
    try {
      return await network;  // slow, but nothing kept to show instead
    } catch (error) {
      // offline after all: below
    }
  }
  return offlinePage();
}

async function staticFile(event) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(event.request, MATCH);
  const refresh = () => fetch(event.request).then((response) => {
    if (response.status === 200 && response.type === 'basic') {
      const copy = response.clone();
      event.waitUntil(cache.put(event.request, copy)
        .then(() => trim(SHELL_CACHE, CONFIG.maxStatic, new Set(CONFIG.shell))));
    }
    return response;
  });
  if (!cached) return refresh();
  if (!CONFIG.hashedStatic) event.waitUntil(refresh().catch(() => undefined));
  return cached;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || startsWithAny(url.pathname, CONFIG.bypass)) return;
  if (request.method !== 'GET') {
    // Never queued (see above). Logging in or out: the kept pages were the previous member's.
    if (request.mode === 'navigate' && CONFIG.forgetOn.includes(url.pathname)) {
      event.waitUntil(caches.delete(PAGES_CACHE));
    }
    return;
  }
  if (request.headers.has('Range') || request.destination === 'video' || request.destination === 'audio') return;
  if (request.mode === 'navigate') {
    event.respondWith(page(event, url));
  } else if (url.pathname.startsWith(CONFIG.staticUrl)) {
    event.respondWith(staticFile(event));
  }
});
"""


def service_worker(request):
    config = json.dumps(worker_config(), ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(SERVICE_WORKER.replace("__CONFIG__", config),
                            content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


def offline(request):
    return render(request, "site/offline.html")
