"""PUT and POST of statements: what is stored, ids, conflicts, all-or-nothing batches, activities."""

import json
import uuid

import pytest

from lms.xapi.models import Activity, Statement, StatementActivity, StatementAgent

from .statement_data import ACTIVITY, statement, with_id

pytestmark = pytest.mark.django_db
URL = "/xapi/statements"


def test_post_one_returns_its_new_id_and_stores_it_completed(xapi):
    response = xapi.post(URL, statement())
    assert response.status_code == 200
    [sid] = json.loads(response.content)
    row = Statement.objects.get(statement_id=sid)
    assert row.data["id"] == sid
    assert row.data["version"] == "1.0.0"
    assert row.data["timestamp"] == row.data["stored"]
    assert row.data["stored"].endswith("Z")
    assert row.data["authority"]["account"]["name"] == xapi.lrs_client.key
    assert row.client == xapi.lrs_client
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_post_batch_keeps_order_and_given_ids(xapi):
    a, b = with_id(), statement()
    ids = json.loads(xapi.post(URL, [a, b]).content)
    assert ids[0] == a["id"] and len(ids) == 2
    assert Statement.objects.count() == 2


def test_batch_is_all_or_nothing(xapi):
    bad = statement(verb={"id": "not an iri"})
    response = xapi.post(URL, [statement(), bad])
    assert response.status_code == 400
    assert "statements[1].verb.id" in json.loads(response.content)["message"]
    assert Statement.objects.count() == 0


def test_duplicate_ids_in_a_batch_are_a_400(xapi):
    st = with_id()
    assert xapi.post(URL, [st, st]).status_code == 400
    assert Statement.objects.count() == 0


def test_put_stores_under_the_given_id_and_repeats_are_idempotent(xapi):
    sid = str(uuid.uuid4())
    st = statement()
    assert xapi.put(URL, st, params={"statementId": sid}).status_code == 204
    assert xapi.put(URL, st, params={"statementId": sid}).status_code == 204
    assert Statement.objects.filter(statement_id=sid).count() == 1
    changed = statement(verb={"id": "http://adlnet.gov/expapi/verbs/passed"})
    assert xapi.put(URL, changed, params={"statementId": sid}).status_code == 409
    assert xapi.post(URL, dict(changed, id=sid)).status_code == 409
    assert Statement.objects.get(statement_id=sid).data["verb"]["id"].endswith("attended")


def test_put_needs_a_matching_statement_id(xapi):
    assert xapi.put(URL, statement()).status_code == 400
    assert xapi.put(URL, statement(), params={"statementId": "nope"}).status_code == 400
    st = with_id()
    assert xapi.put(URL, st, params={"statementId": str(uuid.uuid4())}).status_code == 400


def test_wrong_content_type_and_bad_json_are_400(xapi):
    assert xapi.post(URL, json.dumps(statement()), content_type="text/plain").status_code == 400
    assert xapi.post(URL, "{not json").status_code == 400
    assert xapi.post(URL, []).status_code == 400


def test_context_activities_become_arrays_and_filter_rows_are_written(xapi):
    st = statement(context={"contextActivities": {"parent": {"id": "http://example.com/course"}},
                            "instructor": {"mbox": "mailto:teacher@example.com"},
                            "registration": str(uuid.uuid4())})
    [sid] = json.loads(xapi.post(URL, st).content)
    row = Statement.objects.get(statement_id=sid)
    assert row.data["context"]["contextActivities"]["parent"] == [{"id": "http://example.com/course"}]
    assert StatementActivity.objects.filter(statement=row).count() == 2
    assert StatementAgent.objects.filter(statement=row).count() == 3  # actor, instructor, authority
    assert str(row.registration) == st["context"]["registration"]


def test_activity_definitions_are_kept_and_merged(xapi):
    xapi.post(URL, statement())
    first = Activity.lookup(ACTIVITY["id"])
    assert first.definition["name"] == {"zh-CN": "支部会议", "en-US": "Branch meeting"}
    obj = {"id": ACTIVITY["id"], "definition": {"name": {"en-US": "Meeting"}, "description": {"zh-CN": "说明"}}}
    xapi.post(URL, statement(object=obj))
    merged = Activity.lookup(ACTIVITY["id"]).definition
    assert merged["name"] == {"zh-CN": "支部会议", "en-US": "Meeting"}
    assert merged["description"] == {"zh-CN": "说明"}
    assert merged["type"] == "http://adlnet.gov/expapi/activities/meeting"
    assert Activity.objects.count() == 1


def test_version_2_statements_get_version_2(lrs_client, xapi_as):
    _c, key, secret = lrs_client()
    x = xapi_as(key, secret, version="2.0.0")
    [sid] = json.loads(x.post(URL, statement(timestamp="2024-01-02T03:04:05.123+08:00")).content)
    assert Statement.objects.get(statement_id=sid).data["version"] == "2.0.0"
    # RFC 3339 needs seconds and a zone in 2.0
    assert x.post(URL, statement(timestamp="2024-01-02T03:04")).status_code == 400


def test_alternate_request_syntax_posts_and_gets(xapi):
    from urllib.parse import urlencode

    st = with_id()
    form = urlencode({"Authorization": xapi.auth, "X-Experience-API-Version": "1.0.3",
                      "Content-Type": "application/json", "content": json.dumps(st)})
    response = xapi.client.post(URL + "?method=PUT", form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400  # statementId belongs in the form
    form = urlencode({"Authorization": xapi.auth, "X-Experience-API-Version": "1.0.3", "statementId": st["id"],
                      "Content-Type": "application/json", "content": json.dumps(st)})
    response = xapi.client.post(URL + "?method=PUT", form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 204
    form = urlencode({"Authorization": xapi.auth, "X-Experience-API-Version": "1.0.3", "statementId": st["id"]})
    response = xapi.client.post(URL + "?method=GET", form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert json.loads(response.content)["id"] == st["id"]
