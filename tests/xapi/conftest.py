"""Shared fixtures of the LRS tests: LRS clients and a request helper that speaks xAPI (Basic auth + version)."""

from __future__ import annotations

import base64
import json as jsonlib

import pytest
from django.test import Client


@pytest.fixture
def lrs_client(db):
    """Make an LRS client: ``lrs_client(can_write=True, read="all", org_unit=None)`` -> (client, key, secret)."""
    from lms.xapi.models import LrsClient

    def make(can_write: bool = True, read: str = "all", org_unit=None, name: str = "测试客户端"):
        client = LrsClient(name=name, can_write=can_write, read=read, org_unit=org_unit)
        secret = client.issue_secret()
        client.save()
        return client, client.key, secret

    return make


def basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


class XapiClient:
    """Django's test client with the xAPI headers: ``x.get("/xapi/statements", params)``, ``x.post(path,
    json_body)``, ``x.put(path, body, params=...)``; ``auth=None`` sends no Authorization (session or anonymous)."""

    def __init__(self, auth: str | None = None, version: str = "1.0.3", client: Client | None = None):
        self.auth = auth
        self.version = version
        self.client = client or Client()

    def headers(self, extra: dict | None = None, version: str | None = None) -> dict:
        h = {}
        if self.auth:
            h["Authorization"] = self.auth
        v = version if version is not None else self.version
        if v:
            h["X-Experience-API-Version"] = v
        h.update(extra or {})
        return h

    @staticmethod
    def _url(path: str, params: dict | None) -> str:
        if not params:
            return path
        from urllib.parse import urlencode

        return path + ("&" if "?" in path else "?") + urlencode(params)

    def _body(self, body, content_type):
        if body is None:
            return b"", content_type
        if isinstance(body, (bytes, str)):
            return body, content_type
        return jsonlib.dumps(body), content_type

    def get(self, path, params=None, headers=None, version=None):
        return self.client.get(self._url(path, params), headers=self.headers(headers, version))

    def head(self, path, params=None, headers=None, version=None):
        return self.client.head(self._url(path, params), headers=self.headers(headers, version))

    def delete(self, path, params=None, headers=None, version=None):
        return self.client.delete(self._url(path, params), headers=self.headers(headers, version))

    def post(self, path, body=None, params=None, content_type="application/json", headers=None, version=None):
        data, ctype = self._body(body, content_type)
        return self.client.generic("POST", self._url(path, params), data, content_type=ctype,
                                   headers=self.headers(headers, version))

    def put(self, path, body=None, params=None, content_type="application/json", headers=None, version=None):
        data, ctype = self._body(body, content_type)
        return self.client.generic("PUT", self._url(path, params), data, content_type=ctype,
                                   headers=self.headers(headers, version))


@pytest.fixture
def xapi_as():
    """``xapi_as(key, secret, version="1.0.3")`` -> an XapiClient authenticated as that LRS client."""

    def make(key: str | None = None, secret: str | None = None, version: str = "1.0.3"):
        return XapiClient(basic(key, secret) if key else None, version)

    return make


@pytest.fixture
def xapi(lrs_client, xapi_as):
    """An XapiClient for a client that may write and read all statements (1.0.3)."""
    _client, key, secret = lrs_client(can_write=True, read="all")
    x = xapi_as(key, secret)
    x.lrs_client = _client
    return x
