"""Inputs found by the schema fuzzer (and their kin) get a 4xx in the API's error shape, never a 500."""

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import MemberFactory, UserFactory
from tests.quizzes.factories import build_h5p
from tests.quizzes.test_h5p_xapi import statement

pytestmark = pytest.mark.django_db

HUGE = "2978229656396954075136"


@pytest.fixture
def client(member):
    c = APIClient()
    c.force_authenticate(member.user)
    return c


def assert_error(response, status):
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert body["status"] == status and body["error"]
    return body


def test_options_on_a_route_without_an_id(client):
    response = client.options("/api/v1/notifications/preferences/")
    assert response.status_code == 200
    assert response.json()["name"]


def test_an_id_beyond_64_bits_in_a_body(client):
    body = assert_error(client.post("/api/v1/notifications/read-all/", {"ids": [int(HUGE)]}, format="json"), 400)
    assert "ids" in body["fields"]


@pytest.mark.parametrize("path", [f"/api/v1/ledger/?member={HUGE}", f"/api/v1/enrollments/?course={HUGE}",
                                  f"/api/v1/members/?org_unit={HUGE}"])
def test_an_id_beyond_64_bits_in_a_filter(path):
    hr = APIClient()
    hr.force_authenticate(UserFactory(is_superuser=True))
    response = hr.get(path)
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 400:
        assert_error(response, 400)


@pytest.mark.parametrize("path", [f"/api/v1/ledger/{HUGE}/", f"/api/v1/quiz-attempts/{HUGE}/submit/",
                                  "/api/v1/quiz-attempts/null,null/submit/", f"/api/v1/lessons/{HUGE}/heartbeat/"])
def test_malformed_or_huge_ids_in_paths_are_json_404s(client, path):
    response = client.post(path, {}, format="json") if "submit" in path or "heartbeat" in path else client.get(path)
    assert response["Content-Type"].startswith("application/json")
    assert_error(response, 404)


def test_deeply_nested_json(client):
    deep = "[" * 5000 + "]" * 5000
    response = client.generic("POST", "/api/v1/notifications/read-all/", deep, content_type="application/json")
    assert_error(response, 400)


def test_lone_surrogate_in_a_statement(member):
    import io

    from lms.quizzes.h5p.package import import_package

    package = import_package(io.BytesIO(build_h5p()), filename="fixture.h5p")
    client = APIClient()
    client.force_authenticate(member.user)
    body = json.dumps(statement(package, member)).replace('"PT12.5S"', '"PT12.5S", "response": "\\ud800"')
    assert "\\ud800" in body
    response = client.generic("POST", f"/api/v1/h5p/{package.pk}/xapi/", body, content_type="application/json",
                              HTTP_ACCEPT_LANGUAGE="en")
    assert assert_error(response, 400)["code"] == "parse_error"
    assert "Unicode" in response.json()["error"]


def test_unknown_api_path_answers_json():
    c = Client()
    c.force_login(MemberFactory().user)
    response = c.get("/api/v1/no-such-thing/")
    assert response["Content-Type"].startswith("application/json")
    assert_error(response, 404)
