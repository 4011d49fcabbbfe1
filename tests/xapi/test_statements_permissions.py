"""Who reads and writes which statements: client scopes, org-scoped clients, members' own sessions."""

import json

import pytest
from django.test import Client

from lms.xapi import actors
from tests.factories import MemberFactory, org_unit

from .conftest import XapiClient
from .statement_data import statement

pytestmark = pytest.mark.django_db
URL = "/xapi/statements"


def ids_of(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {s["id"] for s in json.loads(response.content)["statements"]}


def test_anonymous_is_401(client):
    x = XapiClient()
    assert x.get(URL).status_code == 401
    assert x.post(URL, statement()).status_code == 401


def test_read_only_client_cannot_write_and_no_read_client_cannot_read(lrs_client, xapi_as):
    _c, key, secret = lrs_client(can_write=False, read="all")
    assert xapi_as(key, secret).post(URL, statement()).status_code == 403
    _c, key, secret = lrs_client(can_write=True, read="none")
    x = xapi_as(key, secret)
    assert x.post(URL, statement()).status_code == 200
    assert x.get(URL).status_code == 403


def test_read_own_sees_only_what_it_wrote(lrs_client, xapi_as):
    _a, ka, sa = lrs_client(read="own")
    _b, kb, sb = lrs_client(read="own")
    a, b = xapi_as(ka, sa), xapi_as(kb, sb)
    [mine] = json.loads(a.post(URL, statement()).content)
    [theirs] = json.loads(b.post(URL, statement()).content)
    assert ids_of(a.get(URL)) == {mine}
    assert a.get(URL, {"statementId": theirs}).status_code == 404
    assert a.get(URL, {"statementId": mine}).status_code == 200


def test_org_scoped_client_and_member_sessions(lrs_client, xapi_as):
    inside = MemberFactory(org_unit=org_unit("公司党委/第一党支部"))
    outside = MemberFactory(org_unit=org_unit("公司党委/第二党支部"))
    _w, kw, sw = lrs_client(read="all")
    writer = xapi_as(kw, sw)
    [st_in] = json.loads(writer.post(URL, statement(actor=actors.actor_for(inside))).content)
    [st_out] = json.loads(writer.post(URL, statement(actor=actors.actor_for(outside))).content)
    [st_none] = json.loads(writer.post(URL, statement()).content)
    assert ids_of(writer.get(URL)) == {st_in, st_out, st_none}

    _s, ks, ss = lrs_client(read="all", org_unit=org_unit("公司党委/第一党支部"))
    assert ids_of(xapi_as(ks, ss).get(URL)) == {st_in}
    assert xapi_as(ks, ss).get(URL, {"statementId": st_out}).status_code == 404

    session = Client()
    session.force_login(inside.user)
    member = XapiClient(client=session)
    assert ids_of(member.get(URL)) == {st_in}
    assert member.get(URL, {"statementId": st_out}).status_code == 404
    assert member.post(URL, statement()).status_code == 403
