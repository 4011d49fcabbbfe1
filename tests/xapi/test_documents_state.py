"""The State resource: PUT, POST (merge), GET one and the list, DELETE one and all, and every 400."""

import datetime
import hashlib
import json
import uuid
from urllib.parse import urlencode

import pytest

from lms.xapi.models import XapiDocument

pytestmark = pytest.mark.django_db

STATE = "/xapi/activities/state"
AGENT = {"objectType": "Agent", "account": {"homePage": "http://www.example.com/agentId/1", "name": "Rick James"}}
ACTIVITY = "http://www.example.com/activityId/hashset"


def params(**extra):
    out = {"activityId": ACTIVITY, "agent": json.dumps(AGENT), "stateId": str(uuid.uuid4())}
    out.update(extra)
    return {k: v for k, v in out.items() if v is not None}


def test_put_then_get_returns_the_document_with_type_etag_and_date(xapi):
    p = params()
    body = {"car": "MKX", "location": {"name": "北京"}}
    assert xapi.put(STATE, body, params=p).status_code == 204
    response = xapi.get(STATE, p)
    assert response.status_code == 200
    assert json.loads(response.content) == body
    assert response["Content-Type"] == "application/json"
    stored = XapiDocument.objects.get()
    assert response["ETag"] == f'"{hashlib.sha1(bytes(stored.content)).hexdigest()}"'
    assert len(response["ETag"]) == 42
    assert response["Last-Modified"]
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_binary_document_keeps_its_bytes_and_type(xapi):
    p = params()
    data = bytes(range(256))
    assert xapi.put(STATE, data, params=p, content_type="application/octet-stream").status_code == 204
    response = xapi.get(STATE, p)
    assert response.content == data
    assert response["Content-Type"] == "application/octet-stream"


def test_put_replaces_the_state(xapi):
    p = params()
    xapi.put(STATE, {"a": 1}, params=p)
    assert xapi.put(STATE, {"b": 2}, params=p).status_code == 204
    assert json.loads(xapi.get(STATE, p).content) == {"b": 2}


def test_post_creates_then_merges_one_level_deep(xapi):
    p = params()
    assert xapi.post(STATE, {"car": {"make": "Ford"}, "driver": "Dale"}, params=p).status_code == 204
    assert xapi.post(STATE, {"car": {"model": "Ram"}, "type": "Civic"}, params=p).status_code == 204
    assert json.loads(xapi.get(STATE, p).content) == {"car": {"model": "Ram"}, "driver": "Dale", "type": "Civic"}


def test_post_of_non_json_onto_json_is_400_and_changes_nothing(xapi):
    p = params()
    xapi.post(STATE, {"a": 1}, params=p)
    response = xapi.post(STATE, "abcdefg", params=p, content_type="not/json")
    assert response.status_code == 400
    assert json.loads(xapi.get(STATE, p).content) == {"a": 1}


def test_post_of_json_onto_binary_is_400_and_changes_nothing(xapi):
    p = params()
    xapi.put(STATE, "/ asdf / undefined", params=p, content_type="application/octet-stream")
    assert xapi.post(STATE, {"a": 1}, params=p).status_code == 400
    assert xapi.get(STATE, p).content == b"/ asdf / undefined"


@pytest.mark.parametrize("body", ['{"a": 1}{', "[1, 2]", '"text"', b"\xff\xfe"])
def test_post_of_json_that_is_not_an_object_is_400(xapi, body):
    p = params()
    xapi.post(STATE, {"a": 1}, params=p)
    assert xapi.post(STATE, body, params=p).status_code == 400
    assert json.loads(xapi.get(STATE, p).content) == {"a": 1}
    assert xapi.post(STATE, body, params=params()).status_code == 400  # a new document too


def test_registration_separates_documents(xapi):
    registration = str(uuid.uuid4())
    p = params(registration=registration)
    xapi.put(STATE, {"with": True}, params=p)
    assert xapi.get(STATE, params(stateId=p["stateId"])).status_code == 404
    assert json.loads(xapi.get(STATE, p).content) == {"with": True}


def test_list_ids_with_registration_and_since(xapi):
    first, second = params(), params()
    xapi.put(STATE, {"n": 1}, params=first)
    XapiDocument.objects.update(updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    registration = str(uuid.uuid4())
    xapi.put(STATE, {"n": 2}, params={**second, "registration": registration})
    scope = params(stateId=None)
    assert sorted(json.loads(xapi.get(STATE, scope).content)) == sorted([first["stateId"], second["stateId"]])
    assert json.loads(xapi.get(STATE, {**scope, "registration": registration}).content) == [second["stateId"]]
    since = json.loads(xapi.get(STATE, {**scope, "since": "2021-01-01T00:00:00Z"}).content)
    assert since == [second["stateId"]]
    other_agent = {"mbox": "mailto:someone@example.com"}
    assert json.loads(xapi.get(STATE, {**scope, "agent": json.dumps(other_agent)}).content) == []


def test_same_agent_with_or_without_name_finds_the_same_state(xapi):
    p = params()
    xapi.put(STATE, {"a": 1}, params=p)
    named = dict(AGENT, name="Rick")
    assert xapi.get(STATE, {**p, "agent": json.dumps(named)}).status_code == 200


def test_delete_one_and_all(xapi):
    registration = str(uuid.uuid4())
    a, b, c = params(), params(), params(registration=registration)
    for p in (a, b, c):
        xapi.put(STATE, {"x": 1}, params=p)
    assert xapi.delete(STATE, a).status_code == 204
    assert xapi.get(STATE, a).status_code == 404
    assert xapi.delete(STATE, params(stateId=None, registration=registration)).status_code == 204
    assert XapiDocument.objects.count() == 1
    assert xapi.delete(STATE, params(stateId=None)).status_code == 204
    assert XapiDocument.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "put", "post", "delete"])
@pytest.mark.parametrize("change", [
    {"activityId": None}, {"agent": None}, {"agent": "not JSON"}, {"agent": "true"},
    {"agent": json.dumps({"objectType": "Agent"})},
    {"agent": json.dumps({"mbox": "someone@example.com"})},
    {"agent": json.dumps({"mbox": "mailto:a@example.com", "openid": "http://example.com/a"})},
    {"agent": json.dumps({"account": {"homePage": "http://example.com"}})},
    {"agent": json.dumps({"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}]})},
    {"agent": json.dumps({"mbox": "mailto:a@example.com", "nickname": "x"})},
    {"activityId": "not an iri"}, {"registration": "true"}, {"unknown": "1"},
])
def test_bad_parameters_are_400(xapi, method, change):
    p = params(**change)
    if method in ("put", "post"):
        response = getattr(xapi, method)(STATE, {"a": 1}, params=p)
    else:
        response = getattr(xapi, method)(STATE, p)
    assert response.status_code == 400, response.content
    assert json.loads(response.content)["message"]
    assert XapiDocument.objects.count() == 0


def test_identified_group_is_an_agent_for_state(xapi):
    group = {"objectType": "Group", "mbox": "mailto:team@example.com", "member": [{"mbox": "mailto:a@example.com"}]}
    p = params(agent=json.dumps(group))
    assert xapi.put(STATE, {"a": 1}, params=p).status_code == 204
    assert xapi.get(STATE, p).status_code == 200


@pytest.mark.parametrize("method", ["put", "post"])
def test_write_without_state_id_is_400(xapi, method):
    assert getattr(xapi, method)(STATE, {"a": 1}, params=params(stateId=None)).status_code == 400


def test_since_must_be_a_timestamp(xapi):
    assert xapi.get(STATE, params(stateId=None, since="not a timestamp")).status_code == 400


def test_missing_document_is_404(xapi):
    assert xapi.get(STATE, params()).status_code == 404


def test_document_larger_than_the_cap_is_413(xapi, settings):
    settings.LMS_XAPI_MAX_DOCUMENT_MB = 1
    p = params()
    response = xapi.put(STATE, b"x" * (1024 * 1024 + 1), params=p, content_type="application/octet-stream")
    assert response.status_code == 413
    assert XapiDocument.objects.count() == 0


def test_alternate_syntax_put_and_get(xapi):
    p = params()
    form = {**p, "content": json.dumps({"alt": 1}), "Content-Type": "application/json",
            "X-Experience-API-Version": "1.0.3", "Authorization": xapi.auth}
    form_type = "application/x-www-form-urlencoded"
    response = xapi.client.post(f"{STATE}?method=PUT", urlencode(form), content_type=form_type)
    assert response.status_code == 204, response.content
    get = xapi.client.post(f"{STATE}?method=GET", urlencode({**p, "X-Experience-API-Version": "1.0.3",
                                                             "Authorization": xapi.auth}), content_type=form_type)
    assert json.loads(get.content) == {"alt": 1}


def test_head_answers_like_get_without_a_body(xapi):
    p = params()
    xapi.put(STATE, {"a": 1}, params=p)
    response = xapi.head(STATE, p)
    assert response.status_code == 200
    assert response.content == b""
    assert response["ETag"]


def test_version_2_state_put_on_existing_without_headers_is_409(lrs_client, xapi_as):
    _c, key, secret = lrs_client()
    x = xapi_as(key, secret, version="2.0.0")
    p = params()
    assert x.put(STATE, {"a": 1}, params=p).status_code == 204  # new: no header needed
    assert x.put(STATE, {"b": 1}, params=p).status_code == 409
    assert json.loads(x.get(STATE, p).content) == {"a": 1}
