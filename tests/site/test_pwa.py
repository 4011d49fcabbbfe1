"""The installable app: the manifest, the service worker at /sw.js and the offline page (lms/site/pwa.py)."""

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client
from PIL import Image

from lms.site import pwa
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def static_file(url: str) -> Path:
    path = urlsplit(url).path
    assert path.startswith(settings.STATIC_URL), url
    found = finders.find(path.removeprefix(settings.STATIC_URL))
    assert found, f"{url} is not among our static files"
    return Path(found)


def worker(client: Client | None = None):
    response = (client or Client()).get("/sw.js")
    source = response.content.decode()
    config = json.loads(source.split("const CONFIG = ", 1)[1].split(";\n", 1)[0])
    return response, source, config


def test_manifest_describes_an_installable_app():
    response = Client().get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert "max-age=3600" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["name"] == "党员教育培训平台"
    assert data["short_name"] == "党员学习"
    assert "党员教育培训平台" in response.content.decode()  # readable UTF-8, not \u escapes
    assert (data["start_url"], data["scope"], data["display"], data["lang"]) == ("/today/", "/", "standalone",
                                                                                "zh-Hans")
    assert data["prefer_related_applications"] is False
    site_css = static_file(static("css/site.css")).read_text(encoding="utf-8").lower()
    for key in ("theme_color", "background_color"):
        assert data[key].lower() in site_css, f"{key} {data[key]} is not the site's colour"


def test_manifest_icons_are_real_pngs_of_the_declared_sizes():
    icons = Client().get("/manifest.webmanifest").json()["icons"]
    declared = set()
    for icon in icons:
        assert icon["type"] == "image/png"
        with Image.open(static_file(icon["src"])) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"], icon
            assert image.mode == "RGB", "opaque: iOS shows transparent touch icons on black"
        declared.add((icon["sizes"], icon.get("purpose", "any")))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= declared


def test_the_maskable_icon_keeps_its_mark_inside_the_safe_zone():
    """Launchers crop maskable icons to any shape that contains the centred circle of 40% radius."""
    icon = next(i for i in Client().get("/manifest.webmanifest").json()["icons"] if i["purpose"] == "maskable")
    with Image.open(static_file(icon["src"])) as image:
        size = image.width
        background = image.getpixel((0, 0))
        mark = Image.eval(image.convert("L"), lambda v: 255 if v > 200 else 0).getbbox()  # the white glyph
        assert all(image.getpixel(xy) == background for xy in [(0, 0), (size - 1, 0), (0, size - 1)])
    assert mark is not None
    left, top, right, bottom = mark
    centre = size / 2
    for x, y in [(left, top), (right, top), (left, bottom), (right, bottom)]:
        assert ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5 <= 0.4 * size, mark


def test_service_worker_is_served_from_the_root_uncached():
    response, _source, _config = worker()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"


def test_service_worker_precaches_the_shell_and_never_the_api():
    _response, source, config = worker()
    shell = config["shell"]
    for url in ["/offline/", static("css/site.css"), static("pwa/register.js"), static("pwa/offline.js"),
                static("pwa/icon-192.png"), static("pwa/icon-512.png"), static("pwa/icon-maskable-512.png")]:
        assert url in shell
    for url in shell:
        if url != "/offline/":
            static_file(url)  # each exists
    assert not any(url.startswith(("/api/", "/admin/", settings.MEDIA_URL)) for url in shell)
    for prefix in ["/api/", "/admin/", "/django-admin/", settings.MEDIA_URL]:
        assert prefix in config["bypass"]
    assert len(config["version"]) == 16
    assert config["staticUrl"] == settings.STATIC_URL
    assert config["hashedStatic"] is False  # the test settings' plain StaticFilesStorage
    assert "/accounts/logout/" in config["forgetOn"]
    # POSTs (heartbeats) are never intercepted, queued or replayed.
    assert "request.method !== 'GET'" in source
    assert "addEventListener('sync'" not in source


def test_the_shell_version_follows_the_content_of_its_files(monkeypatch):
    before = pwa._build_shell()["version"]
    assert pwa._build_shell()["version"] == before
    real = pwa._static_bytes
    monkeypatch.setattr(pwa, "_static_bytes", lambda path: real(path) + (b"/**/" if path.endswith(".css") else b""))
    assert pwa._build_shell()["version"] != before


def test_the_shell_is_the_same_for_every_visitor():
    """No personal data in the worker: a member and an anonymous visitor get the same script."""
    client = Client()
    client.force_login(MemberFactory().user)
    assert worker(client)[1] == worker()[1]


@pytest.mark.skipif(shutil.which("node") is None, reason="node checks the syntax of the scripts")
def test_scripts_parse(tmp_path):
    sw = tmp_path / "sw.js"
    sw.write_text(worker()[1], encoding="utf-8")
    for path in [sw, static_file(static("pwa/register.js")), static_file(static("pwa/offline.js"))]:
        result = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True, check=False)
        assert result.returncode == 0, f"{path.name}: {result.stderr}"


@pytest.mark.parametrize("logged_in", [False, True])
def test_offline_page_renders_in_the_site_layout(logged_in):
    client = Client()
    if logged_in:
        client.force_login(MemberFactory().user)
    response = client.get("/offline/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 200
    html = response.content.decode()
    assert static("css/site.css") in html  # base.html
    assert 'id="offline-notice"' in html
    assert 'id="offline-today"' in html and " hidden" in html  # shown by offline.js from the saved /today/
    assert static("pwa/offline.js") in html


@pytest.mark.django_db
def test_the_app_shell_is_served_to_members_who_owe_a_password_change_or_a_second_factor(settings):
    """The shell holds nothing personal; redirecting it would block installing or updating the app."""
    from django.test import Client

    from lms.accounts.models import AccountState
    from tests.factories import MemberFactory

    member = MemberFactory(roles=["member"])
    AccountState.objects.update_or_create(user=member.user, defaults={"must_change_password": True})
    client = Client()
    client.force_login(member.user)
    assert client.get("/today/").status_code == 302  # everything else waits for the password change
    for path in ("/sw.js", "/manifest.webmanifest", "/offline/"):
        assert client.get(path).status_code == 200, path
