"""Search through a real multi-threaded WSGI server, as deployed (not the test client).

The search engine object is cached once per process; each of the server's threads must still use its own
database connection. This ran on SQLite and runs again on PostgreSQL in `make test`.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.test import Client

from lms.accounts.models import ApiToken
from tests.factories import MemberFactory, UserFactory
from tests.live import wsgi_server
from tests.search.helpers import make_talk_with_segments

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CLIENTS = 8
ROUNDS = 6
QUERIES = ["三会一课", "学时", "隐患排查", "safety", "支部书记", "near miss"]


@pytest.fixture
def talks():
    return [
        make_talk_with_segments("专题党课", [(0.5, 4.0, "同志们，今天学习三会一课制度。"),
                                             (4.5, 9.0, "党员每年学习不少于三十二学时，支部书记五十六学时。")]),
        make_talk_with_segments("安全生产", [(0.5, 5.0, "班前会要做好隐患排查。"),
                                             (5.5, 9.0, "Report every near miss to your safety officer.")]),
    ]


def test_threaded_server_answers_concurrent_searches_without_errors(talks, tmp_path):
    admin = UserFactory(is_superuser=True)
    member = MemberFactory().user
    tokens = [ApiToken.objects.create(admin)[1], ApiToken.objects.create(member)[1]]
    browser = Client()
    browser.force_login(member)  # a session row in the database, used by the page requests below
    session = browser.cookies["sessionid"].value
    log = tmp_path / "server.log"

    with wsgi_server(log, threads=CLIENTS) as base:
        def one_client(n: int) -> list[tuple[str, int, str]]:
            http = requests.Session()
            out = []
            for i in range(ROUNDS):
                q = QUERIES[(n + i) % len(QUERIES)]
                r = http.get(f"{base}/api/v1/search/", params={"q": q}, timeout=60,
                             headers={"Authorization": f"Token {tokens[n % 2]}"})
                hit = r.json()["results"][0]["title"] if r.status_code == 200 and r.json()["results"] else ""
                out.append((q, r.status_code, hit))
                page = http.get(f"{base}/search/", params={"q": q}, cookies={"sessionid": session}, timeout=60)
                out.append((q, page.status_code, "page" if q in page.text else ""))
            return out

        with ThreadPoolExecutor(CLIENTS) as pool:
            answers = [a for chunk in pool.map(one_client, range(CLIENTS)) for a in chunk]

    errors = [a for a in answers if a[1] != 200]
    assert not errors, f"{len(errors)} of {len(answers)} requests failed: {errors[:5]}\n" + log.read_text()[-3000:]
    expected = {"三会一课": "专题党课", "学时": "专题党课", "支部书记": "专题党课", "隐患排查": "安全生产",
                "safety": "安全生产", "near miss": "安全生产"}
    api_hits = {(q, hit) for q, _status, hit in answers if hit != "page"}
    assert api_hits == set(expected.items())
    assert all(hit == "page" for q, _s, hit in answers if hit not in expected.values())
