"""Intranets have no internet: every script, style sheet, image and font a page loads is served by us."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

# src= on any element, href= on <link> (style sheets, icons, manifests), url(...) in inline styles.
ASSET = re.compile(r"""<(?:script|img|iframe|source|video|audio)\b[^>]*?\bsrc=["']([^"']+)["']"""
                   r"""|<link\b[^>]*?\bhref=["']([^"']+)["']|url\(["']?([^)"']+)["']?\)""", re.I)


def assets(html: str) -> list[str]:
    return [next(g for g in m.groups() if g) for m in ASSET.finditer(html)]


def assert_all_local(html: str, page: str) -> None:
    found = assets(html)
    external = [a for a in found if urlsplit(a).scheme in ("http", "https") or a.startswith("//")]
    assert not external, f"{page} loads {external}"
    for url in found:
        path = urlsplit(url).path
        if path.startswith("/static/"):
            assert finders.find(path.removeprefix("/static/")), f"{page}: {path} is not among our static files"


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_api_docs_load_only_our_own_assets(path):
    client = Client()
    client.force_login(MemberFactory().user)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert_all_local(html, path)
    assert "/static/drf_spectacular_sidecar/" in html


def test_the_admin_dashboard_asks_no_outside_server():
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True, email="admin@example.com"))
    html = client.get("/admin/").content.decode()
    assert_all_local(html, "/admin/")
    assert "gravatar" not in html
    assert "data-w-upgrade" not in html  # the release check calls an outside server from the browser


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/search/?q=学时", "/talks/"])
def test_member_pages_load_only_our_own_assets(path):
    client = Client()
    client.force_login(MemberFactory().user)
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert_all_local(response.content.decode(), path)
