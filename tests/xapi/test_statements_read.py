"""GET of statements: one by id, voided ones, the filters, formats, ``more`` paging and the headers."""

import json
import uuid

import pytest

from .statement_data import ACTIVITY, OTHER, statement, voiding, with_id

pytestmark = pytest.mark.django_db
URL = "/xapi/statements"


def post(x, *statements):
    response = x.post(URL, list(statements))
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def ids_of(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [s["id"] for s in json.loads(response.content)["statements"]]


def test_get_one_by_id_with_headers(xapi):
    [sid] = post(xapi, statement())
    response = xapi.get(URL, {"statementId": sid})
    assert response.status_code == 200
    assert json.loads(response.content)["id"] == sid
    assert response["X-Experience-API-Consistent-Through"].endswith("Z")
    assert response["Last-Modified"]
    assert xapi.get(URL, {"statementId": str(uuid.uuid4())}).status_code == 404
    head = xapi.head(URL, {"statementId": sid})
    assert head.status_code == 200 and head.content == b""


def test_statement_id_excludes_other_filters_and_unknown_params_are_400(xapi):
    [sid] = post(xapi, statement())
    bad = xapi.get(URL, {"statementId": sid, "verb": "http://example.com/v"})
    assert bad.status_code == 400
    assert bad["X-Experience-API-Consistent-Through"]
    assert xapi.get(URL, {"statementId": sid, "format": "ids", "attachments": "false"}).status_code == 200
    assert xapi.get(URL, {"foo": "bar"}).status_code == 400
    assert xapi.get(URL, {"limit": "-1"}).status_code == 400
    assert xapi.get(URL, {"format": "full"}).status_code == 400
    assert xapi.get(URL, {"agent": "{not json"}).status_code == 400
    assert xapi.get(URL, {"agent": json.dumps({"name": "no ifi"})}).status_code == 400
    assert xapi.get(URL, {"since": "yesterday"}).status_code == 400


def test_voiding_hides_the_statement_from_lists_and_statement_id(xapi):
    [target, keep] = post(xapi, statement(), statement())
    [voider] = post(xapi, voiding(target))
    assert xapi.get(URL, {"statementId": target}).status_code == 404
    voided = xapi.get(URL, {"voidedStatementId": target})
    assert voided.status_code == 200 and json.loads(voided.content)["id"] == target
    listed = ids_of(xapi.get(URL))
    assert target not in listed
    assert voider in listed and keep in listed
    # a voiding statement cannot be voided: it stays readable
    post(xapi, voiding(voider))
    assert xapi.get(URL, {"statementId": voider}).status_code == 200


def test_voiding_needs_a_statement_ref(xapi):
    bad = statement(verb={"id": "http://adlnet.gov/expapi/verbs/voided"})
    assert xapi.post(URL, bad).status_code == 400


def test_filters_agent_verb_activity_registration(xapi):
    registration = str(uuid.uuid4())
    [a] = post(xapi, statement(context={"registration": registration}))
    [b] = post(xapi, statement(actor=OTHER, verb={"id": "http://adlnet.gov/expapi/verbs/passed"}))
    [c] = post(xapi, statement(object={"id": "http://example.com/other"},
                               context={"contextActivities": {"parent": [ACTIVITY]},
                                        "instructor": OTHER}))
    assert ids_of(xapi.get(URL, {"agent": json.dumps(OTHER)})) == [b]
    assert set(ids_of(xapi.get(URL, {"agent": json.dumps(OTHER), "related_agents": "true"}))) == {b, c}
    assert ids_of(xapi.get(URL, {"verb": "http://adlnet.gov/expapi/verbs/passed"})) == [b]
    assert ids_of(xapi.get(URL, {"activity": ACTIVITY["id"]})) == [b, a]
    assert ids_of(xapi.get(URL, {"activity": ACTIVITY["id"], "related_activities": "true"})) == [c, b, a]
    assert ids_of(xapi.get(URL, {"registration": registration})) == [a]
    assert ids_of(xapi.get(URL, {"ascending": "true"})) == [a, b, c]


def test_statements_targeting_a_match_are_included(xapi):
    [a] = post(xapi, statement(verb={"id": "http://example.com/verbs/unique"}))
    [ref] = post(xapi, statement(verb={"id": "http://example.com/verbs/commented"},
                                 object={"objectType": "StatementRef", "id": a}))
    assert ids_of(xapi.get(URL, {"verb": "http://example.com/verbs/unique"})) == [ref, a]


def test_since_until(xapi):
    [a] = post(xapi, statement())
    stored = json.loads(xapi.get(URL, {"statementId": a}).content)["stored"]
    [b] = post(xapi, statement())
    assert ids_of(xapi.get(URL, {"since": stored})) == [b]
    assert ids_of(xapi.get(URL, {"until": stored})) == [a]


def test_more_pages_through_the_same_query(xapi, settings):
    settings.LMS_XAPI_PAGE_SIZE = 2
    ids = post(xapi, *[statement() for _ in range(5)])
    seen = []
    response = xapi.get(URL, {"limit": "0"})
    while True:
        page = json.loads(response.content)
        seen += [s["id"] for s in page["statements"]]
        if not page["more"]:
            break
        assert page["more"].startswith("/xapi/statements?more=")
        response = xapi.get(page["more"])
        assert response.status_code == 200
    assert seen == list(reversed(ids))
    first = json.loads(xapi.get(URL, {"limit": "1"}).content)
    assert xapi.get(first["more"] + "x").status_code == 400
    assert xapi.get(first["more"], {"verb": "http://example.com/v"}).status_code == 400


def test_formats(xapi):
    [sid] = post(xapi, statement())
    ids = json.loads(xapi.get(URL, {"statementId": sid, "format": "ids"}).content)
    assert ids["object"] == {"id": ACTIVITY["id"]}
    assert ids["verb"] == {"id": "http://adlnet.gov/expapi/verbs/attended"}
    assert "name" not in ids["actor"]
    canonical = xapi.get(URL, {"statementId": sid, "format": "canonical"}, headers={"Accept-Language": "en-US"})
    data = json.loads(canonical.content)
    assert data["verb"]["display"] == {"en-US": "attended"}
    assert data["object"]["definition"]["name"] == {"en-US": "Branch meeting"}
    exact = json.loads(xapi.get(URL, {"statementId": sid}).content)
    assert exact["verb"]["display"] == {"zh-CN": "参加", "en-US": "attended"}


def test_version_header_is_required(xapi):
    assert xapi.get(URL, version="").status_code == 400
    assert xapi.get(URL, version="0.9").status_code == 400
    assert xapi.get(URL, version="2.0.0").status_code == 200


def test_put_with_an_existing_statement_id_in_a_post_batch_is_idempotent(xapi):
    st = with_id()
    assert post(xapi, st) == [st["id"]]
    assert post(xapi, st, statement())[0] == st["id"]
