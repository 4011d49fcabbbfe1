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
from kombu import Connection


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


class Broker:
    """The message broker of one test's workers: Redis when the run provides one (``LMS_TEST_REDIS_URL``, set
    by the PostgreSQL run of ``make test``) or when asked for (``redis_url``), else a private filesystem broker
    under ``folder``. Each Broker has its own key prefix on Redis, so tests never see each other's messages."""

    def __init__(self, folder: Path, *, redis_url: str | None = None, visibility_timeout: int | None = None):
        self.folder = folder
        self.redis_url = redis_url or os.environ.get("LMS_TEST_REDIS_URL") or None
        self.prefix = f"test-{uuid.uuid4().hex[:12]}:"
        self.visibility_timeout = visibility_timeout
        if not self.redis_url:
            for sub in ("queue", "control"):
                (folder / sub).mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return self.redis_url or "filesystem://"

    @property
    def transport_options(self) -> dict:
        if self.redis_url:
            options = {"global_keyprefix": self.prefix}
            if self.visibility_timeout:
                # Look for abandoned messages every second instead of every 100 s (kombu's default cadence).
                options.update(visibility_timeout=self.visibility_timeout, unacked_restore_interval=1,
                               unacked_restore_throttle=1)
            return options
        return {"data_folder_in": str(self.folder / "queue"), "data_folder_out": str(self.folder / "queue"),
                "control_folder": str(self.folder / "control"), "store_processed": False}

    def worker_env(self) -> dict[str, str]:
        """What config.settings.test_worker reads to reach this broker."""
        if self.redis_url:
            env = {"LMS_TEST_BROKER_URL": self.redis_url, "LMS_TEST_BROKER_PREFIX": self.prefix}
            if self.visibility_timeout:
                env["LMS_TEST_VISIBILITY_TIMEOUT"] = str(self.visibility_timeout)
            return env
        return {"LMS_TEST_BROKER_DIR": str(self.folder)}

    def connection(self) -> Connection:
        return Connection(self.url, transport_options=self.transport_options)

    def send(self, signature) -> None:
        """Publish a task signature (or chain) as the web process would, though the suite runs tasks eagerly."""
        from config.celery import app

        eager = app.conf.task_always_eager
        app.conf.task_always_eager = False
        try:
            with self.connection() as conn:
                signature.apply_async(connection=conn)
        finally:
            app.conf.task_always_eager = eager


@contextmanager
def celery_worker(log: Path, *, queue: str, broker: Broker, name: str = "test", ready: bool = False,
                  **extra_env):
    """A real Celery worker (solo pool) on the test database and the test's broker. With ``ready`` it returns
    once the worker consumes (needed when the broker does not keep messages published before that)."""
    cmd = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue,
           "--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel=INFO",
           "-n", f"{name}-{uuid.uuid4().hex[:8]}@localhost"]
    start = log.stat().st_size if log.exists() else 0
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, cwd=settings.BASE_DIR, env=child_env(**broker.worker_env(), **extra_env),
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        if ready:
            deadline = time.monotonic() + 120
            while b" ready." not in log.read_bytes()[start:]:
                assert proc.poll() is None, "worker exited:\n" + log.read_text(errors="replace")[-4000:]
                assert time.monotonic() < deadline, "worker did not start:\n" + log.read_text(errors="replace")
                time.sleep(0.2)
        yield proc
    finally:
        stop(proc)


@contextmanager
def redis_service(folder: Path):
    """A Redis URL: the run's own (``LMS_TEST_REDIS_URL``), else a private server started here (installed from
    Debian's packages when missing, as tools/local_services.py does for the PostgreSQL run)."""
    if os.environ.get("LMS_TEST_REDIS_URL"):
        yield os.environ["LMS_TEST_REDIS_URL"]
        return
    sys.path.insert(0, str(Path(settings.BASE_DIR) / "tools"))
    try:
        import local_services
    finally:
        sys.path.pop(0)
    port = local_services.free_port()
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([local_services.redis_server(), "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", str(folder)], stdout=subprocess.DEVNULL)
    try:
        local_services.wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(proc)
