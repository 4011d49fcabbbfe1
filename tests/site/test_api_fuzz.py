"""Every operation of the OpenAPI schema, fuzzed by schemathesis against the live server on the demo data, as
a member and as HR: no 5xx, and every answer (errors included) documented in the schema with its status, media
type and body. A fixed example budget in deterministic mode keeps the run the same on every machine."""

import subprocess
import sys
import urllib.request

import pytest
from django.core.management import call_command

from lms.accounts.models import ApiToken
from lms.org.models import Member
from tests.live import wsgi_server

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

EXAMPLES = 8
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


@pytest.fixture
def demo_tokens():
    call_command("seed_demo", "--no-talks", verbosity=0)
    users = {role: Member.objects.get(employee_no=emp).user for role, emp in (("member", "D1003"), ("hr", "D9001"))}
    return {role: ApiToken.objects.create(user)[1] for role, user in users.items()}


@pytest.mark.parametrize("role", ["member", "hr"])
def test_schema_fuzz_finds_no_server_error_or_undocumented_answer(demo_tokens, role, tmp_path):
    with wsgi_server(tmp_path / "server.log", threads=4) as base:
        # The schema is read here with a generous timeout: generating it takes the server seconds on a busy machine,
        # more than schemathesis's own schema-loading limit.
        schema = tmp_path / "schema.json"
        with urllib.request.urlopen(f"{base}/api/v1/schema/?format=json", timeout=180) as answer:
            schema.write_bytes(answer.read())
        run = subprocess.run(
            [sys.executable, "-m", "schemathesis.cli", "run", str(schema), "--url", base,
             "-H", f"Authorization: Token {demo_tokens[role]}", "--checks", CHECKS,
             "--max-examples", str(EXAMPLES), "--generation-deterministic",
             "--phases", "examples,coverage,fuzzing", "--workers", "1", "--warnings", "off",
             "--request-timeout", "60",
             # Revoking all of the caller's tokens would leave the rest of the run with 401s only.
             "--exclude-path-regex", "tokens/revoke-all"],
            capture_output=True, text=True, timeout=600, cwd=tmp_path,
        )
    assert run.returncode == 0, run.stdout[-12000:] + run.stderr[-3000:]
