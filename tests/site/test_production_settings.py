"""Production settings: servers default to them, they refuse missing or weak secrets, and Django's deploy check
finds nothing to warn about."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

STRONG = "k3y-" + "x7Qp9Lz2Rt5Vw8Nb4Mc6Jd1Hf0Gs3Ak-" * 2  # 70 characters, test only


def run(code: list[str], tmp_path: Path, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECRET_KEY", "DATABASE_URL"))}
    return subprocess.run([sys.executable, *code], cwd=settings.BASE_DIR, capture_output=True, text=True,
                          timeout=120, env={**base, "LMS_VAR_DIR": str(tmp_path), **env})


def production_env(tmp_path: Path, **extra) -> dict:
    return {"DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": STRONG,
            "ALLOWED_HOSTS": "lms.example.com", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "CELERY_BROKER_URL": "redis://127.0.0.1:1/0", **extra}


def test_deploy_check_is_clean(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("key", ["short-key", "django-insecure-" + "a1b2c3d4e5" * 6, "a" * 60])
def test_weak_secret_keys_stop_start_up(tmp_path, key):
    result = run(["manage.py", "check"], tmp_path, **production_env(tmp_path, SECRET_KEY=key))
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_servers_default_to_production_settings(tmp_path, module):
    result = run(["-c", f"import {module}"], tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_responses_carry_a_content_security_policy(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'self'" in policy
    assert "worker-src 'self' blob:" in policy
