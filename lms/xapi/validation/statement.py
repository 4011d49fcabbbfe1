"""A statement against xAPI 1.0.3 (and 2.0.0 where it differs): structure, types and the cross-property rules.

``check_statement`` validates in place and normalises the one thing the spec has the LRS normalise on the way
in: a contextActivities value given as a single Activity becomes an array of one.
"""

from __future__ import annotations

import re

from .. import versions
from .agents import check_actor, check_agent, check_authority, check_group
from .primitives import (
    check_duration,
    check_extensions,
    check_iri,
    check_irl,
    check_keys,
    check_language_map,
    check_language_tag,
    check_string,
    check_uuid,
    fail,
    parse_timestamp,
    require_type,
)

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
INTERACTION_TYPES = {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing",
                     "likert", "numeric", "other"}
COMPONENTS = {"choices", "scale", "source", "target", "steps"}
COMPONENTS_OF = {"choice": {"choices"}, "sequencing": {"choices"}, "likert": {"scale"},
                 "matching": {"source", "target"}, "performance": {"steps"}}
DEFINITION_KEYS = {"name", "description", "type", "moreInfo", "extensions", "interactionType",
                   "correctResponsesPattern", *COMPONENTS}
CONTEXT_ACTIVITY_KEYS = {"parent", "grouping", "category", "other"}
_V1_VERSION = re.compile(r"^1\.0(\.\d+)?$")
_V2_VERSION = re.compile(r"^(1\.0|2\.0)(\.\d+)?$")


class Checker:
    def __init__(self, version: str):
        self.version = version
        self.v2 = versions.is_v2(version)

    # ---------------------------------------------------------------- statement

    def statement(self, st, path: str = "statement"):
        if not isinstance(st, dict):
            fail(path, "must be a JSON object.")
        allowed = {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
                   "version", "attachments"}
        check_keys(st, path, allowed, {"actor", "verb", "object"})
        if "id" in st:
            check_uuid(st["id"], f"{path}.id")
        self.body(st, path, sub=False)
        if "stored" in st:
            parse_timestamp(st["stored"], f"{path}.stored")
        if "authority" in st:
            check_authority(st["authority"], f"{path}.authority")
        if "version" in st:
            check_string(st["version"], f"{path}.version")
            if not (_V2_VERSION if self.v2 else _V1_VERSION).match(st["version"]):
                fail(f"{path}.version", f"{st['version']!r} is not a supported xAPI version.")

    def body(self, st: dict, path: str, *, sub: bool):
        """What a statement and a SubStatement share."""
        check_actor(st["actor"], f"{path}.actor")
        self.verb(st["verb"], f"{path}.verb")
        obj_type = self.object(st["object"], f"{path}.object", sub=sub)
        if st["verb"]["id"] == VOIDED and obj_type != "StatementRef":
            fail(f"{path}.object", "a voiding statement's object must be a StatementRef.")
        if "result" in st:
            self.result(st["result"], f"{path}.result")
        if "context" in st:
            self.context(st["context"], f"{path}.context", obj_type)
        if "timestamp" in st:
            parse_timestamp(st["timestamp"], f"{path}.timestamp", rfc3339=self.v2)
        if "attachments" in st:
            self.attachments(st["attachments"], f"{path}.attachments")

    def verb(self, verb, path: str):
        check_keys(verb, path, {"id", "display"}, {"id"})
        check_iri(verb["id"], f"{path}.id")
        if "display" in verb:
            check_language_map(verb["display"], f"{path}.display")

    # ---------------------------------------------------------------- objects

    def object(self, obj, path: str, *, sub: bool) -> str:
        if not isinstance(obj, dict):
            fail(path, "must be a JSON object.")
        kind = obj.get("objectType", "Activity")
        if kind == "Activity":
            self.activity(obj, path)
        elif kind == "Agent":
            check_agent(obj, path)
        elif kind == "Group":
            check_group(obj, path)
        elif kind == "StatementRef":
            self.statement_ref(obj, path)
        elif kind == "SubStatement":
            if sub:
                fail(path, "a SubStatement cannot contain a SubStatement.")
            self.substatement(obj, path)
        else:
            fail(f"{path}.objectType", f"{kind!r} is not Activity, Agent, Group, StatementRef or SubStatement.")
        return kind

    def statement_ref(self, obj, path: str):
        check_keys(obj, path, {"objectType", "id"}, {"objectType", "id"})
        if obj["objectType"] != "StatementRef":
            fail(f"{path}.objectType", "must be 'StatementRef'.")
        check_uuid(obj["id"], f"{path}.id")

    def substatement(self, obj, path: str):
        forbidden = {"id", "stored", "version", "authority"} & set(obj)
        if forbidden:
            fail(path, f"a SubStatement must not have {', '.join(sorted(forbidden))}.")
        check_keys(obj, path, {"objectType", "actor", "verb", "object", "result", "context", "timestamp",
                               "attachments"}, {"objectType", "actor", "verb", "object"})
        self.body(obj, path, sub=True)

    def activity(self, obj, path: str):
        check_keys(obj, path, {"objectType", "id", "definition"}, {"id"})
        check_iri(obj["id"], f"{path}.id")
        if "definition" in obj:
            self.definition(obj["definition"], f"{path}.definition")

    def definition(self, d, path: str):
        check_keys(d, path, DEFINITION_KEYS)
        for key in ("name", "description"):
            if key in d:
                check_language_map(d[key], f"{path}.{key}")
        if "type" in d:
            check_iri(d["type"], f"{path}.type")
        if "moreInfo" in d:
            check_irl(d["moreInfo"], f"{path}.moreInfo")
        if "extensions" in d:
            check_extensions(d["extensions"], f"{path}.extensions")
        itype = d.get("interactionType")
        if "interactionType" in d:
            require_type(itype, str, f"{path}.interactionType", "a string")
            if itype not in INTERACTION_TYPES:
                fail(f"{path}.interactionType", f"{itype!r} is not an interaction type.")
        if "correctResponsesPattern" in d:
            pattern = d["correctResponsesPattern"]
            if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
                fail(f"{path}.correctResponsesPattern", "must be an array of strings.")
        present = COMPONENTS & set(d)
        if (present or "correctResponsesPattern" in d) and itype is None:
            fail(path, "interaction components need an interactionType.")
        if present - COMPONENTS_OF.get(itype, set()):
            fail(path, f"{', '.join(sorted(present))} do not belong to interactionType {itype!r}.")
        for key in present:
            self.components(d[key], f"{path}.{key}")

    def components(self, items, path: str):
        if not isinstance(items, list):
            fail(path, "must be an array of interaction components.")
        seen = set()
        for i, item in enumerate(items):
            check_keys(item, f"{path}[{i}]", {"id", "description"}, {"id"})
            check_string(item["id"], f"{path}[{i}].id")
            if item["id"] in seen:
                fail(f"{path}[{i}].id", f"{item['id']!r} is used twice.")
            seen.add(item["id"])
            if "description" in item:
                check_language_map(item["description"], f"{path}[{i}].description")

    # ---------------------------------------------------------------- result, context, attachments

    def result(self, r, path: str):
        check_keys(r, path, {"score", "success", "completion", "response", "duration", "extensions"})
        for key in ("success", "completion"):
            if key in r:
                require_type(r[key], bool, f"{path}.{key}", "true or false")
        if "response" in r:
            check_string(r["response"], f"{path}.response")
        if "duration" in r:
            check_duration(r["duration"], f"{path}.duration")
        if "extensions" in r:
            check_extensions(r["extensions"], f"{path}.extensions")
        if "score" in r:
            self.score(r["score"], f"{path}.score")

    def score(self, s, path: str):
        check_keys(s, path, {"scaled", "raw", "min", "max"})
        for key in s:
            require_type(s[key], float, f"{path}.{key}", "a number")
        if "scaled" in s and not -1 <= s["scaled"] <= 1:
            fail(f"{path}.scaled", "must be between -1 and 1.")
        if "min" in s and "max" in s and s["min"] >= s["max"]:
            fail(path, "min must be less than max.")
        if "raw" in s:
            if "min" in s and s["raw"] < s["min"]:
                fail(f"{path}.raw", "must not be less than min.")
            if "max" in s and s["raw"] > s["max"]:
                fail(f"{path}.raw", "must not be greater than max.")

    def context(self, c, path: str, obj_type: str):
        allowed = {"registration", "instructor", "team", "contextActivities", "revision", "platform", "language",
                   "statement", "extensions"}
        if self.v2:
            allowed |= {"contextAgents", "contextGroups"}
        check_keys(c, path, allowed)
        if "registration" in c:
            check_uuid(c["registration"], f"{path}.registration")
        if "instructor" in c:
            check_actor(c["instructor"], f"{path}.instructor")
        if "team" in c:
            if not isinstance(c["team"], dict) or c["team"].get("objectType") != "Group":
                fail(f"{path}.team", "must be a Group.")
            check_group(c["team"], f"{path}.team")
        for key in ("revision", "platform"):
            if key in c:
                check_string(c[key], f"{path}.{key}")
                if obj_type != "Activity":
                    fail(f"{path}.{key}", "is only allowed when the object is an Activity.")
        if "language" in c:
            check_language_tag(c["language"], f"{path}.language")
        if "statement" in c:
            self.statement_ref(c["statement"], f"{path}.statement")
        if "extensions" in c:
            check_extensions(c["extensions"], f"{path}.extensions")
        if "contextActivities" in c:
            self.context_activities(c["contextActivities"], f"{path}.contextActivities")
        if "contextAgents" in c:
            self.context_agents(c["contextAgents"], f"{path}.contextAgents", group=False)
        if "contextGroups" in c:
            self.context_agents(c["contextGroups"], f"{path}.contextGroups", group=True)

    def context_activities(self, ca, path: str):
        check_keys(ca, path, CONTEXT_ACTIVITY_KEYS)
        for key, value in list(ca.items()):
            if isinstance(value, dict):
                value = ca[key] = [value]  # the spec's one normalisation: a single Activity becomes an array
            if not isinstance(value, list):
                fail(f"{path}.{key}", "must be an Activity or an array of Activities.")
            for i, activity in enumerate(value):
                if not isinstance(activity, dict):
                    fail(f"{path}.{key}[{i}]", "must be an Activity.")
                if activity.get("objectType", "Activity") != "Activity":
                    fail(f"{path}.{key}[{i}].objectType", "must be 'Activity'.")
                self.activity(activity, f"{path}.{key}[{i}]")

    def context_agents(self, items, path: str, *, group: bool):
        if not isinstance(items, list):
            fail(path, "must be an array.")
        kind = "contextGroup" if group else "contextAgent"
        for i, item in enumerate(items):
            p = f"{path}[{i}]"
            check_keys(item, p, {"objectType", "group" if group else "agent", "relevantTypes"},
                       {"objectType", "group" if group else "agent"})
            if item["objectType"] != kind:
                fail(f"{p}.objectType", f"must be {kind!r}.")
            if group:
                if not isinstance(item["group"], dict) or item["group"].get("objectType") != "Group":
                    fail(f"{p}.group", "must be a Group.")
                check_group(item["group"], f"{p}.group")
            else:
                check_agent(item["agent"], f"{p}.agent")
            if "relevantTypes" in item:
                types = item["relevantTypes"]
                if not isinstance(types, list) or not types:
                    fail(f"{p}.relevantTypes", "must be a non-empty array of IRIs.")
                for j, t in enumerate(types):
                    check_iri(t, f"{p}.relevantTypes[{j}]")

    def attachments(self, items, path: str):
        if not isinstance(items, list):
            fail(path, "must be an array of attachments.")
        for i, a in enumerate(items):
            p = f"{path}[{i}]"
            check_keys(a, p, {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"},
                       {"usageType", "display", "contentType", "length", "sha2"})
            check_iri(a["usageType"], f"{p}.usageType")
            check_language_map(a["display"], f"{p}.display")
            if "description" in a:
                check_language_map(a["description"], f"{p}.description")
            check_string(a["contentType"], f"{p}.contentType")
            if not re.match(r"^[\w.+-]+/[\w.+-]+(\s*;.*)?$", a["contentType"]):
                fail(f"{p}.contentType", f"{a['contentType']!r} is not an Internet Media Type.")
            require_type(a["length"], int, f"{p}.length", "an integer")
            if a["length"] < 0:
                fail(f"{p}.length", "must not be negative.")
            check_string(a["sha2"], f"{p}.sha2")
            if not re.match(r"^[0-9a-fA-F]+$", a["sha2"]):
                fail(f"{p}.sha2", "must be a hex SHA-2 digest.")
            if "fileUrl" in a:
                check_irl(a["fileUrl"], f"{p}.fileUrl")


def check_statement(st, version: str, path: str = "statement"):
    Checker(version).statement(st, path)
