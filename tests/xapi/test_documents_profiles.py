"""The Activity Profile and Agent Profile resources, concurrency (If-Match / If-None-Match, 409, 412) and who may
read and write documents."""

import json
import uuid

import pytest

from lms.xapi.actors import actor_for
from lms.xapi.models import XapiDocument
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

ACTIVITY_PROFILE = "/xapi/activities/profile"
AGENT_PROFILE = "/xapi/agents/profile"
STATE = "/xapi/activities/state"
AGENT = {"objectType": "Agent", "account": {"homePage": "http://www.example.com/agentId/1", "name": "Rick James"}}
NEW = {"If-None-Match": "*"}


def activity_params(**extra):
    return {"activityId": "http://www.example.com/activityId/hashset", "profileId": str(uuid.uuid4()), **extra}


def agent_params(**extra):
    return {"agent": json.dumps(AGENT), "profileId": str(uuid.uuid4()), **extra}


PROFILES = [(ACTIVITY_PROFILE, activity_params), (AGENT_PROFILE, agent_params)]


@pytest.mark.parametrize("path,params", PROFILES)
def test_profile_put_get_list_delete(xapi, path, params):
    p = params()
    assert xapi.put(path, {"a": 1}, params=p, headers=NEW).status_code == 204
    response = xapi.get(path, p)
    assert response.status_code == 200 and json.loads(response.content) == {"a": 1}
    scope = {k: v for k, v in p.items() if k != "profileId"}
    assert json.loads(xapi.get(path, scope).content) == [p["profileId"]]
    assert json.loads(xapi.get(path, {**scope, "since": "2999-01-01T00:00:00+08:00"}).content) == []
    assert xapi.delete(path, p).status_code == 204
    assert xapi.get(path, p).status_code == 404


@pytest.mark.parametrize("path,params", PROFILES)
def test_profile_post_creates_and_merges(xapi, path, params):
    p = params()
    assert xapi.post(path, {"car": "Honda"}, params=p).status_code == 204
    assert xapi.post(path, {"type": "Civic", "car": "MKZ"}, params=p).status_code == 204
    assert json.loads(xapi.get(path, p).content) == {"car": "MKZ", "type": "Civic"}


@pytest.mark.parametrize("path,params", PROFILES)
def test_profile_put_without_precondition_headers(xapi, path, params):
    p = params()
    # 1.0.3: a profile PUT needs If-Match or If-None-Match; a new one without either is a 400 …
    assert xapi.put(path, {"a": 1}, params=p).status_code == 400
    assert not XapiDocument.objects.exists()
    xapi.post(path, {"a": 1}, params=p)
    # … and an existing one a 409 with a message, unchanged.
    response = xapi.put(path, {"b": 2}, params=p)
    assert response.status_code == 409 and json.loads(response.content)["message"]
    assert json.loads(xapi.get(path, p).content) == {"a": 1}


@pytest.mark.parametrize("path,params", PROFILES)
def test_if_match_and_if_none_match(xapi, path, params):
    p = params()
    assert xapi.put(path, {"a": 1}, params=p, headers=NEW).status_code == 204
    assert xapi.put(path, {"a": 2}, params=p, headers=NEW).status_code == 412
    etag = xapi.get(path, p)["ETag"]
    bad = '"1111111111111111111111111111111111111111"'
    assert xapi.put(path, {"a": 3}, params=p, headers={"If-Match": bad}).status_code == 412
    assert xapi.post(path, {"a": 3}, params=p, headers={"If-Match": bad}).status_code == 412
    assert xapi.delete(path, p, headers={"If-Match": bad}).status_code == 412
    assert json.loads(xapi.get(path, p).content) == {"a": 1}
    assert xapi.put(path, {"a": 4}, params=p, headers={"If-Match": etag}).status_code == 204
    assert json.loads(xapi.get(path, p).content) == {"a": 4}
    assert xapi.put(path, {"a": 5}, params=p, headers={"If-Match": "*"}).status_code == 204
    new_etag = xapi.get(path, p)["ETag"]
    assert new_etag != etag
    assert xapi.delete(path, p, headers={"If-Match": new_etag}).status_code == 204
    assert xapi.put(path, {"a": 6}, params=p, headers={"If-Match": "*"}).status_code == 412  # nothing to match


def test_version_2_profile_put_needs_no_header_when_new(lrs_client, xapi_as):
    _c, key, secret = lrs_client()
    x = xapi_as(key, secret, version="2.0.0")
    p = activity_params()
    assert x.put(ACTIVITY_PROFILE, {"a": 1}, params=p).status_code == 204
    assert x.put(ACTIVITY_PROFILE, {"a": 2}, params=p).status_code == 409


@pytest.mark.parametrize("path,params,drop", [
    (ACTIVITY_PROFILE, activity_params, "activityId"), (ACTIVITY_PROFILE, activity_params, "profileId"),
    (AGENT_PROFILE, agent_params, "agent"), (AGENT_PROFILE, agent_params, "profileId"),
])
@pytest.mark.parametrize("method", ["put", "post", "delete"])
def test_missing_parameters_are_400(xapi, path, params, drop, method):
    p = {k: v for k, v in params().items() if k != drop}
    if method == "delete":
        response = xapi.delete(path, p)
    else:
        response = getattr(xapi, method)(path, {"a": 1}, params=p, headers=NEW)
    assert response.status_code == 400


@pytest.mark.parametrize("path,params,bad", [
    (ACTIVITY_PROFILE, activity_params, {"activityId": "no iri"}),
    (ACTIVITY_PROFILE, activity_params, {"agent": json.dumps(AGENT)}),  # not a parameter of this resource
    (ACTIVITY_PROFILE, activity_params, {"since": "yesterday", "profileId": None}),
    (AGENT_PROFILE, agent_params, {"agent": "true"}),
    (AGENT_PROFILE, agent_params, {"activityId": "http://example.com/a"}),
    (AGENT_PROFILE, agent_params, {"since": "2020-13-45", "profileId": None}),
])
def test_bad_parameters_are_400(xapi, path, params, bad):
    p = {k: v for k, v in {**params(), **bad}.items() if v is not None}
    assert xapi.get(path, p).status_code == 400


def test_a_reader_without_write_may_read_but_not_write(xapi, lrs_client, xapi_as):
    p = activity_params()
    xapi.post(ACTIVITY_PROFILE, {"a": 1}, params=p)
    _c, key, secret = lrs_client(can_write=False, read="own")
    reader = xapi_as(key, secret)
    assert reader.get(ACTIVITY_PROFILE, p).status_code == 200
    assert reader.post(ACTIVITY_PROFILE, {"b": 1}, params=p).status_code == 403
    assert reader.delete(ACTIVITY_PROFILE, p).status_code == 403
    _c, key, secret = lrs_client(can_write=False, read="none")
    assert xapi_as(key, secret).get(ACTIVITY_PROFILE, p).status_code == 403
    assert xapi_as().get(ACTIVITY_PROFILE, p).status_code == 401


def test_documents_are_shared_between_writing_clients(xapi, lrs_client, xapi_as):
    p = agent_params()
    xapi.post(AGENT_PROFILE, {"a": 1}, params=p)
    _c, key, secret = lrs_client(can_write=True, read="none")
    other = xapi_as(key, secret)
    assert json.loads(other.get(AGENT_PROFILE, p).content) == {"a": 1}


def test_a_member_session_reads_only_its_own_documents(xapi, settings):
    settings.LMS_XAPI_HOME_PAGE = "https://lms.example.com"
    member, stranger = MemberFactory(), MemberFactory()
    mine = {"agent": json.dumps(actor_for(member)), "profileId": "p"}
    theirs = {"agent": json.dumps(actor_for(stranger)), "profileId": "p"}
    xapi.post(AGENT_PROFILE, {"mine": 1}, params=mine)
    xapi.post(AGENT_PROFILE, {"theirs": 1}, params=theirs)
    xapi.client.force_login(member.user)
    session = type(xapi)(None, client=xapi.client)
    assert json.loads(session.get(AGENT_PROFILE, mine).content) == {"mine": 1}
    assert session.get(AGENT_PROFILE, theirs).status_code == 403
    assert session.post(AGENT_PROFILE, {"x": 1}, params=mine).status_code == 403
    assert json.loads(session.get(AGENT_PROFILE, mine).content) == {"mine": 1}


def test_a_lost_race_on_a_new_document_reruns_against_the_winner(xapi, monkeypatch):
    """Two first writes of one document: the loser's insert hits the unique key, and it runs again seeing the
    winner's row (here If-None-Match: * then fails as it should, and the winner's content stays)."""
    from lms.xapi import documents

    p = activity_params()
    xapi.put(ACTIVITY_PROFILE, {"winner": 1}, params=p, headers=NEW)
    real, calls = documents._lookup, []

    def stale_once(target):
        calls.append(target)
        return None if len(calls) == 1 else real(target)

    monkeypatch.setattr(documents, "_lookup", stale_once)
    assert xapi.put(ACTIVITY_PROFILE, {"loser": 1}, params=p, headers=NEW).status_code == 412
    assert len(calls) == 2
    monkeypatch.undo()
    assert json.loads(xapi.get(ACTIVITY_PROFILE, p).content) == {"winner": 1}
