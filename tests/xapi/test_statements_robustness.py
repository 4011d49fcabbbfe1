"""Hostile input to the Statements resource is a 4xx, never a 500, and stores nothing."""

import json

import pytest

from lms.xapi.models import Statement

from .statement_data import statement

pytestmark = pytest.mark.django_db
URL = "/xapi/statements"

BAD_BODIES = [
    b'{"actor": NaN}',
    json.dumps(statement(result={"score": {"raw": 1}})).replace('"raw": 1', '"raw": 1e400').encode(),
    json.dumps(statement(verb={"id": "http://example.com/v", "display": {"en": "a\u0000b"}})).encode(),
    b"[" * 100000 + b"]" * 100000,
    "\udcff".encode("utf-8", "surrogatepass"),
    b"123",
    b'"text"',
    b"[1, 2]",
    json.dumps(statement(timestamp="9999-12-31T23:59:59-05:00")).encode(),
    json.dumps(statement(timestamp="0000-01-01T00:00:00Z")).encode(),
    json.dumps(statement(timestamp="2020-02-30T00:00:00Z")).encode(),
    json.dumps(statement(actor=[1])).encode(),
    json.dumps(statement(object={"objectType": "StatementRef"})).encode(),
]


@pytest.mark.parametrize("index", range(len(BAD_BODIES)))
def test_bad_bodies_are_400(xapi, index):
    response = xapi.post(URL, BAD_BODIES[index])
    assert response.status_code == 400, (index, response.content[:300])
    assert Statement.objects.count() == 0


BAD_QUERIES = [
    {"agent": "[1]"}, {"agent": "1"}, {"agent": json.dumps({"objectType": "Group", "member": []})},
    {"verb": ""}, {"activity": "no iri"}, {"registration": "x"}, {"since": "9999-12-31T23:59:59-05:00x"},
    {"limit": "1e3"}, {"ascending": "yes"}, {"related_agents": "1"},
    {"statementId": "{12345678-1234-1234-1234-123456789012}"}, {"more": ""}, {"attachments": "maybe"},
]


@pytest.mark.parametrize("index", range(len(BAD_QUERIES)))
def test_bad_queries_are_400(xapi, index):
    response = xapi.get(URL, BAD_QUERIES[index])
    assert response.status_code == 400, (index, response.content[:300])


def test_edge_values_that_are_valid_are_stored(xapi):
    assert xapi.post(URL, statement(timestamp="9999-12-31T23:59:59Z")).status_code == 200
    huge = statement(result={"extensions": {"http://example.com/n": 10 ** 30}})
    assert xapi.post(URL, huge).status_code == 200
    assert xapi.get(URL, {"limit": "99999999999999999999999"}).status_code == 200
    assert xapi.get(URL, {"since": "0001-01-01T00:00:00Z"}).status_code == 200


def test_other_methods_are_405(xapi):
    assert xapi.delete(URL).status_code == 405
