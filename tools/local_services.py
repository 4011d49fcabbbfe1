"""Private PostgreSQL and Redis servers for tests, benchmarks and the local production profile.

    python tools/local_services.py run [--dir DIR] -- COMMAND ...

installs the Debian packages when they are missing (as root), starts both servers under DIR (a temporary
folder by default) on free loopback ports, runs COMMAND with ``LMS_TEST_DATABASE_URL`` and ``LMS_TEST_REDIS_URL``
set (with ``--production`` also ``DATABASE_URL`` and ``CELERY_BROKER_URL``), stops the servers and exits with
the command's status.
Nothing system-wide is changed beyond the package install: no service is enabled, no default port is used.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG_USER = "lms"
PG_DB = "lms"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port} within {seconds:.0f} s")


def apt_install(*packages: str) -> None:
    if os.geteuid() != 0:
        raise SystemExit(f"Install the Debian packages {' '.join(packages)} (apt-get install) and run again.")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], check=True, env=env)


def pg_bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        apt_install("postgresql")
        return pg_bindir()
    return Path(found[-1]).parent


def redis_server() -> str:
    path = shutil.which("redis-server")
    if not path:
        apt_install("redis-server")
        path = shutil.which("redis-server") or "/usr/bin/redis-server"
    return path


def _as_owner(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the package's own system user (from /, since
    the caller's folder may be closed to that user)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", "env", "-C", "/", *cmd]
    return cmd


class Services:
    def __init__(self, folder: Path):
        self.folder = folder
        self.pg_port = free_port()
        self.redis_port = free_port()
        self.redis: subprocess.Popen | None = None
        self.pg_data = folder / "pg"

    @property
    def database_url(self) -> str:
        return f"postgres://{PG_USER}@127.0.0.1:{self.pg_port}/{PG_DB}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._start_postgres()
        self._start_redis()

    def _start_postgres(self) -> None:
        bindir = pg_bindir()
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            self.pg_data.mkdir(exist_ok=True)
            os.chown(self.pg_data, owner.pw_uid, owner.pw_gid)
            os.chmod(self.folder, 0o755)
        if not (self.pg_data / "PG_VERSION").exists():
            subprocess.run(_as_owner([str(bindir / "initdb"), "-D", str(self.pg_data), "-U", PG_USER,
                                      "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
                           check=True, stdout=subprocess.DEVNULL)
        # Tuned for tests: durability is not needed, many connections are (threaded servers, workers).
        options = (f"-p {self.pg_port} -k {self.pg_data} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300 "
                   "-c shared_buffers=256MB")
        subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(self.pg_data), "-o", options, "-w",
                                  "-l", str(self.pg_data / "server.log"), "start"]),
                       check=True, stdout=subprocess.DEVNULL)
        wait_for_port(self.pg_port)
        subprocess.run(_as_owner([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port),
                                  "-U", PG_USER, PG_DB]), check=False, stderr=subprocess.DEVNULL)

    def _start_redis(self) -> None:
        self.redis = subprocess.Popen(
            [redis_server(), "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.redis_port)

    def stop(self) -> None:
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait(timeout=30)
        if (self.pg_data / "postmaster.pid").exists():
            subprocess.run(_as_owner([str(pg_bindir() / "pg_ctl"), "-D", str(self.pg_data), "-m", "fast", "stop"]),
                           check=False, stdout=subprocess.DEVNULL)

    def environment(self, production: bool = False) -> dict[str, str]:
        env = {"LMS_TEST_DATABASE_URL": self.database_url, "LMS_TEST_REDIS_URL": self.redis_url}
        if production:
            env.update(DATABASE_URL=self.database_url, CELERY_BROKER_URL=self.redis_url)
        return env


def read_env_file(path: str) -> dict[str, str]:
    env = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            env[key.strip()] = value.strip()
    return env


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["run"])
    parser.add_argument("--dir", help="where the servers keep their data (default: a temporary folder)")
    parser.add_argument("--production", action="store_true", help="also set DATABASE_URL and CELERY_BROKER_URL")
    parser.add_argument("--env-file", help="KEY=VALUE lines added to the command's environment (e.g. var/prod.env)")
    argv = list(sys.argv[1:] if argv is None else argv)
    split = argv.index("--") if "--" in argv else len(argv)
    args, command = parser.parse_args(argv[:split]), argv[split + 1:]
    if not command:
        parser.error("give the command to run after --")
    # A terminated run still stops its servers (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="lms-services-"))
    services = Services(folder.resolve())
    try:
        services.start()
        print(f"PostgreSQL at {services.database_url}, Redis at {services.redis_url}", flush=True)
        extra = read_env_file(args.env_file) if args.env_file else {}
        return subprocess.call(command, env={**os.environ, **extra, **services.environment(args.production)})
    finally:
        services.stop()
        if not args.dir:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
