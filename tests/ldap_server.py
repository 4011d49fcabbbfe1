"""A private OpenLDAP server for the directory-login tests.

``LdapServer(entries).start()`` installs Debian's slapd and ldap-utils when they are missing (as root, like
tools/local_services.py does for PostgreSQL), writes a minimal slapd.conf (mdb backend, suffix dc=example,dc=com,
rootdn cn=admin) in a temporary folder, loads the entries with slapadd and runs slapd in the foreground on a
free loopback port, as the package's unprivileged ``openldap`` user when the tests run as root. Nothing
system-wide is changed beyond the package install: no service is started or enabled, no default port is used.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from contextlib import suppress
from pathlib import Path

from tools.local_services import free_port, wait_for_port

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
SUFFIX = "dc=example,dc=com"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "ldap-admin-secret"  # noqa: S105 - a throwaway test server
PEOPLE = f"ou=people,{SUFFIX}"
OWNER = "openldap"

SLAPD_CONF = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {folder}/slapd.pid
argsfile {folder}/slapd.args
database mdb
maxsize 16777216
suffix "{suffix}"
rootdn "{rootdn}"
rootpw {rootpw}
directory {folder}/data
access to attrs=userPassword by self write by anonymous auth by * none
access to * by * read
"""


class InstallRefused(RuntimeError):
    """slapd is missing and this process may not install it."""


def ensure_slapd() -> None:
    if Path(SLAPD).exists() and Path(SLAPADD).exists():
        return
    if os.geteuid() != 0:
        raise InstallRefused("Install the Debian packages slapd and ldap-utils (apt-get install) to run this test.")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # The package's own service must not start on the default port: policy-rc.d refuses it during the install.
    policy = Path("/usr/sbin/policy-rc.d")
    added_policy = not policy.exists()
    if added_policy:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    try:
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "slapd", "ldap-utils"],
                       check=True, env=env)
    finally:
        if added_policy:
            policy.unlink(missing_ok=True)


def person(uid: str, password: str, employee_number: str | None = None, name: str = "") -> str:
    lines = [f"dn: uid={uid},{PEOPLE}", "objectClass: inetOrgPerson", f"uid: {uid}", f"cn: {name or uid}",
             f"sn: {name or uid}", f"userPassword: {password}"]
    if employee_number is not None:
        lines.append(f"employeeNumber: {employee_number}")
    return "\n".join(lines) + "\n"


class LdapServer:
    def __init__(self, entries: list[str]):
        self.entries = entries
        self.port = free_port()
        self.folder: Path | None = None
        self.process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    def _as_owner(self, cmd: list[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", OWNER, "--", *cmd]
        return cmd

    def start(self) -> LdapServer:
        ensure_slapd()
        self.folder = Path(tempfile.mkdtemp(prefix="lms-ldap-"))
        (self.folder / "data").mkdir()
        conf = self.folder / "slapd.conf"
        conf.write_text(SLAPD_CONF.format(folder=self.folder, suffix=SUFFIX, rootdn=ROOT_DN, rootpw=ROOT_PASSWORD))
        base = (f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n"
                f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n")
        ldif = self.folder / "data.ldif"
        ldif.write_text("\n".join([base, *self.entries]))
        if os.geteuid() == 0:
            owner = pwd.getpwnam(OWNER)
            for path in (self.folder, self.folder / "data", conf, ldif):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        subprocess.run(self._as_owner([SLAPADD, "-q", "-f", str(conf), "-l", str(ldif)]), check=True,
                       capture_output=True)
        # -d 0: stay in the foreground (so the process is ours to stop) without debug output.
        self.process = subprocess.Popen(
            self._as_owner([SLAPD, "-d", "0", "-f", str(conf), "-h", f"ldap://127.0.0.1:{self.port}/"]),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_port(self.port, seconds=30)
        except RuntimeError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=15)
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
