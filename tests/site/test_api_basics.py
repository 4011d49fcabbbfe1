import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient


def test_token_auth_with_command(member):
    out = io.StringIO()
    call_command("create_api_token", member.user.username, stdout=out)
    key = out.getvalue().strip()
    assert len(key) == 64
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    r = client.get("/api/v1/me/")
    assert r.status_code == 200 and r.json()["employee_no"] == member.employee_no
    assert r.json()["hours_required"] == "32.00"
    # Only a digest is stored: each call makes a new token (several per user), and the earlier one still works.
    again = io.StringIO()
    call_command("create_api_token", member.user.username, "--name", "ci", "--ttl-hours", "2", stdout=again)
    second = again.getvalue().strip()
    assert second != key and len(second) == 64
    assert APIClient(HTTP_AUTHORIZATION=f"Token {second}").get("/api/v1/me/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token wrong")
    r = client.get("/api/v1/me/")
    assert r.status_code == 401 and r.json()["error"]
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody")


def test_openapi_schema_lists_our_api(db):
    r = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert r.status_code == 200
    paths = r.json()["paths"] if r["Content-Type"].endswith("json") else r.content.decode()
    assert "/api/v1/lessons/{lesson_id}/heartbeat/" in paths
    assert "/admin/api" not in str(paths)


def test_error_shape_for_validation(member_api):
    r = member_api.post("/api/v1/enrollments/", {"course": 999999}, format="json")
    assert r.status_code == 400
    body = r.json()
    assert body["error"].startswith("course:") and "course" in body["fields"] and body["status"] == 400


def test_ui_defaults_to_chinese_and_switches_to_english(db):
    client = Client()
    html = client.get("/accounts/login/").content.decode()
    assert 'lang="zh-hans"' in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/accounts/login/").content.decode()
