"""Statements the Statements tests send."""

from __future__ import annotations

import copy
import uuid

ACTOR = {"objectType": "Agent", "name": "张三", "mbox": "mailto:zhangsan@example.com"}
OTHER = {"objectType": "Agent", "account": {"homePage": "http://example.com", "name": "lisi"}}
VERB = {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"zh-CN": "参加", "en-US": "attended"}}
ACTIVITY = {"objectType": "Activity", "id": "http://example.com/activities/meeting",
            "definition": {"name": {"zh-CN": "支部会议", "en-US": "Branch meeting"},
                           "type": "http://adlnet.gov/expapi/activities/meeting"}}


def statement(**overrides) -> dict:
    st = {"actor": copy.deepcopy(ACTOR), "verb": copy.deepcopy(VERB), "object": copy.deepcopy(ACTIVITY)}
    st.update(copy.deepcopy(overrides))
    return st


def with_id(**overrides) -> dict:
    return statement(id=str(uuid.uuid4()), **overrides)


def voiding(target: str) -> dict:
    return statement(verb={"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
                     object={"objectType": "StatementRef", "id": target})
