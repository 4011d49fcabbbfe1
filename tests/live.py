"""Real processes started by tests: a production WSGI server (gunicorn with threads) and Celery workers,
on the test's own database (a SQLite file or a PostgreSQL database) as deployed servers would use it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection


def test_database() -> str:
    """The test database for a child process's ``LMS_TEST_DB``: a SQLite path or a database URL."""
    d = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(d["NAME"])
    auth = quote(d["USER"] or "", safe="") + (":" + quote(d["PASSWORD"], safe="") if d.get("PASSWORD") else "")
    return f"postgres://{auth}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


def child_env(**extra) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test_worker",
        "LMS_TEST_DB": test_database(),
        "LMS_TEST_MEDIA": str(settings.MEDIA_ROOT),
        "ASR_MODEL_DIR": str(settings.ASR_MODEL_DIR),
        **{k: str(v) for k, v in extra.items()},
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextmanager
def wsgi_server(log: Path, *, threads: int = 8, workers: int = 1, timeout: float = 90, **extra_env):
    """gunicorn's threaded worker serving config.wsgi on a free port; yields the base URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
           "--worker-class", "gthread", "--workers", str(workers), "--threads", str(threads),
           "--timeout", "120", "--access-logfile", "-", "--error-logfile", "-"]
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, cwd=settings.BASE_DIR, env=child_env(**extra_env), stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            assert proc.poll() is None, "server exited:\n" + log.read_text(errors="replace")[-4000:]
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "server did not start:\n" + log.read_text(errors="replace")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


@contextmanager
def celery_worker(log: Path, *, queue: str, broker: Path, name: str = "test", **extra_env):
    """A real Celery worker (solo pool) on the test database and a private filesystem broker."""
    cmd = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue,
           "--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel=INFO",
           "-n", f"{name}-{uuid.uuid4().hex[:8]}@localhost"]
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, cwd=settings.BASE_DIR, env=child_env(LMS_TEST_BROKER_DIR=broker, **extra_env),
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        stop(proc)
