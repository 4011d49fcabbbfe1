"""The ``agent`` query parameter of the document and Agents resources: an Agent or identified Group as JSON.

Documents are keyed by the agent's one inverse functional identifier (IFI), never by its name, so the same
person posted with or without a name finds the same documents. Statements validate their actors elsewhere; this
parser is for query parameters only, with the spec's rules for an identified agent.
"""

from __future__ import annotations

import json
import re

from .errors import BadRequest

IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
AGENT_KEYS = {"objectType", "name", *IFIS}
GROUP_KEYS = AGENT_KEYS | {"member"}

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
_MAILTO = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")


def is_iri(value) -> bool:
    return isinstance(value, str) and bool(_IRI.match(value))


def parse_agent_param(raw: str | None, *, name: str = "agent", groups: bool = True) -> dict:
    """The agent in a query parameter, validated; a 400 says what is wrong."""
    if raw is None or raw == "":
        raise BadRequest(f"The {name!r} parameter is required.")
    try:
        agent = json.loads(raw)
    except ValueError:
        raise BadRequest(f"The {name!r} parameter is not valid JSON.") from None
    validate_agent(agent, name=name, groups=groups)
    return agent


def validate_agent(agent, *, name: str = "agent", groups: bool = True, identified: bool = True) -> None:
    if not isinstance(agent, dict):
        raise BadRequest(f"{name} must be a JSON object (an Agent{' or Group' if groups else ''}).")
    kind = agent.get("objectType", "Agent")
    if kind == "Group" and groups:
        allowed = GROUP_KEYS
    elif kind == "Agent":
        allowed = AGENT_KEYS
    else:
        expected = "'Agent' or 'Group'" if groups else "'Agent'"
        raise BadRequest(f"{name}: objectType must be {expected}.")
    unknown = set(agent) - allowed
    if unknown:
        raise BadRequest(f"{name}: unknown properties {', '.join(sorted(unknown))}.")
    if "name" in agent and not isinstance(agent["name"], str):
        raise BadRequest(f"{name}: name must be a string.")
    ifis = [key for key in IFIS if key in agent]
    if len(ifis) > 1:
        raise BadRequest(f"{name}: exactly one of mbox, mbox_sha1sum, openid, account identifies an agent, "
                         f"not {len(ifis)}.")
    if not ifis and (identified or kind == "Agent"):
        raise BadRequest(f"{name}: one of mbox, mbox_sha1sum, openid or account is required.")
    for key in ifis:
        _check_ifi(key, agent[key], name)
    if kind == "Group" and "member" in agent:
        members = agent["member"]
        if not isinstance(members, list):
            raise BadRequest(f"{name}: member must be an array of Agents.")
        for i, member in enumerate(members):
            validate_agent(member, name=f"{name}.member[{i}]", groups=False)


def _check_ifi(key: str, value, name: str) -> None:
    if key == "mbox":
        if not (isinstance(value, str) and _MAILTO.match(value)):
            raise BadRequest(f"{name}: mbox must be 'mailto:' followed by an e-mail address.")
    elif key == "mbox_sha1sum":
        if not (isinstance(value, str) and _SHA1.match(value)):
            raise BadRequest(f"{name}: mbox_sha1sum must be 40 hexadecimal digits.")
    elif key == "openid":
        if not is_iri(value):
            raise BadRequest(f"{name}: openid must be a URI.")
    elif key == "account":
        if not isinstance(value, dict) or set(value) != {"homePage", "name"}:
            raise BadRequest(f"{name}: account must have exactly homePage and name.")
        if not is_iri(value["homePage"]):
            raise BadRequest(f"{name}: account.homePage must be an IRL.")
        if not isinstance(value["name"], str) or not value["name"]:
            raise BadRequest(f"{name}: account.name must be a non-empty string.")


def ifi_of(agent: dict) -> tuple[str, object]:
    for key in IFIS:
        if key in agent:
            return key, agent[key]
    raise ValueError("anonymous agent")


def ifi_key(agent: dict) -> str:
    """A stable text for the agent's identifier: the same agent always gives the same key."""
    key, value = ifi_of(agent)
    if key == "account":
        return "account:" + json.dumps([value["homePage"], value["name"]], ensure_ascii=False)
    if key == "mbox_sha1sum":
        return f"mbox_sha1sum:{value.lower()}"
    return f"{key}:{value}"


def person(agent: dict, known: list[dict] = ()) -> dict:
    """The Person object of the Agents resource: every name and identifier the LRS has for this agent."""
    found = {"name": [], "mbox": [], "mbox_sha1sum": [], "openid": [], "account": []}
    for each in [agent, *known]:
        if isinstance(each.get("name"), str) and each["name"] not in found["name"]:
            found["name"].append(each["name"])
        for key in IFIS:
            if key in each and each[key] not in found[key]:
                found[key].append(each[key])
    return {"objectType": "Person", **found}
