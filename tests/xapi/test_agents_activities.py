"""The Activities resource (canonical activity objects) and the Agents resource (Person objects)."""

import json
import uuid

import pytest

from lms.xapi import services

pytestmark = pytest.mark.django_db

ACTIVITIES = "/xapi/activities"
AGENTS = "/xapi/agents"
ACTOR = {"objectType": "Agent", "name": "张三", "mbox": "mailto:zhangsan@example.com"}


def statement(actor=ACTOR, activity=None):
    return {"id": str(uuid.uuid4()), "actor": actor,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-US": "attended"}},
            "object": activity or {"objectType": "Activity", "id": "http://www.example.com/meetings/1"}}


def test_activity_with_definitions_merged_from_statements(xapi):
    activity_id = "http://www.example.com/meetings/1"
    first = {"objectType": "Activity", "id": activity_id,
             "definition": {"name": {"en-US": "example meeting"}, "type": "http://adlnet.gov/expapi/activities/meeting"}}
    second = {"objectType": "Activity", "id": activity_id, "definition": {"name": {"fr-FR": "réunion"}}}
    services.store_statements([statement(activity=first), statement(activity=second)])
    response = xapi.get(ACTIVITIES, {"activityId": activity_id})
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["objectType"] == "Activity" and body["id"] == activity_id
    assert body["definition"]["name"] == {"en-US": "example meeting", "fr-FR": "réunion"}


def test_unknown_activity_is_just_its_id(xapi):
    response = xapi.get(ACTIVITIES, {"activityId": "http://www.example.com/unknown"})
    assert response.status_code == 200
    assert json.loads(response.content) == {"objectType": "Activity", "id": "http://www.example.com/unknown"}


@pytest.mark.parametrize("query", [{}, {"activityId": ""}, {"activityId": "true"},
                                   {"activityId": "http://a.example/x", "agent": "{}"}])
def test_activities_bad_requests(xapi, query):
    response = xapi.get(ACTIVITIES, query)
    assert response.status_code == 400
    assert json.loads(response.content)["message"]


def test_activities_need_credentials(xapi_as):
    assert xapi_as().get(ACTIVITIES, {"activityId": "http://a.example/x"}).status_code == 401


def test_person_combines_the_agent_and_the_names_statements_gave_it(xapi):
    services.store_statements([statement(), statement(actor={**ACTOR, "name": "张三丰"})])
    response = xapi.get(AGENTS, {"agent": json.dumps({"mbox": ACTOR["mbox"]})})
    assert response.status_code == 200
    person = json.loads(response.content)
    assert person["objectType"] == "Person"
    assert sorted(person["name"]) == ["张三", "张三丰"]
    assert person["mbox"] == [ACTOR["mbox"]]
    assert person["mbox_sha1sum"] == [] and person["openid"] == [] and person["account"] == []


def test_person_of_an_unknown_agent_is_its_own_identifier(xapi):
    agent = {"objectType": "Agent", "name": "Rick James",
             "account": {"homePage": "http://www.example.com/agentId/1", "name": "Rick James"}}
    person = json.loads(xapi.get(AGENTS, {"agent": json.dumps(agent)}).content)
    assert person == {"objectType": "Person", "name": ["Rick James"], "mbox": [], "mbox_sha1sum": [],
                      "openid": [], "account": [agent["account"]]}


@pytest.mark.parametrize("query", [
    {}, {"agent": ""}, {"agent": "not json"},
    {"agent": json.dumps({"objectType": "Agent", "name": "no identifier"})},
    {"agent": json.dumps({"objectType": "Group", "mbox": "mailto:team@example.com"})},
    {"agent": json.dumps({"mbox": "mailto:a@example.com"}), "extra": "1"},
])
def test_agents_bad_requests(xapi, query):
    assert xapi.get(AGENTS, query).status_code == 400


def test_agents_need_a_reading_credential(lrs_client, xapi_as):
    _c, key, secret = lrs_client(can_write=False, read="none")
    assert xapi_as(key, secret).get(AGENTS, {"agent": json.dumps({"mbox": "mailto:a@example.com"})}).status_code == 403
