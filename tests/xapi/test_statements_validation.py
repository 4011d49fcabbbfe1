"""The spec's rules on statements: each invalid statement is a 400 naming the property, and nothing is stored."""

import json

import pytest

from lms.xapi.models import Statement

from .statement_data import statement

pytestmark = pytest.mark.django_db
URL = "/xapi/statements"
SUB = {"objectType": "SubStatement", "actor": {"mbox": "mailto:a@example.com"},
       "verb": {"id": "http://example.com/v"}, "object": {"id": "http://example.com/a"}}

INVALID = {
    "unknown property": statement(extra=1),
    "null value": statement(result={"success": None}),
    "missing verb": {"actor": {"mbox": "mailto:a@example.com"}, "object": {"id": "http://example.com/a"}},
    "id not a uuid": statement(id="MA97B177-9383-4934-8543-0F91A7A02836"),
    "two ifis": statement(actor={"mbox": "mailto:a@example.com", "openid": "http://example.com/a"}),
    "no ifi": statement(actor={"name": "anon"}),
    "bad mbox": statement(actor={"mbox": "a@example.com"}),
    "bad sha1": statement(actor={"mbox_sha1sum": "xyz"}),
    "account without name": statement(actor={"account": {"homePage": "http://example.com"}}),
    "group member group": statement(actor={"objectType": "Group", "member": [
        {"objectType": "Group", "mbox": "mailto:g@example.com"}]}),
    "anonymous group without members": statement(actor={"objectType": "Group", "name": "g"}),
    "verb id not iri": statement(verb={"id": "attended"}),
    "bad language tag": statement(verb={"id": "http://example.com/v", "display": {"a12345678": "x"}}),
    "unknown objectType": statement(object={"objectType": "Thing", "id": "http://example.com/a"}),
    "nested substatement": statement(object=dict(SUB, object=SUB)),
    "substatement with id": statement(object=dict(SUB, id="5a0b1c1e-6a3b-4e2f-9a55-3f7c2d1e0b11")),
    "scaled out of range": statement(result={"score": {"scaled": 1.5}}),
    "raw above max": statement(result={"score": {"raw": 11, "min": 0, "max": 10}}),
    "min not below max": statement(result={"score": {"min": 10, "max": 10}}),
    "success not boolean": statement(result={"success": "yes"}),
    "bad duration": statement(result={"duration": "PT"}),
    "revision with agent object": statement(object={"objectType": "Agent", "mbox": "mailto:b@example.com"},
                                            context={"revision": "1"}),
    "team is an agent": statement(context={"team": {"mbox": "mailto:b@example.com"}}),
    "registration not uuid": statement(context={"registration": "abc"}),
    "timestamp -00:00": statement(timestamp="2008-09-15T15:53:00.601-00:00"),
    "timestamp garbage": statement(timestamp="01/011/2015"),
    "version 1.1": statement(version="1.1.0"),
    "interaction components without type": statement(object={"id": "http://example.com/a", "definition": {
        "choices": [{"id": "a"}]}}),
    "components of the wrong type": statement(object={"id": "http://example.com/a", "definition": {
        "interactionType": "true-false", "choices": [{"id": "a"}]}}),
    "authority group of three": statement(authority={"objectType": "Group", "member": [
        {"mbox": f"mailto:{n}@example.com"} for n in "abc"]}),
    "extension key not iri": statement(result={"extensions": {"key": 1}}),
    "attachment length string": statement(attachments=[{
        "usageType": "http://example.com/u", "display": {"en": "a"}, "contentType": "text/plain", "length": "1",
        "sha2": "ab", "fileUrl": "http://example.com/f"}]),
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_statements_are_400(xapi, name):
    response = xapi.post(URL, INVALID[name])
    assert response.status_code == 400, name
    body = json.loads(response.content)
    assert body["message"]
    assert Statement.objects.count() == 0


VALID = {
    "substatement": statement(object=SUB),
    "identified group": statement(actor={"objectType": "Group", "openid": "http://example.com/g"}),
    "statement ref": statement(object={"objectType": "StatementRef", "id": "5a0b1c1e-6a3b-4e2f-9a55-3f7c2d1e0b11"}),
    "score": statement(result={"score": {"scaled": -1, "raw": 5, "min": 0, "max": 10}, "duration": "PT1H30M"}),
    "extensions may hold null": statement(result={"extensions": {"http://example.com/null": None}}),
    "basic timestamp": statement(timestamp="20150101T120000Z"),
    "version 1.0": statement(version="1.0"),
    "likert": statement(object={"id": "http://example.com/a", "definition": {
        "interactionType": "likert", "scale": [{"id": "1", "description": {"zh-CN": "好"}}],
        "correctResponsesPattern": ["1"]}}),
}


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_statements_are_stored(xapi, name):
    assert xapi.post(URL, VALID[name]).status_code == 200, name
